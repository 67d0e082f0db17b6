"""The training dock: data source, settings, Train / Pause / Stop, progress and live plots.

Integration: `TrainingDock(network_getter, undo_stack, status_callback)` or
`TrainingDock(document=doc)` (anything with `.net`, `.stack` and a `network_replaced` signal).
`training_active(bool)` tells the main window to disable structural edits while a run is on;
`running_changed(bool)` is True while the worker trains and False when it pauses or ends (the
step-through view re-runs on the new weights then: connect it to `PlayerController.set_frozen`).
"""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMessageBox, QWidget

import rnnstudio as rs
from rnnstudio import tasks
from rnnstudio.model import NetworkError
from rnnstudio.model import events as ev
from rnnstudio.timefmt import format_duration

from .commands import ReinitWeightsCommand, SetTrainingSettingsCommand
from .controller import IDLE, PAUSED, PREPARING, RUNNING, TrainingController
from .csv_dialog import CsvImportDialog, describe_csv, extra_input_records
from .dock_layout import ERROR_STYLE, NOTE_STYLE, DockLayout
from .data import DataError, Dataset, csv_scaling, with_scaling
from .history import TrainingHistory
from .settings import SettingsError, TrainingSettings, known_task
from .sync import (csv_note, default_settings_for, fit_problem, problems_text, same_settings,
                   settings_of, steps_per_epoch)

CSV_ITEM = "__csv__"
UNKNOWN_TASK = "__unknown_task__"


class TrainingDock(DockLayout, QDockWidget):
    """Train the document's network and watch it learn."""

    training_active = Signal(bool)   # a run exists (running, paused or stopping)
    running_changed = Signal(bool)   # the worker is training (False while paused and after)

    def __init__(self, network_getter: Callable | None = None, undo_stack=None,
                 status_callback: Callable[[str], None] | None = None, document=None,
                 parent: QWidget | None = None):
        super().__init__("Training", parent)
        self.setObjectName("Training")
        if document is not None:
            network_getter = network_getter or (lambda: document.net)
            undo_stack = undo_stack if undo_stack is not None else document.stack
            document.network_replaced.connect(self._on_network_replaced)
        self._network = network_getter
        self._undo_stack = undo_stack
        self._status_callback = status_callback or (lambda text: None)
        self._settings = TrainingSettings()
        self._loading = False
        self._subscribed = None
        self._last_csv: dict | None = None
        self.last_message: tuple[str, str] | None = None
        self.history = TrainingHistory()
        self.controller = TrainingController(network_getter, undo_stack, self._status, self)
        self._build()
        self._connect_controller()
        self._on_network_replaced()

    # ------------------------------------------------------------------ the network
    @property
    def network(self):
        return self._network()

    def _on_network_replaced(self, *args) -> None:
        """The document's network object changed (file opened): follow the new one."""
        if self.controller.active:
            self.controller.shutdown()  # a run never outlives its network
        if self._subscribed is not None:
            self._subscribed.events.unsubscribe(self._on_network_event)
        self._subscribed = self._network()
        self._subscribed.events.subscribe(self._on_network_event)
        csv_index = self.source_combo.findData(CSV_ITEM)
        if csv_index >= 0:
            self.source_combo.removeItem(csv_index)  # CSV data belongs to the old network
        self._last_csv = None
        self.history.clear()
        self.load_settings()

    def _on_network_event(self, event: ev.Event) -> None:
        if event.kind == ev.META_CHANGED and not self._loading:
            self.load_settings()
        elif event.kind == ev.IO_CHANGED or event.kind in (ev.NODE_ADDED, ev.NODE_REMOVED) \
                and event.changed.get("kind") in ("input", "output"):
            self._check_fit()  # the data must fit the inputs and outputs (not per neuron:
            # pasting 5,000 neurons checked the settings 5,000 times, a quarter of the edit)

    # ------------------------------------------------------------------ settings <-> forms
    def load_settings(self) -> None:
        """Show the network's stored training settings (or defaults that fit it). Settings
        that are not usable as they are (text for a number, an unknown task, a size that
        cannot fit) are flagged, named in the dock and the status bar, and kept as they are:
        Train is refused until they are set in the forms."""
        net = self._network()
        try:
            self._settings = settings_of(net)
            problems = self._settings.problems() if net.training else []
        except SettingsError as exc:
            self._settings = default_settings_for(net)
            problems = [exc]
        self._fill_forms(self._settings, problems)  # the dock lists them (problem_label)
        if problems:
            self._status_callback("The training settings need attention: "
                                  + problems_text(problems))

    def _fill_forms(self, s: TrainingSettings, problems: list | None = None) -> None:
        flagged = {p.field: str(p).split(": ", 1)[-1] for p in problems or []}
        self._loading = True
        try:
            self._select_source(s, flagged)
            self.settings_form.load(s, flagged)
            self.plots.set_clip(s.clip if "clip" not in flagged else None)
        finally:
            self._loading = False
        self._check_fit()

    def _select_source(self, s: TrainingSettings, flagged: dict | None = None) -> None:
        self._drop_unknown_task_item()
        index = self.source_combo.findData(CSV_ITEM)
        if s.csv is not None:
            self._last_csv = dict(s.csv)
            label = describe_csv(s.csv)
            if index < 0:
                self.source_combo.addItem(label, CSV_ITEM)
                index = self.source_combo.count() - 1
            self.source_combo.setItemText(index, label)
            self.source_combo.setCurrentIndex(index)
            self.params_form.set_task(None)
            self.task_note.setText(csv_note(s.csv))
            return
        if not known_task(s.task):  # shown as it is, never as another task
            name = "no task" if s.task is None else f"{str(s.task)[:40]} (unknown task)"
            self.source_combo.addItem(name, (UNKNOWN_TASK, s.task))
            self.source_combo.setCurrentIndex(self.source_combo.count() - 1)
        else:
            self.source_combo.setCurrentIndex(self.source_combo.findData(s.task))
        params = {k.removeprefix("task.params."): v for k, v in (flagged or {}).items()
                  if k.startswith("task.params.")}
        self.params_form.set_task(s.task, s.task_params, params)
        info = tasks.TASKS.get(s.task) if known_task(s.task) else None
        self.task_note.setText(info.description if info else "")

    def _drop_unknown_task_item(self) -> None:
        for i in reversed(range(self.source_combo.count())):
            data = self.source_combo.itemData(i)
            if isinstance(data, tuple) and data[:1] == (UNKNOWN_TASK,):
                self.source_combo.removeItem(i)

    def settings(self) -> TrainingSettings:
        """The settings shown in the forms."""
        s = self._settings.copy()
        if s.csv is None and known_task(s.task) and self.params_form.task == s.task:
            s.task_params = self.params_form.values()
        self.settings_form.store(s)
        return s

    def _on_settings_changed(self) -> None:
        if self._loading:
            return
        self._settings = self.settings()
        self.plots.set_clip(self._settings.clip)
        self._store(self._settings)
        self._check_fit()

    def _store(self, s: TrainingSettings) -> None:
        """Write the settings into the network's training dict (undoable, merged)."""
        net = self._network()
        after = s.to_dict()
        if after == net.training or same_settings(net.training, s):
            return
        self._loading = True
        try:
            if self._undo_stack is not None:
                getter = self._network
                self._undo_stack.push(SetTrainingSettingsCommand(getter, net.training, after))
            else:
                net.set_meta(training=after)
        finally:
            self._loading = False

    def _on_source_changed(self, index: int) -> None:
        key = self.source_combo.itemData(index)
        if isinstance(key, tuple):  # the unknown task the file names: nothing to change
            return
        if key == CSV_ITEM:
            if self._settings.csv is None and self._last_csv is not None:
                self.apply_csv(self._last_csv)  # back to the CSV data imported before
            return
        previous = self._settings
        s = previous.copy()
        self.settings_form.store(s)
        if previous.task != key or previous.csv is not None:
            s.csv, s.task, s.task_params = None, key, {}  # a new task starts at its defaults
            s.loss = tasks.TASKS[key].loss
        else:
            s.task_params = self.params_form.values()
        self._settings = s
        self._fill_forms(s, s.problems())
        self._store(s)

    def _check_fit(self) -> None:
        problem = fit_problem(self._settings, self._network())
        self.fit_label.setText(problem or "")
        self.fit_label.setVisible(bool(problem))
        problems = self._settings.problems()
        self.problem_label.setText(problems_text(problems, every=True) if problems else "")
        self.problem_label.setVisible(bool(problems))

    # ------------------------------------------------------------------ CSV
    def _on_import_csv_clicked(self) -> None:
        net = self._network()
        s = self._settings
        dialog = CsvImportDialog(net.inputs, net.outputs, self,
                                 path=s.csv.get("path") if s.csv else None,
                                 validation=s.validation, initial=s.csv)
        if dialog.exec():
            self._import_csv(dialog.csv_settings(), dialog.validation, dialog.extra_inputs,
                             (dialog.X, dialog.Y))

    def _import_csv(self, csv: dict, validation: float, extra: list[str], data) -> None:
        """Apply the import; with extra input columns, first add an input per column (wired
        like the first input, weight 0): one undo step for both."""
        stack = self._undo_stack
        if not extra or stack is None:
            self.apply_csv(csv, validation, data)
            return
        from ..commands import AddSubnetCommand, push
        net = self._network()
        nodes, edges = extra_input_records(net, extra)
        stack.beginMacro(f"Import {describe_csv(csv)}")
        try:
            push(stack, AddSubnetCommand(net, nodes, edges, f"Add inputs {', '.join(extra)}"))
            self.apply_csv(csv, validation, data)
        finally:
            stack.endMacro()

    def apply_csv(self, csv: dict, validation: float | None = None, data=None) -> None:
        """Use CSV data (the `csv` entry of the settings) for the next runs. `data`: its
        (X, Y) as the import dialog read them, to fit the input scaling at once (each run
        fits it anew; without `data` the scaling the entry holds is kept, and nothing is
        read here)."""
        s = self.settings()
        s.csv, s.task, s.task_params = dict(csv), None, {}
        self._last_csv = dict(csv)
        if validation is not None:
            s.validation = validation
        if data is not None and data[0] is not None:
            s.csv.pop("scaling", None)
            if tasks.scaling.method_of(s.csv) != "none":
                try:  # the file holds the scaling from the start
                    s = with_scaling(s, csv_scaling(s, *data))
                except (tasks.scaling.ScalingError, ValueError):
                    pass  # the run reports it
        self._settings = s
        self._fill_forms(s)
        self._store(s)
        self._status(f"Imported {describe_csv(csv)}: {', '.join(csv['inputs'])} → "
                     f"{', '.join(csv['targets'])}")

    # ------------------------------------------------------------------ actions
    def train(self) -> bool:
        """Start (or resume) training with the settings in the forms; False if refused."""
        if self.controller.state == PAUSED:
            self.controller.resume()
            return True
        s = self.settings()
        try:
            s.validate()
            self._network().validate()
        except (SettingsError, NetworkError) as exc:
            self._error(str(exc))
            return False
        self._settings = s
        self._store(s)  # the run's settings are saved with the weights it produces
        self.history.clear()
        try:
            self.controller.start(s)  # the data is built off the UI thread: run_started next
        except (SettingsError, DataError, NetworkError, ValueError) as exc:
            self._error(str(exc))
            return False
        return True

    def _on_data_ready(self, s: TrainingSettings, data: Dataset) -> None:
        """The run's data is built (the run begins next): a CSV's input scaling, fitted on
        this split, is saved with the settings."""
        if s.csv is not None:
            s = with_scaling(s, data.scaling)
            self._settings = s
            self._store(s)

    def _on_run_started(self, s: TrainingSettings, data: Dataset) -> None:
        self.show_plots()
        self.plots.set_clip(s.clip)
        self.plots.expect_run(s.epochs, s.epochs * steps_per_epoch(s, data),
                              data.X_train.shape[0] - 1)
        self.progress_bar.setRange(0, s.epochs)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(f"Epoch 0/{s.epochs}")

    def _on_data_failed(self, text: str) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Training could not start")
        self._error(text)

    def _on_train_clicked(self) -> None:
        self.train()

    def reinitialise(self) -> None:
        """New random weights from the settings' seed: one undo step."""
        net = self._network()
        seed = int(self.settings_form.seed.value())
        fresh = net.copy()
        rs.init_weights(fresh, seed)
        before, after = net.get_params(), fresh.get_params()
        if self._undo_stack is not None:
            self._undo_stack.push(ReinitWeightsCommand(self._network, before, after, seed))
        else:
            net.set_params(after)
        self.history.clear()
        self._status(f"Weights re-initialised from seed {seed}")

    # ------------------------------------------------------------------ run feedback
    def _on_state_changed(self, state: str) -> None:
        idle, paused = state == IDLE, state == PAUSED
        self.train_button.setEnabled(idle or paused)
        self.train_button.setText("Resume" if paused else "Train")
        self.pause_button.setEnabled(state == RUNNING)
        self.stop_button.setEnabled(state in (PREPARING, RUNNING, PAUSED))
        if state == PREPARING:  # busy until the data is built
            self.progress_bar.setRange(0, 0)
            self.progress_bar.setFormat("Preparing data…")
        elif idle and self.progress_bar.maximum() == 0:  # cancelled while preparing
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setFormat("Ready")
        self.reinit_button.setEnabled(idle)
        for widget in (self.source_combo, self.csv_button, self.params_form,
                       self.settings_form):
            widget.setEnabled(idle)

    def _on_progress_changed(self, epoch: int, epochs: int, loss: float, left: float) -> None:
        self.progress_bar.setRange(0, epochs)
        self.progress_bar.setValue(min(epoch, epochs))
        self.progress_bar.setFormat(f"Epoch {epoch}/{epochs}  ·  loss {loss:.4g}  ·  "
                                    f"{format_duration(left, '—')} left")

    def _on_run_finished(self, result) -> None:
        self.history.set_outputs(result.outputs)
        self.progress_bar.setFormat(run_summary(result, self.progress_bar.maximum(),
                                                self.history.last_loss()))
        self.plots.refresh()

    def _show_message(self, title: str, text: str) -> None:
        self.last_message = (title, text)
        self._error(text.split("\n")[0])
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()  # window-modal but not blocking: the event loop keeps running

    def _status(self, text: str) -> None:
        self._say(text, error=False)

    def _error(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, error: bool) -> None:
        """A line under the buttons, and in the status bar. In a narrow dock (where the plots
        need the height) only an error keeps its line; a note is in the status bar."""
        self._status_is_error = error
        self.status_label.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self.status_label.setText(text)
        self.status_label.setVisible(error or not self.narrow)
        self._status_callback(text)

    def shutdown(self) -> None:
        """Stop a run and wait for the worker (call before the window closes)."""
        self.controller.shutdown()


def run_summary(result, epochs: int, loss: float) -> str:
    """The progress bar's words for a finished run: how far it got, its loss when it has one,
    and how it ended (failed, diverged, stopped or done)."""
    parts = [f"Epoch {result.epochs_done}/{epochs}"]
    if math.isfinite(loss):
        parts.append(f"loss {loss:.4g}")
    ending = ("failed" if result.error else "diverged" if result.diverged
              else "stopped" if result.stopped else "done")
    return "  ·  ".join(parts + [ending])
