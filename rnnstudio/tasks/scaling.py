"""Input normalisation for CSV data: none, z-score or min-max, fitted on the training split.

A CSV source in a training block may say how its input columns are scaled before they reach
the network, and hold the numbers fitted on the training sequences, so a run, the step-through
player and ``rnnstudio run`` on new data all scale the same way:

    "csv": {..., "normalize": "zscore",
            "scaling": {"method": "zscore", "offset": [2.1, ...], "scale": [0.7, ...]}}

Each input column becomes (x - offset) / scale: z-score uses the mean and standard deviation,
min-max the minimum and the range (so the training data span 0 to 1). A constant column gets
scale 1. The targets are not scaled: the outputs stay in the data's own units. No Qt.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

METHODS = ("none", "zscore", "minmax")
LABELS = {"none": "none", "zscore": "z-score (mean 0, standard deviation 1)",
          "minmax": "min-max (0 to 1 on the training data)"}


class ScalingError(ValueError):
    """A bad normalisation setting; the message names the field at fault."""


def method_of(csv: dict | None) -> str:
    """The CSV source's normalisation ("none" when it says nothing); ScalingError if unknown."""
    method = (csv or {}).get("normalize") or "none"
    if method not in METHODS:
        raise ScalingError(f"csv.normalize: {method!r} is not one of {', '.join(METHODS)}")
    return method


def fit(X: np.ndarray, method: str) -> dict | None:
    """The scaling of each column of X (T, N, d) fitted over all its steps and sequences; None
    for "none"."""
    if method not in METHODS:
        raise ScalingError(f"csv.normalize: {method!r} is not one of {', '.join(METHODS)}")
    if method == "none":
        return None
    flat = np.asarray(X, float).reshape(-1, X.shape[-1])
    if flat.shape[0] == 0:
        raise ScalingError("csv.normalize: no training data to fit the scaling on")
    if method == "zscore":
        offset, scale = flat.mean(axis=0), flat.std(axis=0)
    else:
        offset, scale = flat.min(axis=0), flat.max(axis=0) - flat.min(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return {"method": method, "offset": [float(v) for v in offset],
            "scale": [float(v) for v in scale]}


def check(scaling: Any, n_columns: int) -> dict:
    """`scaling` read from a file, checked: a mapping with one finite offset and one finite,
    non-zero scale per input column (ScalingError naming the field otherwise)."""
    if not isinstance(scaling, dict):
        raise ScalingError("csv.scaling: expected a mapping with offset and scale")
    for key in ("offset", "scale"):
        values = scaling.get(key)
        if not isinstance(values, list) or len(values) != n_columns:
            raise ScalingError(f"csv.scaling.{key}: expected {n_columns} numbers, one per "
                               f"input column")
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ScalingError(f"csv.scaling.{key}[{i}]: {v!r} is not a finite number")
            if key == "scale" and v == 0:
                raise ScalingError(f"csv.scaling.scale[{i}]: must not be 0")
    return scaling


def apply(X: np.ndarray, scaling: dict | None) -> np.ndarray:
    """X (…, d) with each column scaled; X itself when `scaling` is None."""
    if scaling is None:
        return X
    scaling = check(scaling, X.shape[-1])
    return (np.asarray(X, float) - np.asarray(scaling["offset"])) / np.asarray(scaling["scale"])


def saved(csv: dict | None, n_columns: int) -> dict | None:
    """The scaling a CSV source holds, if it asks for one and holds numbers that fit (checked);
    None for "none" or when nothing is saved yet."""
    if method_of(csv) == "none" or csv.get("scaling") is None:
        return None
    return check(csv["scaling"], n_columns)


def prepare(csv: dict | None, X: np.ndarray, train_index) -> tuple[np.ndarray, dict | None]:
    """(X scaled, the scaling): fitted anew on the sequences `train_index` of X (a training
    run). For "none" X is returned as it is, with None."""
    scaling = fit(X[:, train_index], method_of(csv))
    return apply(X, scaling), scaling


def describe(csv: dict | None) -> str:
    return LABELS[method_of(csv)]
