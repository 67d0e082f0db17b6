"""Weight updates (training, re-initialising) restyle edges without recomputing geometry."""

from __future__ import annotations

from rnnstudio.ui import style

from .conftest import small_net


def test_new_weights_restyle_edges_and_keep_their_geometry(window):
    net = small_net()
    window.doc.new(net)
    scene = window.scene
    scene.flush()
    geoms = {k: scene.geom(k) for k in net.graph.edges}
    params = net.get_params()
    params["weights"] = {k: (-2.0 if k == ("x", "h") else w)
                         for k, w in params["weights"].items()}
    net.set_params(params)
    scene.flush()
    delayed, positive, level, _ = scene.look(("x", "h"))
    assert not positive and level == style.width_level(-2.0)
    assert all(scene.geom(k) is geoms[k] for k in net.graph.edges)  # not recomputed
    layer = scene._layer_of[("x", "h")]
    assert not any(b.dirty for b in layer._bins)  # re-assembled with the new look


def test_edges_looks_computed_together_are_each_edges_own(qapp):
    """Looks are computed for many edges at once (numpy): each width level is
    style.width_level's, halves rounded to even as Python rounds them, whatever the sign;
    a self-loop or an edge of delay 1 or more is drawn delayed."""
    import numpy as np

    import rnnstudio as rs
    from rnnstudio.ui.canvas.scene import NetworkScene
    halves = [(k + 0.5) / (style.WIDTH_LEVELS - 1) * style.WEIGHT_FOR_MAX_WIDTH
              for k in range(style.WIDTH_LEVELS - 1)]
    weights = halves + [-w for w in halves] + [0.0, -0.0, 0.37, -1.99, 2.0, 3.5, -40.0]
    levels = style.width_levels(np.array(weights))
    assert levels.tolist() == [style.width_level(w) for w in weights]
    net = rs.Network("looks")
    net.add_neuron("a", x=0.0, y=0.0)
    net.add_neuron("b", x=100.0, y=0.0)
    net.add_edge("a", "b", weight=halves[1])
    net.add_edge("b", "a", weight=-halves[2], delay=2)
    net.add_edge("a", "a", weight=-0.0)
    scene = NetworkScene(net)
    scene.route_now()
    for (u, v), (d, w) in {("a", "b"): (0, halves[1]), ("b", "a"): (2, -halves[2]),
                           ("a", "a"): (scene._delays.get(("a", "a"), 0), -0.0)}.items():
        assert scene.look((u, v)) == (d >= 1 or u == v, w >= 0, style.width_level(w),
                                      max(d, 1))
