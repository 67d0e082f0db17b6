"""What the training dock says when a run cannot start or fails: the cause, in the dock and in
the status bar, not just "loss nan · done"."""

from __future__ import annotations

from rnnstudio.engine import background

from .conftest import RUN_TIMEOUT_MS


def test_a_run_that_cannot_start_shows_its_cause(qtbot, window, dock, monkeypatch):
    def refuse(self):
        raise OSError(24, "Too many open files")
    monkeypatch.setattr(background.BackgroundRun, "start", refuse)
    before = window.doc.net.get_params()
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS):
        dock.train_button.click()
    cause = "could not start: OSError: [Errno 24] Too many open files"
    assert cause in dock.status_label.text()
    assert cause in window.statusBar().currentMessage()
    bar = dock.progress_bar.format()
    assert "failed" in bar and "nan" not in bar and "done" not in bar
    assert window.doc.net.get_params() == before
    assert dock.train_button.isEnabled()


def test_a_finished_run_still_reports_its_loss(qtbot, window, dock):
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS):
        dock.train_button.click()
    assert "done" in dock.progress_bar.format() and "loss" in dock.progress_bar.format()
    assert dock.status_label.text().startswith("Training finished after")


def test_a_run_whose_process_cannot_be_set_up_shows_its_cause(qtbot, window, dock,
                                                              monkeypatch):
    """Shared flags that cannot be made (no /dev/shm, say) used to raise out of the button's
    slot: a traceback on stderr, and nothing in the window."""
    def refuse(ctx):
        raise OSError(38, "Function not implemented")
    monkeypatch.setattr(background.Controls, "create", classmethod(lambda cls, ctx: refuse(ctx)))
    dock.train()  # the data is built off the UI thread; the run would begin next
    qtbot.waitUntil(lambda: not dock.controller.active, timeout=RUN_TIMEOUT_MS)
    cause = "could not start: OSError: [Errno 38] Function not implemented"
    assert cause in dock.status_label.text()
    assert cause in window.statusBar().currentMessage()
    assert "could not start" in dock.progress_bar.format()
    assert not dock.controller.active and dock.train_button.isEnabled()


def test_the_progress_words_fit_the_bar_on_one_line(qtbot, window, dock):
    """At 1280x800 the bar beside the buttons was about 230 px and 'Epoch 150/150 · loss
    0.01727 · done' wrapped onto a second line that the bar cut off."""
    bar = dock.progress_bar
    full = "Epoch 150/150  ·  loss 0.01727  ·  done"
    bar.setFormat(full)
    bar.setMinimumWidth(0)
    metrics = bar.fontMetrics()
    for width in (180, 230, metrics.horizontalAdvance(full) + 40):
        bar.setFixedWidth(width)
        shown = bar.text()
        assert metrics.horizontalAdvance(shown) < width, (width, shown)
        assert shown.split()[0] in ("Epoch", "150/150") and shown.endswith("done")
        assert "0.01727" in shown
    assert bar.text() == full  # room enough: the whole text
    assert bar.format() == full and bar.toolTip() == full
