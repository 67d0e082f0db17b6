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
