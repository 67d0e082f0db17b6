"""Issue 14: a short, deterministic slice of the random-operation run through the main window
(tools/monkey.py runs it long): every operation keeps the document equal to its recorded state,
undo and redo restore exactly, save -> load round-trips."""

from __future__ import annotations

import pytest

from .monkey import Monkey

SEEDS = (1, 2, 3)
OPS = 120


@pytest.mark.parametrize("seed", SEEDS)
def test_random_operations_keep_the_document_exact(window, tmp_path, seed):
    monkey = Monkey(window, seed, tmp_path)
    counts = monkey.run(OPS)
    assert sum(counts.values()) == OPS
    assert counts["undo"] and counts["add_edge"]  # the slice does exercise edits and undo
    assert monkey.recovery_checks  # and recovery writes amid the window's events
    window.doc.stack.setClean()


@pytest.mark.parametrize("seed, ops", [(4, OPS), (5105, 860)])
def test_random_operations_stay_exact_when_every_network_is_big(window, tmp_path, monkeypatch,
                                                                 seed, ops):
    """The same with the big-network paths (ordering and loops shown a moment after the edits,
    the player re-run in a worker, zoomed out a paste's node items made after its first
    paint): the canvas catches up to exactly the model's ordering and selection. Seed 5105
    reaches, at operation 851, a redo-all in which a delete is redone before the items of the
    paste redone just before it are made (their nodes were asked of the network: KeyError)."""
    from rnnstudio.ui import ordering_strip
    from rnnstudio.ui.canvas import drawing
    from rnnstudio.ui.player import controller
    for module, name in ((drawing, "ROUTE_LATER"), (ordering_strip, "ROUTE_LATER"),
                         (controller, "BACKGROUND_SIZE")):
        monkeypatch.setattr(module, name, 0)
    monkeypatch.setattr(drawing, "SLICE_EDGES", 3)  # bulk edits drawn a slice at a time
    window.scene.draw_bodies_in_layer(True)  # zoomed out: a paste's items made after a paint
    counts = Monkey(window, seed, tmp_path).run(ops)
    assert window.scene.bodies_in_layer
    assert sum(counts.values()) == ops
    window.doc.stack.setClean()
