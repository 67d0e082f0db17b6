"""Recording a played sequence as an animation: GIF (Pillow) and MP4 (extra [video]), from the
File menu with progress and cancel, and headless with `rnnstudio animate`."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QDialog

from rnnstudio import cli
from rnnstudio.ui import animation
from rnnstudio.ui.animation import (AnimationError, AnimationRig, Cancelled, frames, record,
                                    write_animation)
from rnnstudio.ui.animation_dialog import AnimationDialog
from rnnstudio.ui.document import examples_dir

from .conftest import small_net

ECHO = examples_dir() / "echo-memory.rnn.json"


@pytest.fixture
def echo(window, qtbot):
    window.files.open_example(ECHO)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _pixel(image: Image.Image, xy) -> tuple:
    return image.convert("RGB").getpixel(xy)


def test_a_gif_has_a_frame_per_step_that_changes_with_the_values(echo, tmp_path):
    rig = AnimationRig.of_window(echo)
    player = rig.player
    player.seek(2)
    path = record(rig, tmp_path / "echo.gif", "canvas", fps=5, first=0, last=9, width=640)
    assert (player.t, path.name) == (2, "echo.gif")  # the cursor is put back
    gif = Image.open(path)
    assert gif.n_frames == 10 and gif.size[0] == 640
    assert gif.info["duration"] == 200 and gif.info.get("loop") == 0
    shots = []
    for i in (3, 4):  # the input's fill differs from one step to the next
        gif.seek(i)
        shots.append(np.asarray(gif.convert("RGB"), float))
    assert np.abs(shots[0] - shots[1]).max() > 40
    assert sorted(p.name for p in tmp_path.iterdir()) == ["echo.gif"]  # no part file left


def test_both_views_stack_the_canvas_over_the_unrolled_view(echo):
    rig = AnimationRig.of_window(echo)
    canvas, both = next(frames(rig, "canvas", 0, 0, 800)), next(frames(rig, "both", 0, 0, 800))
    assert both.width() == canvas.width() == 800
    assert both.height() > canvas.height() + 100
    assert both.height() % 2 == 0


def test_cancelling_writes_nothing(echo, tmp_path):
    rig = AnimationRig.of_window(echo)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3
    with pytest.raises(Cancelled):
        record(rig, tmp_path / "x.gif", progress=progress, width=400)
    assert seen[-1] == (3, rig.player.T) and list(tmp_path.iterdir()) == []


def test_bad_requests_are_clear_errors(echo, tmp_path):
    rig = AnimationRig.of_window(echo)
    with pytest.raises(AnimationError, match="choose a .gif or .mp4"):
        record(rig, tmp_path / "x.avi")
    with pytest.raises(AnimationError, match="no steps to record"):
        record(rig, tmp_path / "x.gif", first=5, last=2)
    echo.doc.new()  # no inputs, no outputs: nothing plays
    with pytest.raises(AnimationError, match="no sequence"):
        record(AnimationRig.of_window(echo), tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_mp4_without_the_video_extra_says_how_to_get_it(echo, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    with pytest.raises(AnimationError, match=r"rnnstudio\[video\]"):
        record(AnimationRig.of_window(echo), tmp_path / "x.mp4", width=320)
    assert list(tmp_path.iterdir()) == []


def test_mp4_with_the_video_extra(echo, tmp_path):
    imageio = pytest.importorskip("imageio.v2")
    pytest.importorskip("imageio_ffmpeg")
    path = record(AnimationRig.of_window(echo), tmp_path / "x.mp4", "both", fps=4, last=7,
                  width=480)
    reader = imageio.get_reader(str(path))
    assert reader.count_frames() == 8 and reader.get_meta_data()["fps"] == 4
    reader.close()


def test_the_file_menu_records_with_progress(echo, tmp_path, monkeypatch):
    action = echo.actions["export_animation"]
    file_menu = echo.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index(action.text()) == texts.index(echo.actions["export"].text()) + 1

    def fake_exec(dialog):
        dialog.path_edit.setText(str(tmp_path / "menu.gif"))
        dialog.view.setCurrentIndex(2)
        dialog.last.setValue(4)
        dialog.width_box.setValue(480)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(AnimationDialog, "exec", fake_exec)
    action.trigger()
    assert Image.open(tmp_path / "menu.gif").n_frames == 5
    assert "Exported" in echo.statusBar().currentMessage()


def test_the_menu_says_when_there_is_nothing_to_record(window, monkeypatch):
    window.doc.new()
    shown = []
    monkeypatch.setattr("rnnstudio.ui.animation_dialog.QMessageBox.critical",
                        lambda *a: shown.append(a[2]))
    assert window.animation.run() is None
    assert "no sequence" in shown[0]


def test_rnnstudio_animate_writes_a_gif_headless(tmp_path, capsys):
    out = tmp_path / "cli.gif"
    assert cli.main(["animate", str(ECHO), str(out), "--view", "both", "--last", "5",
                     "--width", "500", "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert Image.open(out).n_frames == 6
    assert cli.main(["animate", str(ECHO), str(tmp_path / "x.gif"), "--sample", "999"]) == 2
    assert "sample 999" in capsys.readouterr().err
    assert cli.main(["animate", str(ECHO), str(tmp_path / "x.webm")]) == 2
    assert "choose a .gif or .mp4" in capsys.readouterr().err
