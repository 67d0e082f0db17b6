"""The task registry: what the UI and the command line list, build by name and check a network
against."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import builtin as b
from .budget import steps_problem


class TaskError(ValueError):
    """An unknown task, a bad task parameter, or a network that does not fit a task."""


@dataclass(frozen=True)
class ParamSpec:
    """One task parameter: its default, type ("int", "float" or "str") and allowed range."""

    default: Any
    type: str = "int"
    low: float | None = None
    high: float | None = None
    help: str = ""
    optional: bool = False  # None is allowed (and means "the default behaviour")

    def check(self, task: str, name: str, value: Any) -> Any:
        """The value converted to the parameter's type; TaskError if it does not fit."""
        if value is None and self.optional:
            return None
        where = f"task '{task}': parameter '{name}'"
        if self.type == "str":
            if not isinstance(value, str):
                raise TaskError(f"{where} must be text, got {value!r}")
            return value
        value = self._number(where, value)
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            lo = "-inf" if self.low is None else f"{self.low:g}"
            hi = "inf" if self.high is None else f"{self.high:g}"
            raise TaskError(f"{where} must be from {lo} to {hi}, got {value!r}")
        return value

    def _number(self, where: str, value: Any):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise TaskError(f"{where} must be a number, got {value!r}") from None
        if self.type == "int":
            if value != int(value):
                raise TaskError(f"{where} must be a whole number, got {value!r}")
            return int(value)
        return float(value)


@dataclass(frozen=True)
class TaskInfo:
    """A built-in task: how to build it and what network it needs."""

    name: str
    func: Callable[..., tuple]
    n_inputs: Callable[[dict], int]
    n_outputs: Callable[[dict], int]
    loss: str  # "mse" | "bce" | "cross_entropy"
    description: str
    params: dict[str, ParamSpec] = field(default_factory=dict)
    out_activation: str = "identity"  # the output activation the loss expects
    many_to_one: bool = False  # targets at the last step only

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}

    def resolve(self, params: dict | None = None) -> dict[str, Any]:
        """Defaults completed by `params`, every value checked."""
        params = dict(params or {})
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise TaskError(f"task '{self.name}' has no parameter '{unknown[0]}' "
                            f"(parameters: {', '.join(self.params)})")
        values = self.defaults()
        values.update(params)
        return {k: self.params[k].check(self.name, k, v) for k, v in values.items()}

    def build(self, **params):
        """(X, Y) for these parameters (defaults for the others)."""
        values = self.resolve(params)
        try:
            return self.func(**values)
        except TaskError:
            raise
        except ValueError as exc:
            raise TaskError(f"task '{self.name}': {exc}") from None

    def check_size(self, params: dict | None = None) -> None:
        """TaskError, naming T and n_seq, if the data would pass the budget (nothing is
        built: the check is on the sizes alone)."""
        values = self.resolve(params)
        width = self.n_inputs(values) + self.n_outputs(values)
        problem = steps_problem(values["T"], values["n_seq"], width)
        if problem is not None:
            raise TaskError(f"task '{self.name}': {problem}")

    def check_network(self, net, params: dict | None = None) -> None:
        """Raise TaskError if the network's inputs or outputs do not fit the task."""
        values = self.resolve(params)
        for what, need, have in (("inputs", self.n_inputs(values), len(net.inputs)),
                                 ("outputs", self.n_outputs(values), len(net.outputs))):
            if need != have:
                raise TaskError(f"task '{self.name}' needs {need} {what}; "
                                f"the network has {have}")


def _const(n: int) -> Callable[[dict], int]:
    return lambda params: n


def _text_width(params: dict) -> int:
    return len(b.text_alphabet(params.get("text")))


_SEED = ParamSpec(0, "int", 0, 2**32 - 1, "random seed")


def _n(default: int, high: int = 100_000) -> ParamSpec:
    return ParamSpec(default, "int", 1, high, "number of sequences")


def _T(default: int, low: int = 1) -> ParamSpec:
    return ParamSpec(default, "int", low, 100_000, "time steps per sequence")


TASKS: dict[str, TaskInfo] = {
    "sine": TaskInfo(
        "sine", b.sine, _const(1), _const(1), "mse",
        "Predict the next value of noisy sine waves of random frequency and phase.",
        {"n_seq": _n(64), "T": _T(50),
         "noise": ParamSpec(0.05, "float", 0.0, 10.0, "noise standard deviation"),
         "seed": _SEED}),
    "echo": TaskInfo(
        "echo", b.echo, _const(1), _const(1), "mse",
        "Output the input k steps later (a delay line); no targets for the first k steps.",
        {"k": ParamSpec(3, "int", -10_000, 10_000, "delay in steps (negative: look ahead)"),
         "n_seq": _n(64), "T": _T(30, 2),
         "seed": _SEED}),
    "adding": TaskInfo(
        "adding", b.adding, _const(2), _const(1), "mse",
        "The adding problem: sum the two marked values of a long sequence (last step only).",
        {"T": _T(50, 2), "n_seq": _n(128), "seed": _SEED}, many_to_one=True),
    "parity": TaskInfo(
        "parity", b.parity, _const(1), _const(1), "bce",
        "Many-to-one: is the number of ones in a bit sequence odd? (last step only)",
        {"T": _T(10), "n_seq": _n(128), "seed": _SEED},
        out_activation="sigmoid", many_to_one=True),
    "rain": TaskInfo(
        "rain", b.rain, _const(len(b.RAIN_EVENTS)), _const(1), "bce",
        "Many-to-one: the chance of rain after a sequence of everyday events (one-hot).",
        {"T": _T(8), "n_seq": _n(256), "seed": _SEED},
        out_activation="sigmoid", many_to_one=True),
    "teacher": TaskInfo(
        "teacher", b.teacher, lambda p: p["n_in"], lambda p: p["n_out"], "mse",
        "Imitate a hidden random recurrent network of any shape (a student-teacher task).",
        {"n_in": ParamSpec(3, "int", 1, 1000, "inputs"),
         "n_hidden": ParamSpec(5, "int", 1, 1000, "teacher state size"),
         "n_out": ParamSpec(4, "int", 1, 1000, "outputs"),
         "T": _T(20), "n_seq": _n(64), "seed": _SEED}),
    "text": TaskInfo(
        "text", b.text, _text_width, _text_width, "cross_entropy",
        "Predict the next character of a short bundled text (one-hot characters).",
        {"T": _T(40), "n_seq": _n(64), "seed": _SEED,
         "text": ParamSpec(None, "str", help="text to learn (default: bundled)", optional=True)}),
}


def get_task(name: str) -> TaskInfo:
    """The TaskInfo of a task name; TaskError listing the known names otherwise."""
    try:
        return TASKS[name]
    except (KeyError, TypeError):
        raise TaskError(f"unknown task {name!r} (tasks: {', '.join(TASKS)})") from None


def make_task(name: str, **params):
    """Build a task by name: ``X, Y = make_task("echo", k=5)``."""
    return get_task(name).build(**params)


def check_fit(net, name: str, **params) -> None:
    """Raise TaskError ("task 'adding' needs 2 inputs; the network has 1") if `net` does not
    fit the task."""
    get_task(name).check_network(net, params)
