"""How the training dock is laid out (a mixin of `TrainingDock`): the run controls on top, the
setup forms (Data, Settings) and the live plots side by side in a wide dock or as two tabs in a
narrow one, and the panel in a window of its own."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QBoxLayout, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSplitter, QStackedWidget, QStyle,
                               QTabWidget, QVBoxLayout, QWidget)

from rnnstudio import tasks

from ..plaintext import plain
from .controller import IDLE
from .forms import TaskParamsWidget, TrainingSettingsWidget
from .plots import TrainingPlotsWidget
from .progress import ProgressBar

ERROR_STYLE = "color: #c92a2a;"
NOTE_STYLE = "color: #5c667a;"
NARROW, SHORT = 760, 520  # below this width or height the setup forms and the plots
                          # become two tabs
CONTROLS_MAX_WIDTH = 400
TWO_BOX_WIDTH = 680  # a Setup tab this wide shows the Data and Settings boxes side by side
WINDOW_SIZE = (1100, 720)  # the panel in a window of its own (the plots' Window button)
PROGRESS_MIN_WIDTH = 230  # the progress bar's text on one line, beside the buttons


class DockLayout:
    """The widgets of `TrainingDock` and how they are arranged; the dock's behaviour (settings,
    CSV, runs) is in `dock.py`."""

    def _build(self) -> None:
        """The run controls on top (always visible), then the setup forms and the plots: side
        by side in a wide dock, as two tabs in a narrow one."""
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 0)
        column.setSpacing(4)
        column.addWidget(self._build_run_box())
        self.controls = self._build_controls()
        self.plots = TrainingPlotsWidget(self.history)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.tabs)
        column.addWidget(self.pages, 1)
        self.narrow: bool | None = None
        self._plots_wanted = False  # the Plots tab is the one to show when the dock has tabs
        self.tabs.tabBarClicked.connect(
            lambda i: setattr(self, "_plots_wanted", self.tabs.widget(i) is self.plots))
        self._set_narrow(True)  # until it has a size: side by side, it would widen the window
        self.controls.installEventFilter(self)
        self.setWidget(body)
        self.plots.window_requested.connect(self.toggle_window)
        self.topLevelChanged.connect(self.plots.set_in_window)
        self.source_combo.activated.connect(self._on_source_changed)
        self.csv_button.clicked.connect(self._on_import_csv_clicked)
        self.params_form.changed.connect(self._on_settings_changed)
        self.settings_form.changed.connect(self._on_settings_changed)
        self._on_state_changed(IDLE)

    def _set_narrow(self, narrow: bool) -> None:
        """Setup and plots side by side (wide) or as tabs (narrow)."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if hasattr(self, "status_label"):
            self.status_label.setVisible(not narrow or getattr(self, "_status_is_error", False))
        if narrow:
            self.controls.setMaximumWidth(16_777_215)
            self.tabs.addTab(self.controls, "Setup")
            self.tabs.addTab(self.plots, "Plots")
            self.tabs.setCornerWidget(self.plots.header)  # beside the tabs: room for the plots
            self.plots.header.show()
            self.tabs.setCurrentWidget(self.plots if self._plots_wanted else self.controls)
            self.pages.setCurrentWidget(self.tabs)
            return
        while self.tabs.count():
            self.tabs.removeTab(0)
        self.tabs.setCornerWidget(None)
        self.plots.take_header_back()
        self.controls.setMaximumWidth(CONTROLS_MAX_WIDTH)
        self.splitter.addWidget(self.controls)
        self.splitter.addWidget(self.plots)
        self.controls.show()  # pages taken out of a tab widget stay hidden otherwise
        self.plots.show()
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.pages.setCurrentWidget(self.splitter)

    def toggle_window(self) -> None:
        """The panel in a window of its own, large enough for the plots, or back in place."""
        if self.isFloating():
            self.setFloating(False)
            return
        self.setFloating(True)
        area = self.screen().availableGeometry()
        self.resize(min(WINDOW_SIZE[0], area.width() - 60),
                    min(WINDOW_SIZE[1], area.height() - 60))
        self.move(area.center() - self.rect().center())
        self.show_plots()

    def show_plots(self) -> None:
        """Bring the plots into view (the Plots tab of a narrow dock, now or once it becomes
        narrow)."""
        self._plots_wanted = True
        if self.narrow:
            self.tabs.setCurrentWidget(self.plots)

    def _build_controls(self) -> QWidget:
        inner = QWidget()
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(2, 2, 2, 2)
        self._boxes = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._boxes.addWidget(self._build_data_box(), 1, Qt.AlignmentFlag.AlignTop)
        self._boxes.addWidget(self._build_settings_box(), 1, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(self._boxes)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(280)
        return scroll

    def _build_data_box(self) -> QGroupBox:
        box = QGroupBox("Data")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.source_combo = QComboBox()
        for name in tasks.TASKS:
            self.source_combo.addItem(name.capitalize(), name)
        self.source_combo.setToolTip("A built-in task, or the CSV data imported last")
        self.csv_button = QPushButton("Import CSV…")
        row.addWidget(self.source_combo, 1)
        row.addWidget(self.csv_button)
        layout.addLayout(row)
        self.task_note = QLabel()
        self.task_note.setWordWrap(True)
        plain(self.task_note)  # a CSV's path and column names as typed
        self.task_note.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.task_note)
        self.params_form = TaskParamsWidget()
        layout.addWidget(self.params_form)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        plain(self.fit_label)  # names the network's inputs and outputs
        self.fit_label.setStyleSheet(ERROR_STYLE)
        self.fit_label.hide()
        layout.addWidget(self.fit_label)
        return box

    def _build_settings_box(self) -> QGroupBox:
        box = QGroupBox("Settings")
        layout = QVBoxLayout(box)
        self.settings_form = TrainingSettingsWidget()
        layout.addWidget(self.settings_form)
        return box

    def _build_run_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        row = self._build_buttons()  # the buttons and the progress bar share a row
        self.progress_bar = ProgressBar()
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("Ready")
        self.progress_bar.setValue(0)
        self.progress_bar.setMinimumWidth(PROGRESS_MIN_WIDTH)  # "Epoch 60/60 · loss 0.171 · done"
        row.addWidget(self.progress_bar, 1)
        layout.addLayout(row)
        self.status_label = QLabel("Choose data and settings, then press Train.")
        self.status_label.setWordWrap(True)
        plain(self.status_label)  # messages name nodes, edges and files
        self.status_label.setStyleSheet(NOTE_STYLE)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(ERROR_STYLE)
        plain(self.problem_label)
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        icon = self.style().standardIcon
        sp = QStyle.StandardPixmap
        self.train_button = QPushButton(icon(sp.SP_MediaPlay), "Train")
        self.train_button.setDefault(True)
        self.pause_button = QPushButton(icon(sp.SP_MediaPause), "Pause")
        self.stop_button = QPushButton(icon(sp.SP_MediaStop), "Stop")
        self.reinit_button = QPushButton(icon(sp.SP_BrowserReload), "Re-initialise")
        self.reinit_button.setToolTip("Draw new random weights from the seed (undoable)")
        row = QHBoxLayout()
        for button in (self.train_button, self.pause_button, self.stop_button,
                       self.reinit_button):
            row.addWidget(button)
        self.train_button.clicked.connect(self._on_train_clicked)
        self.pause_button.clicked.connect(self.controller.pause)
        self.stop_button.clicked.connect(self.controller.stop)
        self.reinit_button.clicked.connect(self.reinitialise)
        return row

    def _connect_controller(self) -> None:
        c = self.controller
        c.state_changed.connect(self._on_state_changed)
        c.training_active.connect(self.training_active)
        c.running_changed.connect(self.running_changed)
        c.records.connect(self.history.add_records)
        c.progress.connect(self._on_progress_changed)
        c.run_finished.connect(self._on_run_finished)
        c.message.connect(self._show_message)
        c.data_ready.connect(self._on_data_ready)
        c.run_started.connect(self._on_run_started)
        c.data_failed.connect(self._on_data_failed)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        """The Setup page resized in a narrow dock: the Plots tab will have its size, so
        lay the plots out for it now rather than when Train brings them into view (~30 ms)."""
        if obj is self.controls and event.type() == QEvent.Type.Resize and self.narrow \
                and self.tabs.currentWidget() is self.controls:
            self.plots.fit_columns(event.size())
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        size = event.size()
        self._set_narrow(size.width() < NARROW or size.height() < SHORT)
        side_by_side = self.narrow and size.width() >= TWO_BOX_WIDTH  # Data | Settings
        self._boxes.setDirection(QBoxLayout.Direction.LeftToRight if side_by_side
                                 else QBoxLayout.Direction.TopToBottom)
