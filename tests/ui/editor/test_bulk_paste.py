"""Pasting and undoing many nodes at once (issue 14, "Big networks stay interactive"): one
selection change, bulk model operations, and undo gives back the identical network."""

from __future__ import annotations

import rnnstudio as rs


def grid_net(columns: int = 6, rows: int = 30) -> rs.Network:
    """Columns of neurons, each row wired to the next column's row and to itself."""
    net = rs.Network("grid")
    for c in range(columns):
        kind = "input" if c == 0 else "output" if c == columns - 1 else "neuron"
        for r in range(rows):
            net.add_node(f"n{c}_{r}", kind, x=c * 130.0, y=r * 60.0)
    for c in range(columns - 1):
        for r in range(rows):
            net.add_edge(f"n{c}_{r}", f"n{c + 1}_{r}", weight=0.5)
            if 0 < c < columns - 1:
                net.add_edge(f"n{c}_{r}", f"n{c}_{r}", weight=0.25)
    return net


def test_undoing_a_paste_of_selected_nodes_says_selection_changed_once(window):
    window.doc.new(grid_net())
    window.editor.select_all()
    window.editor.copy()
    pasted = window.editor.paste()
    assert len(pasted) == 180 and set(window.scene.selected_nodes()) == set(pasted)
    said = []
    window.scene.selectionChanged.connect(lambda: said.append(window.scene.selected_nodes()))
    window.doc.stack.undo()
    window.scene.flush()
    assert said == [[]]  # was once per removed node, each listener asking for the selection
