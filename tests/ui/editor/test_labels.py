"""Edge labels (z⁻ᵈ tags) never cover a node, its badge or its name, nor each other, and sit
in the same places in every launch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnnstudio.io import load
from rnnstudio.ui.canvas.scene import NetworkScene
from rnnstudio.ui.canvas.tags import TAG_H, TAG_W, node_obstacle

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ROOT = Path(__file__).resolve().parents[3]


def _tag_rects(scene) -> dict:
    from PySide6.QtCore import QRectF
    out = {}
    for key, g in scene._geoms.items():
        if g.label_pos is not None:
            p = g.label_pos
            out[key] = QRectF(p.x() - TAG_W / 2, p.y() - TAG_H / 2, TAG_W, TAG_H)
    return out


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.rnn.json")), ids=lambda p: p.stem)
def test_tags_cover_no_node_and_no_other_tag(qtbot, path):
    scene = NetworkScene(load(path))
    scene.flush()
    g = scene.net.graph
    obstacles = [node_obstacle(d["x"], d["y"]) for _, d in g.nodes(data=True)]
    tags = _tag_rects(scene)
    for key, rect in tags.items():
        assert scene.is_delayed(*key)
        assert not any(rect.intersects(o) for o in obstacles), key
    rects = list(tags.values())
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[:i])


def test_a_node_moved_onto_a_tag_pushes_the_tag_away(qtbot):
    scene = NetworkScene(load(EXAMPLES / "elman-sine.rnn.json"))
    scene.flush()
    key, rect = next(iter(_tag_rects(scene).items()))
    free = next(n for n in scene.net.graph if n not in key)
    scene.net.move_node(free, rect.center().x(), rect.center().y())
    scene.flush()
    moved = _tag_rects(scene).get(key)
    assert moved is None or not moved.intersects(node_obstacle(rect.center().x(),
                                                               rect.center().y()))


_RENDER = """
import hashlib, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from rnnstudio.io import load
from rnnstudio.ui.canvas.scene import NetworkScene
from rnnstudio.ui.render import render_scene
scene = NetworkScene(load(sys.argv[1]))
render_scene(scene, sys.argv[2], scale=1.0)
"""


@pytest.mark.parametrize("name", ["elman-sine", "lstm-adding"])
def test_the_canvas_is_the_same_picture_whatever_the_hash_seed(tmp_path, name):
    pictures = []
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, QT_QPA_PLATFORM="offscreen",
                   PYTHONPATH=str(ROOT))
        out = tmp_path / f"{seed}.png"
        subprocess.run([sys.executable, "-c", _RENDER, str(EXAMPLES / f"{name}.rnn.json"),
                        str(out)], env=env, capture_output=True, check=True)
        pictures.append(out.read_bytes())
    assert pictures[0] == pictures[1] == pictures[2]


def test_reverse_time_neurons_read_the_next_step_and_say_so(qtbot):
    """The backward layer of a bidirectional net reads t+1: its delayed edges carry z⁺¹ (the
    forward layer's z⁻¹), on single edges and on bundles; the tooltip says later steps."""
    from rnnstudio import templates
    net = templates.bidirectional(1, 3, 1)
    scene = NetworkScene(net)
    scene.flush()
    tags = {t for layer in scene._layers for t in _layer_tags(layer)}
    assert tags == {"z⁻¹", "z⁺¹"}
    reverse = {n for n in net.graph if net.graph.nodes[n].get("direction") == "reverse"}
    for key in scene._geoms:
        if scene.is_delayed(*key):
            assert scene.reads_later(key) == (key[1] in reverse)
    for gid in ("forward", "backward"):
        net.set_group_collapsed(gid, True)
    scene.flush()
    loops = {k[0][1]: item.bundle.tag for k, item in scene.groups.bundle_items.items()
             if k[2] and k[0] == k[1]}
    assert loops == {"forward": "z⁻¹", "backward": "z⁺¹"}
    item = scene.groups.bundle_items[(("group", "backward"), ("group", "backward"), True)]
    text = scene.groups.tooltip_text(_point_on(item))
    assert "z⁺¹ (later steps)" in text


def _layer_tags(layer) -> list[str]:
    layer.rebuild()
    return [text for b in layer._bins for _, text in b.tags]


def _point_on(item):
    from PySide6.QtCore import QPointF
    x, y = item.geom.samples[len(item.geom.samples) // 2]
    return QPointF(x, y)


def test_a_bundle_of_several_delays_names_the_range(qtbot):
    """A window's taps read 1, 2 and 3 steps back: their bundle says z⁻¹…z⁻³, not z⁻³."""
    scene = NetworkScene(load(EXAMPLES / "window-vs-recurrent-windowed.rnn.json"))
    for gid in scene.net.groups:
        scene.net.set_group_collapsed(gid, True)
    scene.flush()
    tags = {item.bundle.tag for item in scene.groups.bundle_items.values()
            if item.bundle.delayed}
    assert "z⁻¹…z⁻³" in tags


def test_many_new_nodes_push_away_exactly_the_tags_they_cover():
    """A paste's thousands of nodes look for the tags they cover box by box only when a tag
    lies in the area they span (`_tags_near`): never is a covered tag missed."""
    import random

    from rnnstudio.ui.canvas.drawing import _tags_near
    from rnnstudio.ui.canvas.tags import _meet
    rng = random.Random(5)

    def box(x0=-1000.0, x1=1000.0):
        x, y = rng.uniform(x0, x1), rng.uniform(-1000, 1000)
        return x, y, x + rng.uniform(1, 80), y + rng.uniform(1, 60)
    for _ in range(400):
        placed = {i: box() for i in range(rng.randint(1, 40))}
        boxes = {i: box() for i in range(rng.choice([64, 100, 300]))}
        if any(_meet(t, b) for t in placed.values() for b in boxes.values()):
            assert _tags_near(placed, boxes)
    beside = {i: box(3000.0, 5000.0) for i in range(500)}  # right of every tag
    assert not _tags_near({i: box() for i in range(50)}, beside)
