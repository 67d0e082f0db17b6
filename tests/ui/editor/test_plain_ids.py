"""Node ids are shown as typed everywhere (issue 14, item 10): Qt takes text that looks like
HTML as rich text, so an id `<b>x</b>` showed as a bold "x" in the inspector, the ordering strip's
tooltips and the plot legends."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QMessageBox

import rnnstudio as rs

X, H, Y = "<b>x</b>", "<i>h</i>", "<u>y</u>&co"


def shown(text: str, fmt=Qt.TextFormat.AutoText) -> str:
    """The text a QLabel, tooltip or message box of this format displays."""
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText
                                             and GuiQt.mightBeRichText(text))
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def label_shows(label) -> str:
    return shown(label.text(), label.textFormat())


def html_net() -> rs.Network:
    net = rs.Network("markup")
    net.add_input(X, x=0.0, y=0.0)
    net.add_neuron(H, x=150.0, y=0.0)
    net.add_output(Y, x=300.0, y=0.0)
    net.add_edge(X, H, weight=0.5)
    net.add_edge(H, H, weight=0.9)
    net.add_edge(H, Y, weight=1.0)
    return net


@pytest.fixture
def marked(window):
    window.doc.new(html_net())
    return window


def test_the_inspector_titles_show_ids_as_typed(marked):
    inspector = marked.inspector
    inspector.show_selection([X], [])
    assert label_shows(inspector.title) == f"Node {X}"
    inspector.show_selection([], [(X, H)])
    assert label_shows(inspector.edge_title) == f"Edge {X} → {H}"
    inspector.show_selection([], [(H, Y)])
    assert label_shows(inspector.reason).startswith(f"{H} comes before {Y} in the ordering")


def test_the_ordering_strip_tooltips_show_ids_as_typed(marked):
    strip = marked.strip
    strip.refresh()
    tips = [shown(strip.list.item(i).toolTip()) for i in range(strip.list.count())]
    assert f"{H}: #2 in the ordering" in tips


def test_plot_legends_show_ids_as_typed(marked, qtbot):
    plots = marked.player.plots
    plots.set_selected([H])
    qtbot.waitUntil(lambda: bool(plots.states.getPlotItem().legend.items))
    legend = [label.item.toPlainText() for _, label in plots.states.getPlotItem().legend.items]
    assert legend == [H]
    outputs = [label.item.toPlainText() for _, label in plots.outputs.getPlotItem().legend.items]
    assert Y in outputs
    from rnnstudio.ui.plot_export import curve_columns
    assert [name for name, _, _ in curve_columns(plots.states.getPlotItem())] == [H]


def test_error_messages_naming_an_id_show_it_as_typed(marked, tmp_path, monkeypatch):
    record = json.loads(rs.io.dumps(html_net()))
    record["nodes"].append(dict(record["nodes"][1]))  # a duplicate of <i>h</i>
    path = tmp_path / "dup.rnn.json"
    path.write_text(json.dumps(record))
    shown_boxes = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda parent, title, text, *a: shown_boxes.append(text)))
    marked.files.open_path(str(path), ask=False)
    (text,) = shown_boxes
    assert f"duplicate id '{H}'" in shown(text)


def test_the_training_dock_names_inputs_as_typed(marked):
    dock = marked.training
    dock.apply_csv({"path": "a.csv", "inputs": ["u", "v"], "targets": ["w"], "window": None,
                    "stride": None})
    assert f"the network has 1 input ({X})" in label_shows(dock.fit_label)


def test_a_menu_shows_an_ampersand_in_a_file_name(marked, tmp_path):
    path = tmp_path / "a&b.rnn.json"
    rs.save(html_net(), path)
    marked.files.add_recent(path)
    texts = [a.iconText() for a in marked.recent_menu.actions()]
    assert "a&b.rnn.json" in texts
