"""File › Import… and File › Export Network…: other tools' networks in and out of the app."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

import rnnstudio as rs
from rnnstudio.interop import graphml
from tests.interop.test_snns import ELMAN_CONNS, ELMAN_UNITS, net_text


def _menu_texts(window) -> list[str]:
    file_menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in file_menu.actions()]


def test_import_an_snns_net_and_export_it_as_graphml(window, tmp_path, monkeypatch):
    assert "&Import…" in _menu_texts(window) and "Export &Network…" in _menu_texts(window)
    src = tmp_path / "elman.net"
    src.write_text(net_text(ELMAN_UNITS, ELMAN_CONNS))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    window.actions["import_net"].trigger()
    net = window.doc.net
    assert net.inputs == ["in1", "in2"] and window.doc.path is None
    out = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(out), "GraphML (*.graphml)"))
    window.actions["export_net"].trigger()
    assert graphml.load(tmp_path / "exported.graphml") == net


def test_a_bad_file_shows_the_error_and_keeps_the_document(window, tmp_path, monkeypatch):
    before = window.doc.net
    bad = tmp_path / "bad.net"
    bad.write_text("SNNS network definition file V1.4-3D\nupdate function : BPTT_Order\n")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    assert window.files.import_path(bad) is False
    assert window.doc.net is before and "BPTT_Order" in shown[0] and "bad.net" in shown[0]
    assert rs.io.dumps(window.doc.net) == rs.io.dumps(before)
