"""Buffers that the training plots draw from (no Qt).

The worker's records arrive by signal on the UI thread and are appended here; the plots read
numpy views on a timer. Buffers grow by doubling, so appending is O(1) and reading never copies.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class SeriesBuffer:
    """A growable float64 array: `append` values, read `values` (a view of what is filled)."""

    def __init__(self, capacity: int = 256):
        self._data = np.empty(capacity, dtype=np.float64)
        self._n = 0

    def append(self, value: float) -> None:
        if self._n == len(self._data):
            grown = np.empty(2 * len(self._data), dtype=np.float64)
            grown[:self._n] = self._data[:self._n]
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    @property
    def values(self) -> np.ndarray:
        return self._data[:self._n]

    def clear(self) -> None:
        self._n = 0

    def __len__(self) -> int:
        return self._n


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


class TrainingHistory:
    """Everything the live plots show for one training run."""

    def __init__(self) -> None:
        self.epochs = SeriesBuffer()       # x of the loss curves (1-based epoch numbers)
        self.train_loss = SeriesBuffer()
        self.val_loss = SeriesBuffer()
        self.steps = SeriesBuffer()        # x of the gradient-norm curve (optimizer steps)
        self.grad_norm = SeriesBuffer()
        self.grad_through_time: np.ndarray | None = None  # ||dL/dy(t)||, index = lag from end
        self.outputs: dict[str, np.ndarray] | None = None  # after training: validation outputs
        self.version = 0                   # bumped on every change, so plots redraw if needed

    def clear(self) -> None:
        for buf in (self.epochs, self.train_loss, self.val_loss, self.steps, self.grad_norm):
            buf.clear()
        self.grad_through_time = None
        self.outputs = None
        self.version += 1

    def add_records(self, records: list[dict[str, Any]]) -> None:
        """Records from the worker, per batch (with "batch") and per epoch (batch None)."""
        for record in records:
            if record.get("batch") is None:
                self.add_epoch(record)
            else:
                self.add_batch(record)

    def add_batch(self, record: dict[str, Any]) -> None:
        """A per-batch record: one optimizer step with its gradient norm and time profile."""
        self.steps.append(len(self.steps) + 1)
        self.grad_norm.append(_num(record.get("grad_norm")))
        gtt = record.get("grad_norm_through_time")
        if gtt is not None:
            self.grad_through_time = lag_profile(gtt)
        self.version += 1

    def add_epoch(self, record: dict[str, Any]) -> None:
        """A per-epoch record: the epoch's training and validation loss."""
        self.epochs.append(len(self.epochs) + 1)
        self.train_loss.append(_num(record.get("loss")))
        self.val_loss.append(_num(record.get("val_loss")))
        self.version += 1

    def set_outputs(self, outputs: dict[str, np.ndarray] | None) -> None:
        self.outputs = outputs
        self.version += 1

    @property
    def n_epochs(self) -> int:
        return len(self.epochs)

    def last_loss(self) -> float:
        values = self.train_loss.values
        return float(values[-1]) if len(values) else math.nan


def lag_profile(gtt: Any) -> np.ndarray:
    """||dL/dy(t)|| for t = 0..T-1 turned into a profile against the lag T-1-t from the end."""
    arr = np.asarray(gtt, dtype=np.float64).reshape(-1)
    return arr[::-1].copy()
