"""Wire the step-through player into the main window.

`install_player(window)` adds the Sequence dock (source, table, transport, time slider), the
Plots dock (states of the selected neurons, outputs against targets, heatmap) and the Unrolled
dock (the network through time), a Play menu with the transport shortcuts, and keeps the canvas
coloured by the player. It follows the document: a newly opened network loads its task's
sequences; the canvas selection chooses the state curves; clicking a node in the unrolled view
selects it on the canvas and moves the cursor to its step.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from shiboken6 import isValid

from ..turns import next_turn
from .canvas_overlay import CanvasPlayer
from .controller import PlayerController
from .keys import PlayerKeyGuard
from .plots import PlayerPlotsWidget
from .sequence_dock import SequenceDock
from .unrolled import UnrolledView

DEFAULT_CURVES = 4  # state curves shown while nothing is selected


@dataclass
class PlayerPanels:
    controller: PlayerController
    sequence: SequenceDock
    plots: PlayerPlotsWidget
    unrolled: UnrolledView
    canvas: CanvasPlayer
    plots_dock: QDockWidget
    unrolled_dock: QDockWidget


def install_player(window) -> PlayerPanels:
    player = PlayerController(parent=window)
    sequence = SequenceDock(player, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, sequence)
    window.docks["Sequence"] = sequence
    if hasattr(window, "dock_areas"):
        window.dock_areas["Sequence"] = Qt.DockWidgetArea.BottomDockWidgetArea
    plots = PlayerPlotsWidget(player)
    unrolled = UnrolledView(player)
    unrolled_dock = window.add_dock(unrolled, "Unrolled in time",
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
    plots_dock = window.add_dock(plots, "Plots", Qt.DockWidgetArea.BottomDockWidgetArea)
    unrolled_dock.visibilityChanged.connect(unrolled.set_on_screen)
    canvas = CanvasPlayer(player, window.scene, window.view, window)
    panels = PlayerPanels(player, sequence, plots, unrolled, canvas, plots_dock, unrolled_dock)

    menu = window.menuBar().addMenu("&Play")
    menu.addActions(sequence.actions_list)
    window.addActions(sequence.actions_list)  # shortcuts work where the player is focused:
    window.player_keys = PlayerKeyGuard(window, [window.view, unrolled, plots,
                                                 *sequence.transport_widgets()])
    if hasattr(window, "view_menu"):
        window.view_menu.addAction(sequence.toggleViewAction())
    window.play_menu = menu

    def follow_selection() -> None:
        if not (isValid(window.scene) and isValid(unrolled) and isValid(plots)):
            return  # the window is being torn down
        selected = window.scene.selected_nodes()
        unrolled.set_focus_nodes(selected)
        tr = player.trajectory
        computed = set(tr.order[tr.n_inputs:]) if tr is not None else set()
        chosen = [n for n in selected if n in computed]
        if not chosen and tr is not None:
            chosen = default_curves(tr)
        plots.set_selected(chosen)

    def on_trajectory() -> None:
        if not plots.selected:
            follow_selection()

    def on_unrolled_click(node: str, t: int) -> None:
        window.scene.select_nodes([node])

    def on_network(net) -> None:
        canvas.rebind(window.scene)
        sequence.load_network(net)
        follow_selection()

    def selection_changed() -> None:
        """A big network's views follow the selection a turn later, once for a burst of
        changes (a delete selects, then clears: 2 x 25-50 ms of unrolled layout and plots)."""
        if player.runs_in_background():
            next_turn(player, follow_selection)
        else:
            follow_selection()

    window.scene.selectionChanged.connect(selection_changed)
    player.hold_while(lambda: isValid(window.scene) and window.scene.drawing())
    player.trajectory_changed.connect(on_trajectory)
    player.message.connect(lambda text: window.statusBar().showMessage(text, 10_000))
    unrolled.node_clicked.connect(on_unrolled_click)
    window.doc.network_replaced.connect(on_network)
    on_network(window.doc.net)
    return panels


def default_curves(tr) -> list[str]:
    """With nothing selected: the outputs' and the first hidden neurons' states."""
    neurons = tr.order[tr.n_inputs:]
    hidden = [n for n in neurons if n not in tr.outputs]
    return (list(tr.outputs) + hidden)[:DEFAULT_CURVES]


def follow_training(panels: PlayerPanels, training_dock) -> None:
    """While a run is going the player does not re-run at every weight update; it re-runs on
    the new weights when training pauses or ends."""
    controller = getattr(training_dock, "controller", None)
    if controller is None:
        return
    controller.state_changed.connect(
        lambda state: panels.controller.set_frozen(state in ("running", "stopping")))
