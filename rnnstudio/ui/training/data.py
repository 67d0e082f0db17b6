"""The training data of a run, built from `TrainingSettings` (no Qt).

A built-in task or a CSV file gives (X, Y) of shape (T, N, dim); the sequences are shuffled by
the run's seed and split into training and validation sets here, so the dock can later show the
network's outputs on exactly the held-out sequences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnstudio import tasks

from .settings import TrainingSettings


class DataError(ValueError):
    """The data of a run cannot be built or does not fit the network."""


@dataclass
class Dataset:
    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray | None
    Y_val: np.ndarray | None
    description: str
    scaling: dict | None = None  # a CSV's input scaling, fitted on X_train (before scaling)

    @property
    def n_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_val(self) -> int:
        return 0 if self.X_val is None else self.X_val.shape[1]


def check_source(settings: TrainingSettings, net) -> None:
    """DataError at once (nothing is read or built) if the data source does not fit the
    network's inputs and outputs, or a task's data would pass the data budget."""
    try:
        if settings.csv is not None:
            check_columns(settings.csv["inputs"], settings.csv["targets"], net)
            return
        tasks.check_fit(net, settings.task, **settings.task_params)
        tasks.get_task(settings.task).check_size(settings.task_params)
    except tasks.TaskError as exc:
        raise DataError(str(exc)) from None


def load_sequences(settings: TrainingSettings, net,
                   scaled: bool = True) -> tuple[np.ndarray, np.ndarray, str]:
    """(X, Y, description) for the settings' data source, checked against the network (only
    its `inputs` and `outputs` are read: a `NetShape` will do, from any thread). CSV inputs
    are normalised as the source says (`scaled`): with the scaling saved in it, else with one
    fitted on the training split of these settings."""
    check_source(settings, net)
    try:
        if settings.csv is not None:
            X, Y, description = _csv_sequences(settings.csv)
            if scaled:
                X = tasks.scaling.apply(X, csv_scaling(settings, X, Y))
            return X, Y, description
        X, Y = tasks.make_task(settings.task, **settings.task_params)
        return np.asarray(X, float), np.asarray(Y, float), f"task '{settings.task}'"
    except (tasks.TaskError, tasks.scaling.ScalingError) as exc:
        raise DataError(str(exc)) from None
    except tasks.CSVError as exc:  # named by the setting at fault when it is one
        raise DataError(f"csv.{exc.setting}: {exc}" if exc.setting else str(exc)) from None


def csv_scaling(settings: TrainingSettings, X: np.ndarray, Y: np.ndarray) -> dict | None:
    """The CSV source's input scaling: the saved one, else fitted on the training split."""
    saved = tasks.scaling.saved(settings.csv, X.shape[-1])
    if saved is not None or tasks.scaling.method_of(settings.csv) == "none":
        return saved
    X_train = split(X, Y, settings.validation, settings.seed)[0]
    return tasks.scaling.fit(X_train, tasks.scaling.method_of(settings.csv))


def _csv_sequences(csv: dict) -> tuple[np.ndarray, np.ndarray, str]:
    X, Y = tasks.from_csv(csv["path"], inputs=csv["inputs"], targets=csv["targets"],
                          window=csv.get("window"), stride=csv.get("stride"))
    return X, Y, f"CSV {csv['path']}"


def check_columns(inputs: list, targets: list, net) -> None:
    """DataError unless there is one input column per network input and one target per output."""
    for what, cols, have in (("input", inputs, net.inputs), ("target", targets, net.outputs)):
        node = "input" if what == "input" else "output"
        if len(cols) != len(have):
            raise DataError(f"{len(cols)} {what} column{'s' if len(cols) != 1 else ''} chosen; "
                            f"the network has {len(have)} {node}{'s' if len(have) != 1 else ''} "
                            f"({', '.join(have) or 'none'})")


def split(X: np.ndarray, Y: np.ndarray, fraction: float, seed: int):
    """(X_train, Y_train, X_val, Y_val): a shuffled hold-out of round(fraction * N) sequences.

    At least one sequence is kept for training; no validation set when fraction is 0 or there
    is a single sequence.
    """
    n = X.shape[1]
    n_val = min(int(round(fraction * n)), n - 1)
    if n_val <= 0:
        return X, Y, None, None
    order = np.random.default_rng(seed).permutation(n)
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[:, train], Y[:, train], X[:, val], Y[:, val]


def build_dataset(settings: TrainingSettings, net) -> Dataset:
    """The run's data: load, check against the network, split by the settings' seed; CSV
    inputs normalised with a scaling fitted anew on the training split."""
    X, Y, desc = load_sequences(settings, net, scaled=False)
    if X.ndim != 3 or Y.ndim != 3 or X.shape[:2] != Y.shape[:2]:
        raise DataError(f"{desc}: expected X (T, N, inputs) and Y (T, N, outputs) of the same "
                        f"T and N, got {X.shape} and {Y.shape}")
    X_train, Y_train, X_val, Y_val = split(X, Y, settings.validation, settings.seed)
    scaling = None
    if settings.csv is not None:
        try:
            scaling = tasks.scaling.fit(X_train, tasks.scaling.method_of(settings.csv))
        except tasks.scaling.ScalingError as exc:
            raise DataError(str(exc)) from None
        X_train = tasks.scaling.apply(X_train, scaling)
        X_val = None if X_val is None else tasks.scaling.apply(X_val, scaling)
    return Dataset(X_train, Y_train, X_val, Y_val, desc, scaling)


def with_scaling(settings: TrainingSettings, scaling: dict | None) -> TrainingSettings:
    """A copy of the settings whose CSV source holds `scaling` (or none)."""
    s = settings.copy()
    if s.csv is not None:
        s.csv.pop("scaling", None)
        if scaling is not None:
            s.csv["scaling"] = scaling
    return s
