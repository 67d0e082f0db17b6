"""The Sequence dock: where the played sequence comes from, and the transport controls."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDockWidget, QHBoxLayout, QLabel, QSlider, QSpinBox, QStyle,
                               QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ...model import Network
from ...model import events as ev
from ..plaintext import literal
from .controller import PlayerController

SOURCE_TASK, SOURCE_TABLE = "Training data", "Typed sequence"
DEFAULT_T = 20


def default_sequence(n_inputs: int, T: int = DEFAULT_T) -> np.ndarray:
    """A readable starting sequence: a pulse, then a slow wave, per input column."""
    t = np.arange(T)[:, None]
    cols = np.arange(n_inputs)[None, :]
    X = 0.8 * np.sin(2 * np.pi * (t / 10.0 + cols / max(n_inputs, 1)))
    X[0] = 1.0
    return np.round(X, 3)


def training_source(net: Network):
    """The settings of the network's training data when it names usable ones (a built-in
    task or CSV data), else None; nothing is read (see `task_sequences`)."""
    from ..training.settings import SettingsError, TrainingSettings
    training = net.training or {}
    if not training.get("task") and not training.get("csv") and not training.get("data"):
        return None
    try:
        settings = TrainingSettings.from_dict(training)
    except SettingsError:
        return None
    return None if settings.problems() else settings


def build_sequences(settings, net) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The training data (X, Y (T, N, dim), description) of `settings` (`training_source`)
    for `net` (its inputs and outputs: a NetShape will do, from any thread); None when it does
    not fit. A DataError says why it cannot be read."""
    from ..training.data import load_sequences
    X, Y, description = load_sequences(settings, net)
    if X.ndim != 3 or X.shape[2] != len(net.inputs) or X.shape[1] == 0 \
            or Y.shape[2] != len(net.outputs):
        return None
    return X, Y, description


def task_sequences(net: Network) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The network's training data, built here and now (for headless use: the dock builds it
    off the UI thread); None when it has none, or it cannot be read or does not fit."""
    from ..training.data import DataError
    settings = training_source(net)
    if settings is None:
        return None
    try:
        return build_sequences(settings, net)
    except (DataError, MemoryError):
        return None


def _data_key(net: Network) -> str:
    """What the training data depends on (not the learning rate, the epochs, ...)."""
    training = net.training or {}
    return repr([training.get(k) for k in ("task", "csv", "data")])


class SequenceDock(QDockWidget):
    """Pick the sequence (a task sample or a typed table) and drive the player. The network's
    training data is built off the UI thread: a file opens at once, its data follows."""

    sequence_changed = Signal()
    _data_built = Signal(object, object, object)  # token, (X, Y, description) or None, error

    def __init__(self, player: PlayerController, parent: QWidget | None = None):
        super().__init__("Sequence", parent)
        self.setObjectName("SequenceDock")
        self.player = player
        self._task_data: tuple[np.ndarray, np.ndarray, str] | None = None
        self._training_key = None  # the training block the task data was made from
        self._data_token = 0  # the build whose result is wanted (older ones are dropped)
        self._data_built.connect(self._on_data_built)
        self._prefer_task = True  # the user's choice of source, kept while the data misfits
        self._typed: dict[str, np.ndarray] = {}  # typed input columns by input id
        self._showing_typed = False  # the table holds a typed sequence (not training data)
        self._filling = False
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addLayout(self._build_source_row())
        lay.addWidget(self._build_table(), 1)
        lay.addLayout(self._build_transport())
        lay.addLayout(self._build_time_row())
        self.setWidget(body)
        self._build_actions()
        player.cursor_changed.connect(self._on_cursor_changed)
        player.trajectory_changed.connect(self._on_trajectory_changed)
        player.playing_changed.connect(self._on_playing_changed)
        player.columns_changed.connect(self._on_columns_changed)

    # ------------------------------------------------------------------ widgets
    def _build_source_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.source = QComboBox()
        self.source.addItems([SOURCE_TASK, SOURCE_TABLE])
        self.source.currentTextChanged.connect(self._on_source_changed)
        self.sample = QSpinBox()
        self.sample.setPrefix("sample ")
        self.sample.valueChanged.connect(self._on_sample_changed)
        self.length = QSpinBox()
        self.length.setRange(1, 100000)
        self.length.setPrefix("T = ")
        self.length.setValue(DEFAULT_T)
        self.length.valueChanged.connect(self._on_length_changed)
        for w in (QLabel("Source:"), self.source, self.sample, self.length):
            row.addWidget(w)
        row.addStretch(1)
        return row

    def _build_table(self) -> QTableWidget:
        self.table = QTableWidget()
        self.table.itemChanged.connect(self._on_table_edited)
        self.table.verticalHeader().setDefaultSectionSize(20)
        return self.table

    def _tool(self, text: str, tip: str, slot, icon=None) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        if icon is not None:
            b.setIcon(self.style().standardIcon(icon))
        b.setToolButtonStyle(Qt.ToolButtonIconOnly if icon is not None
                             else Qt.ToolButtonTextOnly)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _build_transport(self) -> QHBoxLayout:
        row = QHBoxLayout()
        p = self.player
        sp = QStyle.StandardPixmap
        self.reset_button = self._tool("Reset", "Reset to before the first step (Home)",
                                       p.reset, sp.SP_MediaSkipBackward)
        self.back_button = self._tool("Back", "Step back (Left)", p.back, sp.SP_MediaSeekBackward)
        self.play_button = self._tool("Play", "Play / pause (Space)", p.toggle_play,
                                      sp.SP_MediaPlay)
        self.step_button = self._tool("Step", "Step (Right)", p.step, sp.SP_MediaSeekForward)
        self.micro_button = self._tool("+1 neuron", "Micro-step: compute just the next neuron "
                                       "in the ordering (M)", p.micro_step)
        for b in (self.reset_button, self.back_button, self.play_button, self.step_button,
                  self.micro_button):
            row.addWidget(b)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(1, 30)
        self.speed.setValue(int(p.speed))
        self.speed.setToolTip("Playing speed (steps per second)")
        self.speed.valueChanged.connect(lambda v: p.set_speed(v))
        row.addWidget(QLabel("speed"))
        row.addWidget(self.speed)
        return row

    def _build_time_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(-1, 0)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.time_label = QLabel("t = – / 0")
        self.time_label.setMinimumWidth(110)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time_label)
        return row

    def transport_widgets(self) -> list[QWidget]:
        """The controls where the player's keys act (not the table, not the spin boxes)."""
        return [self.reset_button, self.back_button, self.play_button, self.step_button,
                self.micro_button, self.slider]

    def _build_actions(self) -> None:
        p = self.player
        specs = [("Play / Pause", Qt.Key_Space, p.toggle_play), ("Step", Qt.Key_Right, p.step),
                 ("Step Back", Qt.Key_Left, p.back), ("Micro-step", Qt.Key_M, p.micro_step),
                 ("Reset Player", Qt.Key_Home, p.reset)]
        self.actions_list: list[QAction] = []
        for text, key, slot in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.WindowShortcut)
            action.triggered.connect(slot)
            self.actions_list.append(action)

    # ------------------------------------------------------------------ sources
    def load_network(self, net: Network) -> None:
        """A new document: pick its training data when it has some, else a typed sequence."""
        old = self.player.network
        if old is not None:
            old.events.unsubscribe(self._on_model_event)
        self.player.set_network(net)
        net.events.subscribe(self._on_model_event)
        self._task_data = None  # the old network's data never plays on the new one
        self._typed.clear()
        self._prefer_task = True
        self._load_task_data(net)
        self._show_source(SOURCE_TABLE)  # the training data replaces it once it is built

    def _load_task_data(self, net: Network) -> None:
        """Start building the network's training data (the result comes by `_data_built`)."""
        from ..training.background_data import NetShape, build_in_background
        self._training_key = _data_key(net)
        self._data_token += 1
        settings = training_source(net)
        if settings is None:
            self._task_data = None
            if self.source.currentText() == SOURCE_TASK:
                self._show_source(SOURCE_TABLE)
            self._set_task_tip("the network has no usable training data (set it in the "
                               "Training dock)")
            return
        self._set_task_tip("building the network's training data…")
        shape = NetShape.of(net)
        build_in_background(lambda: build_sequences(settings, shape), self._data_built,
                            (self._data_token, net))

    def _on_data_built(self, token, data, error) -> None:
        number, net = token
        if number != self._data_token or net is not self.player.network:
            return  # the network or its training settings changed meanwhile
        self._task_data = data
        if data is not None:
            self._set_task_tip("the network's training data: " + data[2])
            if self._prefer_task:
                self._remember_typed()
                self._show_source(SOURCE_TASK)
            return
        if error is not None:
            self._set_task_tip(f"the training data could not be built: {error}")
            self.player.message.emit(f"Step-through: the training data could not be built: "
                                     f"{error}")
        else:
            self._set_task_tip("the training data does not fit the network")
        if self.source.currentText() == SOURCE_TASK:
            self._show_source(SOURCE_TABLE)

    def _set_task_tip(self, text: str) -> None:
        self.source.setItemData(0, literal(text), Qt.ItemDataRole.ToolTipRole)

    def _show_source(self, source: str) -> None:
        self._filling = True
        self.source.setCurrentText(source)
        self._filling = False
        self._apply_source()

    def _on_model_event(self, event) -> None:
        """New training settings (another task or CSV file): play from the new data."""
        net = self.player.network
        if event.kind != ev.META_CHANGED or net is None or _data_key(net) == self._training_key:
            return
        self._prefer_task = True  # new training data: play it once it is built
        self._load_task_data(net)  # the current sequence plays until the new one is built

    def _on_columns_changed(self) -> None:
        """Inputs or outputs were added, removed or reordered (an edit, undo or redo): the
        table gets a column per input at once (typed columns are kept by input id), and the
        training data plays again once it is built for the new columns, if it fits them."""
        net = self.player.network
        if net is None:
            return
        self._remember_typed()
        self._task_data = None  # made for the old columns: it never plays on the new ones
        self._load_task_data(net)
        self._show_source(SOURCE_TABLE)

    def _apply_source(self) -> None:
        net = self.player.network
        if net is None:
            return
        task = self.source.currentText() == SOURCE_TASK and self._task_data is not None
        self.sample.setVisible(task)
        self.length.setVisible(not task)
        if task:
            X, Y, _ = self._task_data
            self.sample.setRange(0, X.shape[1] - 1)
            i = self.sample.value()
            self._show_and_play(X[:, i, :], Y[:, i, :])
        else:
            self._show_and_play(self._typed_input(), None)

    def _typed_input(self) -> np.ndarray:
        """The typed sequence for the network's inputs: each input's remembered column (cut or
        extended to T), else the default sequence's column."""
        inputs = self.player.network.inputs
        X = default_sequence(len(inputs), self.length.value())
        for j, name in enumerate(inputs):
            column = self._typed.get(name)
            if column is not None:
                n = min(len(X), len(column))
                X[:n, j] = column[:n]
        return X

    def _remember_typed(self) -> None:
        """Keep the typed table's columns by input id, so they outlive a refit."""
        if not self._showing_typed:
            return
        for j in range(self.table.columnCount()):
            header = self.table.horizontalHeaderItem(j)
            if header is not None and header.data(Qt.ItemDataRole.UserRole) == "input":
                self._typed[header.text()] = self._column(j)

    def _column(self, j: int) -> np.ndarray:
        out = np.zeros(self.table.rowCount())
        for t in range(len(out)):
            item = self.table.item(t, j)
            try:
                out[t] = float(item.text()) if item and item.text().strip() else 0.0
            except ValueError:
                out[t] = 0.0
        return out

    def _show_and_play(self, X: np.ndarray, Y: np.ndarray | None) -> None:
        self._fill_table(X, Y)
        self.player.set_sequence(X, Y)
        self.sequence_changed.emit()

    def _fill_table(self, X: np.ndarray, Y: np.ndarray | None) -> None:
        net = self.player.network
        n_y = 0 if Y is None else Y.shape[1]
        self._filling = True
        self.table.setRowCount(len(X))
        self.table.setColumnCount(X.shape[1] + n_y)
        headers = list(net.inputs) + [f"{o} target" for o in net.outputs][:n_y]
        for j, text in enumerate(headers):
            header = QTableWidgetItem(text)
            header.setData(Qt.ItemDataRole.UserRole, "input" if j < X.shape[1] else "target")
            self.table.setHorizontalHeaderItem(j, header)
        self.table.setVerticalHeaderLabels([str(t) for t in range(len(X))])
        editable = self._showing_typed = self.source.currentText() == SOURCE_TABLE
        for t in range(len(X)):
            row = list(X[t]) + ([] if Y is None else list(Y[t]))
            for j, value in enumerate(row):
                item = QTableWidgetItem("" if np.isnan(value) else f"{value:.4g}")
                if not editable or j >= X.shape[1]:
                    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(t, j, item)
        self._filling = False

    def typed_sequence(self) -> np.ndarray:
        """The inputs typed into the table (a cell that is not a number reads 0)."""
        n_in = len(self.player.network.inputs)
        X = np.zeros((self.table.rowCount(), n_in))
        for j in range(n_in):
            X[:, j] = self._column(j)
        return X

    # ------------------------------------------------------------------ handlers
    def _on_source_changed(self, text: str) -> None:
        if self._filling:
            return
        self._remember_typed()
        self._prefer_task = text == SOURCE_TASK
        if self._prefer_task and self._task_data is None:
            self.player.message.emit("This network has no training data that fits it (yet): "
                                     "a typed sequence plays.")
            self._show_source(SOURCE_TABLE)
            return
        self._apply_source()

    def _on_sample_changed(self, value: int) -> None:
        if not self._filling:
            self._apply_source()

    def _on_length_changed(self, value: int) -> None:
        if not self._filling and self.source.currentText() == SOURCE_TABLE:
            self._remember_typed()
            self._apply_source()

    def _on_table_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        try:
            float(item.text() or 0)
        except ValueError:
            self.player.message.emit(
                f"Sequence row {item.row()}, column {item.column() + 1}: "
                f"{item.text()!r} is not a number")
            self._filling = True
            item.setText("0")
            self._filling = False
        t = self.player.t
        self.player.set_sequence(self.typed_sequence())
        self.player.seek(t)

    def _on_slider_moved(self, value: int) -> None:
        if value != self.player.t:
            self.player.seek(value)

    def _on_trajectory_changed(self) -> None:
        self.slider.setRange(-1, max(self.player.T - 1, -1))

    def _on_cursor_changed(self, t: int, k: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(t)
        self.slider.blockSignals(False)
        shown = "–" if t < 0 else str(t)
        partial = "" if k == self.player.K or t < 0 else f"  ({k}/{self.player.K} neurons)"
        self.time_label.setText(f"t = {shown} / {self.player.T}{partial}")
        if 0 <= t < self.table.rowCount():
            self.table.selectRow(t)
        else:  # before the first step (a reset, another network): no row is the current one
            self.table.clearSelection()

    def _on_playing_changed(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(
            sp.SP_MediaPause if playing else sp.SP_MediaPlay))
        self.play_button.setText("Pause" if playing else "Play")
