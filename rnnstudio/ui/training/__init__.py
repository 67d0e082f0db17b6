"""Training in the app: settings, a worker relaying a training process, the training dock,
CSV import.

`settings`, `data`, `history` and `sync` have no Qt; the rest is Qt. Names are imported lazily
so that `rnnstudio.ui.training.settings` can be used without loading Qt.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "TrainingSettings": "settings", "SettingsError": "settings",
    "TrainingHistory": "history", "Dataset": "data", "DataError": "data",
    "build_dataset": "data", "TrainingWorker": "worker", "RunResult": "worker",
    "TrainingController": "controller", "TrainingDock": "dock",
    "TrainingPlotsWidget": "plots", "CsvImportDialog": "csv_dialog",
    "TrainRunCommand": "commands", "ReinitWeightsCommand": "commands",
    "SetTrainingSettingsCommand": "commands", "install_training": "install",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
