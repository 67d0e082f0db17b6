"""Training settings as a plain dataclass (no Qt), round-tripping to `Network.training`.

The network's ``training`` dict is saved in the file, so everything a run needs lives here. The
one canonical form (the examples, templates, the command line and the step-through view use it)
has exactly one of ``task`` or ``csv`` at the top level:

    {"task": {"name": "adding", "params": {"T": 50}},
     "loss": "mse", "optimizer": "adam", "lr": 0.01, "momentum": 0.9, "epochs": 100,
     "batch_size": null, "clip": null, "tbptt": null, "seed": 0, "validation": 0.2}

    {"csv": {"path": ..., "inputs": [...], "targets": [...], "window": 50, "stride": 10}, ...}

`TrainingSettings.from_dict` accepts partial or older dicts (missing keys take defaults, unknown
keys are kept in `extra` and written back), and `validate()` raises `SettingsError` naming the
field at fault. An older form that nested the source as ``"data": {"task": ...}`` or
``"data": {"csv": ...}`` is still read, and written back in the canonical form.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Any

LOSSES = ("mse", "bce", "cross_entropy")
OPTIMIZERS = ("adam", "sgd", "momentum")
MAX_EPOCHS = 1_000_000


class SettingsError(ValueError):
    """A bad training setting; `field` names it (e.g. "lr", "csv.window")."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass
class TrainingSettings:
    task: str | None = "sine"            # a built-in task name, or None when csv is used
    task_params: dict[str, Any] = field(default_factory=dict)
    csv: dict[str, Any] | None = None    # {"path", "inputs", "targets", "window", "stride"}
    loss: str = "mse"
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    epochs: int = 100
    batch_size: int | None = None        # None: the whole data set in one batch
    clip: float | None = None            # None: no gradient clipping
    tbptt: int | None = None             # None: full BPTT
    seed: int = 0
    validation: float = 0.2              # fraction of sequences held out
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys, kept for the file

    # ------------------------------------------------------------------ dict round trip
    @property
    def source_kind(self) -> str:
        return "csv" if self.csv is not None else "task"

    def data_dict(self) -> dict[str, Any]:
        """The data source alone: {"task": {"name", "params"}} or {"csv": {...}}."""
        if self.csv is not None:
            return {"csv": copy.deepcopy(self.csv)}
        return {"task": {"name": self.task, "params": copy.deepcopy(self.task_params)}}

    def to_dict(self) -> dict[str, Any]:
        """The canonical training block: the source at the top level, then the settings, then
        any unknown keys the file had."""
        out = self.data_dict()
        for name in _SCALARS:
            out[name] = getattr(self, name)
        for key, value in self.extra.items():
            if key not in out and key not in ("data", "task", "csv"):
                out[key] = copy.deepcopy(value)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TrainingSettings":
        """Settings from a network's training dict; missing keys take the defaults."""
        data = copy.deepcopy(data or {})
        if not isinstance(data, dict):
            raise SettingsError("training", f"expected a mapping, got {type(data).__name__}")
        settings = cls(**{k: data.pop(k) for k in _SCALARS if k in data})
        top = {k: data.pop(k) for k in ("task", "csv") if k in data}
        top = {k: v for k, v in top.items() if v is not None}
        nested = data.pop("data", None)  # the older nested form
        source = top or nested
        if source is not None:
            settings._read_source(source)
        settings.extra = data
        return settings

    def _read_source(self, source: Any) -> None:
        if isinstance(source, dict) and isinstance(source.get("task"), str):
            source = {"task": {"name": source["task"], "params": {}}}
        if not isinstance(source, dict) or len(source) != 1 or not set(source) & {"task", "csv"}:
            raise SettingsError("task", "expected exactly one of 'task': {name, params} or "
                                        "'csv': {path, inputs, targets, window, stride}")
        if "csv" in source:
            if not isinstance(source["csv"], dict):
                raise SettingsError("csv", "expected a mapping")
            self.task, self.task_params, self.csv = None, {}, source["csv"]
            return
        task = source["task"]
        if not isinstance(task, dict):
            raise SettingsError("task", "expected a mapping with name and params")
        self.task, self.task_params, self.csv = task.get("name"), task.get("params") or {}, None

    def copy(self) -> "TrainingSettings":
        return copy.deepcopy(self)

    # ------------------------------------------------------------------ validation
    def validate(self) -> "TrainingSettings":
        """Raise SettingsError naming the first bad field; return self when all is well."""
        self._check_source()
        _check_choice("loss", self.loss, LOSSES)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_number("lr", self.lr, low=0.0, open_low=True)
        _check_number("momentum", self.momentum, low=0.0, high=1.0, open_high=True)
        _check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        _check_int("batch_size", self.batch_size, 1, None, optional=True)
        _check_number("clip", self.clip, low=0.0, open_low=True, optional=True)
        _check_int("tbptt", self.tbptt, 1, None, optional=True)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        _check_number("validation", self.validation, low=0.0, high=1.0, open_high=True)
        return self

    def _check_source(self) -> None:
        if self.csv is None:
            if not isinstance(self.task, str) or not self.task:
                raise SettingsError("task.name", "choose a built-in task or import a CSV")
            if not isinstance(self.task_params, dict):
                raise SettingsError("task.params", "expected a mapping")
            return
        for key in ("path", "inputs", "targets"):
            if not self.csv.get(key):
                raise SettingsError(f"csv.{key}", "missing")
        for key in ("inputs", "targets"):
            if not isinstance(self.csv[key], list):
                raise SettingsError(f"csv.{key}", "expected a list of column names")
        # window None: the whole file is one sequence; stride None: windows do not overlap
        _check_int("csv.window", self.csv.get("window"), 1, None, optional=True)
        _check_int("csv.stride", self.csv.get("stride"), 1, None, optional=True)


_SCALARS = tuple(f.name for f in fields(TrainingSettings)
                 if f.name not in ("task", "task_params", "csv", "extra"))


def _check_choice(name: str, value: Any, options: tuple) -> None:
    if value not in options:
        raise SettingsError(name, f"{value!r} is not one of {', '.join(options)}")


def _check_int(name: str, value: Any, low: int, high: int | None, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(name, f"expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise SettingsError(name, f"must be {bound}, got {value}")


def _check_number(name: str, value: Any, low: float | None = None, high: float | None = None,
                  open_low: bool = False, open_high: bool = False,
                  optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SettingsError(name, f"expected a finite number, got {value!r}")
    too_low = low is not None and (value <= low if open_low else value < low)
    too_high = high is not None and (value >= high if open_high else value > high)
    if too_low or too_high:
        lo = "" if low is None else f"{'>' if open_low else '>='} {low:g}"
        hi = "" if high is None else f"{'<' if open_high else '<='} {high:g}"
        raise SettingsError(name, f"must be {' and '.join(b for b in (lo, hi) if b)}, "
                                  f"got {value!r}")
