"""Undo commands of the training dock: a whole training run, a re-initialisation, settings.

Each command only calls model methods (`set_params`, `set_meta`) with copies it stored. A run is
one undo macro: `RunStartCommand` first, any weight edited by hand while it ran, and a
`TrainRunCommand` with the final parameters last.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

SETTINGS_COMMAND_ID = 0x7261  # consecutive settings edits merge into one undo step


class SetParamsCommand(QUndoCommand):
    """Parameters before and after (e.g. one whole training run): undo puts back `before`."""

    def __init__(self, network_getter: Callable, before: dict, after: dict, text: str,
                 training_after: dict | None = None, training_before: dict | None = None):
        super().__init__(text)
        self._network = network_getter
        self.before, self.after = copy.deepcopy(before), copy.deepcopy(after)
        self._training_before = copy.deepcopy(training_before)
        self._training_after = copy.deepcopy(training_after)

    def redo(self) -> None:
        net = self._network()
        net.set_params(self.after)
        if self._training_after is not None:
            net.set_meta(training=self._training_after)

    def undo(self) -> None:
        net = self._network()
        net.set_params(self.before)
        if self._training_before is not None:
            net.set_meta(training=self._training_before)


class TrainRunCommand(SetParamsCommand):
    """One whole training run: one undo step, whatever the number of epochs."""

    def __init__(self, network_getter: Callable, before: dict, after: dict, epochs: int,
                 training_before: dict | None = None, training_after: dict | None = None):
        text = f"Train {epochs} epoch{'s' if epochs != 1 else ''}"
        super().__init__(network_getter, before, after, text,
                         training_after=training_after, training_before=training_before)


class RunStartCommand(QUndoCommand):
    """The first step inside a training run's undo macro: undoing it puts back the parameters
    from before the run, after any weight edited by hand during the run was undone (so the
    whole run undoes to exactly where it started). Redo does nothing: the run's last step sets
    every parameter."""

    def __init__(self, network_getter: Callable, before: dict):
        super().__init__("Start training")
        self._network = network_getter
        self.before = copy.deepcopy(before)

    def redo(self) -> None:
        pass

    def undo(self) -> None:
        self._network().set_params(self.before)


class ReinitWeightsCommand(SetParamsCommand):
    """Re-initialise the weights from a seed."""

    def __init__(self, network_getter: Callable, before: dict, after: dict, seed: int):
        super().__init__(network_getter, before, after, f"Re-initialise weights (seed {seed})")


class SetTrainingSettingsCommand(QUndoCommand):
    """Change the network's training settings; consecutive changes merge into one step."""

    def __init__(self, network_getter: Callable, before: dict[str, Any], after: dict[str, Any]):
        super().__init__("Change training settings")
        self._network = network_getter
        self.before, self.after = copy.deepcopy(before), copy.deepcopy(after)

    def id(self) -> int:
        return SETTINGS_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetTrainingSettingsCommand):
            return False
        self.after = copy.deepcopy(other.after)
        return True

    def redo(self) -> None:
        self._network().set_meta(training=self.after)

    def undo(self) -> None:
        self._network().set_meta(training=self.before)
