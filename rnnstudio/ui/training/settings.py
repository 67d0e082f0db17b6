"""Training settings as a plain dataclass (no Qt), round-tripping to `Network.training`.

The network's ``training`` dict is saved in the file, so everything a run needs lives here. The
one canonical form (the examples, templates, the command line and the step-through view use it)
has exactly one of ``task`` or ``csv`` at the top level:

    {"task": {"name": "adding", "params": {"T": 50}},
     "loss": "mse", "optimizer": "adam", "lr": 0.01, "momentum": 0.9, "epochs": 100,
     "batch_size": null, "clip": null, "tbptt": null, "seed": 0, "validation": 0.2}

    {"csv": {"path": ..., "inputs": [...], "targets": [...], "window": 50, "stride": 10,
             "normalize": "zscore", "scaling": {...}}, ...}   (see tasks.scaling)

`TrainingSettings.from_dict` accepts partial or older dicts (missing keys take defaults, unknown
keys are kept in `extra` and written back), and `validate()` raises `SettingsError` naming the
field at fault. An older form that nested the source as ``"data": {"task": ...}`` or
``"data": {"csv": ...}`` is still read, and written back in the canonical form.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Iterator

from rnnstudio import tasks
from rnnstudio.tasks.scaling import METHODS

LOSSES = ("mse", "bce", "cross_entropy")
OPTIMIZERS = ("adam", "sgd", "momentum")
NORMALIZE = METHODS  # input normalisation of CSV data
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
        problems = self.problems()
        if problems:
            raise problems[0]
        return self

    def problems(self, sizes: bool = True) -> list[SettingsError]:
        """Every bad field, each as a SettingsError naming it; [] when all is well. Values are
        taken as they are (text is not a number) and must fit the training dock's forms, so
        a setting read from a file is shown as it is or flagged, never silently replaced.
        `sizes`: also whether a task's data would pass the data budget (named by n_seq)."""
        return (_collect(self._check_source(sizes)) + _collect(self._check_choices())
                + _collect(self._check_numbers()))

    def _check_choices(self) -> Iterator[Callable[[], None]]:
        yield lambda: _check_choice("loss", self.loss, LOSSES)
        yield lambda: _check_choice("optimizer", self.optimizer, OPTIMIZERS)

    def _check_numbers(self) -> Iterator[Callable[[], None]]:
        for name, (kind, low, high, optional) in LIMITS.items():
            value = getattr(self, name)
            if kind is int:
                yield lambda n=name, v=value, lo=low, hi=high, o=optional: \
                    _check_int(n, v, lo, hi, optional=o)
            else:
                yield lambda n=name, v=value, lo=low, hi=high, o=optional: \
                    _check_number(n, v, low=lo, high=hi, optional=o)

    def _check_source(self, sizes: bool) -> Iterator[Callable[[], None]]:
        if self.csv is None:
            yield self._check_task_name
            if known_task(self.task) and isinstance(self.task_params, dict):
                for key, value in self.task_params.items():
                    yield lambda k=key, v=value: _check_task_param(self.task, k, v)
                if sizes:
                    yield self._check_task_size
            return
        for key in ("path", "inputs", "targets"):
            yield lambda k=key: _check_present(f"csv.{k}", self.csv.get(k))
        for key in ("inputs", "targets"):
            yield lambda k=key: _check_columns(f"csv.{k}", self.csv.get(k))
        # window None: the whole file is one sequence; stride None: windows do not overlap
        yield lambda: _check_int("csv.window", self.csv.get("window"), 1, None, optional=True)
        yield lambda: _check_int("csv.stride", self.csv.get("stride"), 1, None, optional=True)
        yield lambda: _check_choice("csv.normalize", self.csv.get("normalize") or "none",
                                    NORMALIZE)

    def _check_task_name(self) -> None:
        if not isinstance(self.task, str) or not self.task:
            raise SettingsError("task.name", "choose a built-in task or import a CSV")
        if not known_task(self.task):
            raise SettingsError("task.name", f"{self.task!r} is not a built-in task (tasks: "
                                             f"{', '.join(tasks.TASKS)})")
        if not isinstance(self.task_params, dict):
            raise SettingsError("task.params", "expected a mapping")


    def _check_task_size(self) -> None:
        info = tasks.TASKS[self.task]
        try:
            info.resolve(self.task_params)
        except tasks.TaskError:
            return  # a bad parameter is reported on its own
        try:
            info.check_size(self.task_params)
        except tasks.TaskError as exc:
            raise SettingsError("task.params.n_seq",
                                str(exc).removeprefix(f"task '{self.task}': ")) from None


def known_task(name: Any) -> bool:
    """Whether `name` is a built-in task's name (any value may come from a file)."""
    return isinstance(name, str) and name in tasks.TASKS


# the numeric settings: type, lowest, highest (as the forms can show them), None allowed
LIMITS: dict[str, tuple[type, float | None, float | None, bool]] = {
    "lr": (float, 1e-7, 100.0, False),
    "momentum": (float, 0.0, 0.999, False),
    "epochs": (int, 1, MAX_EPOCHS, False),
    "batch_size": (int, 1, 1_000_000, True),
    "clip": (float, 1e-7, 1e6, True),
    "tbptt": (int, 1, 1_000_000, True),
    "seed": (int, 0, 2**31 - 1, False),
    "validation": (float, 0.0, 0.9, False),
}


def _collect(checks: Iterator[Callable[[], None]]) -> list[SettingsError]:
    out = []
    for check in checks:
        try:
            check()
        except SettingsError as exc:
            out.append(exc)
    return out


def _check_present(name: str, value: Any) -> None:
    if not value:
        raise SettingsError(name, "missing")


def _check_columns(name: str, value: Any) -> None:
    if value and (not isinstance(value, list) or
                  not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in value)):
        raise SettingsError(name, "expected a list of column names")


def _check_task_param(task: str, key: str, value: Any) -> None:
    spec = tasks.TASKS[task].params.get(key)
    name = f"task.params.{key}"
    if spec is None:
        raise SettingsError(name, f"task '{task}' has no parameter '{key}' (parameters: "
                                  f"{', '.join(tasks.TASKS[task].params)})")
    if spec.type != "str" and (isinstance(value, str) or isinstance(value, bool)):
        raise SettingsError(name, f"expected a number, got {_shown(value)}")
    try:
        spec.check(task, key, value)
    except tasks.TaskError as exc:
        raise SettingsError(name, str(exc).split(": ", 1)[-1]) from None


_SCALARS = tuple(f.name for f in fields(TrainingSettings)
                 if f.name not in ("task", "task_params", "csv", "extra"))


def _check_choice(name: str, value: Any, options: tuple) -> None:
    if value not in options:
        raise SettingsError(name, f"{value!r} is not one of {', '.join(options)}")


def _check_int(name: str, value: Any, low: int, high: int | None, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(name, f"expected a whole number, got {_shown(value)}")
    if value < low or (high is not None and value > high):
        bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise SettingsError(name, f"must be {bound}, got {_shown(value)}")


def _check_number(name: str, value: Any, low: float | None = None, high: float | None = None,
                  open_low: bool = False, open_high: bool = False,
                  optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(name, f"expected a number, got {_shown(value)}")
    if not math.isfinite(value):
        raise SettingsError(name, f"expected a finite number, got {_shown(value)}")
    too_low = low is not None and (value <= low if open_low else value < low)
    too_high = high is not None and (value >= high if open_high else value > high)
    if too_low or too_high:
        lo = "" if low is None else f"{'>' if open_low else '>='} {low:g}"
        hi = "" if high is None else f"{'<' if open_high else '<='} {high:g}"
        raise SettingsError(name, f"must be {' and '.join(b for b in (lo, hi) if b)}, "
                                  f"got {_shown(value)}")


def _shown(value: Any) -> str:
    """A value for a message: text quoted and said to be text, huge numbers abbreviated."""
    if isinstance(value, str):
        return f"{value[:40]!r} (text)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"a whole number of {len(str(abs(value)))} digits"
    return repr(value)
