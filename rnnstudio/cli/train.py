"""``python -m rnnstudio train NET``: settings from the file's training block, overridable from the
command line; a progress bar on stderr; Ctrl-C stops after the current epoch and still saves."""

from __future__ import annotations

import argparse
import inspect
import math
import os
import signal
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any
from ..timefmt import format_duration
from .common import CLIError, csv_failure, csv_of, load_net, names, task_of

NAME = "train"
HELP = "Train a network on a task (settings default to the file's training block) and save it."

DEFAULTS: dict[str, Any] = {
    "optimizer": "adam", "lr": 0.01, "epochs": 100, "batch_size": None, "clip": None,
    "tbptt": None, "seed": 0, "validation": 0.2,
}
# command-line option -> training key, type
OPTIONS = {
    "epochs": int, "lr": float, "optimizer": str, "loss": str, "batch_size": int,
    "clip": float, "tbptt": int, "seed": int, "validation": float, "momentum": float,
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--task", help="a built-in task (default: the file's)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a task parameter, e.g. --param T=20 (repeatable)")
    p.add_argument("--csv", help="train on a CSV time series instead of a task")
    p.add_argument("--inputs", help="CSV input columns, comma-separated")
    p.add_argument("--targets", help="CSV target columns, comma-separated")
    p.add_argument("--pat", help="train on an SNNS pattern file (.pat): one sequence in file "
                   "order, its input units feeding the inputs and its output units the targets")
    p.add_argument("--window", type=int, help="CSV sequence length (rows per sequence)")
    p.add_argument("--stride", type=int, help="CSV rows between sequence starts")
    p.add_argument("--normalize", choices=("none", "zscore", "minmax"),
                   help="scale the CSV's input columns (fitted on the training split, saved "
                   "with the network; default: the file's setting, else none)")
    for name, typ in OPTIONS.items():
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, type=typ, default=None)
    p.add_argument("--backend", choices=("numpy", "torch"), default="numpy",
                   help="numpy (the engine) or torch (extra [torch]; data-parallel under "
                   "torchrun)")
    p.add_argument("--device", default="cpu", help="torch device for --backend torch, e.g. cuda")
    p.add_argument("--out", help="where to save (default: NET-trained.rnn.json)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


# ---------------------------------------------------------------------- settings
def _parse_params(items: list[str]) -> dict[str, Any]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param {item!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def check_file_settings(net, args: argparse.Namespace) -> None:
    """CLIError naming the first setting of the file's training block that is not usable as it
    is (text for a number, an unknown task, a value out of range) and that the command line
    does not replace: a user's setting is never swapped for a default."""
    from ..ui.training.settings import SettingsError, TrainingSettings
    if not net.training:
        return
    try:
        settings = TrainingSettings.from_dict(net.training)
        problems = settings.problems(sizes=False)  # sizes: checked when the data is built
    except SettingsError as exc:
        settings, problems = None, [exc]
    file_task = settings.task if settings is not None else None
    for problem in problems:
        option = _option_for(problem.field, args, file_task)
        if option is not None:
            detail = str(problem).split(": ", 1)[-1]
            raise CLIError(f"{args.net}: training.{problem.field}: {detail} (fix the file, or "
                           f"give {option})")


def _option_for(field: str, args: argparse.Namespace, file_task) -> str | None:
    """The option to suggest for the file's bad `field`; None when the command line already
    replaces it."""
    if field in OPTIONS:
        return None if getattr(args, field) is not None else f"--{field.replace('_', '-')}"
    if args.csv or getattr(args, "pat", None):  # the file's data source is not used
        return None
    if not field.startswith("task.params."):
        return None if args.task else ("--csv" if field.startswith("csv") else "--task")
    key = field.removeprefix("task.params.")
    if (args.task and args.task != file_task) or key in _parse_params(args.param):
        return None
    return f"--param {key}=VALUE"


def resolve_settings(net, args: argparse.Namespace) -> dict[str, Any]:
    """The settings of this run: defaults < the file's training block < the command line."""
    training = dict(net.training or {})
    s = dict(DEFAULTS)
    s.update({k: v for k, v in training.items() if k in OPTIONS})
    s.update({k: getattr(args, k) for k in OPTIONS if getattr(args, k) is not None})
    s["csv"] = csv_of(training)
    if args.pat:
        args.csv, args.inputs, args.targets = args.pat, args.inputs, args.targets or ",".join(
            f"out{j + 1}" for j in range(len(net.outputs)))
    s["csv_file"] = None if args.csv else args.net  # where the CSV is named, for errors
    s["csv_option"] = "--pat" if args.pat else "--csv"
    if args.csv:
        s["csv"] = {"path": os.path.abspath(args.csv), "inputs": names(args.inputs),
                    "targets": names(args.targets), "window": args.window,
                    "stride": args.stride}
    if getattr(args, "normalize", None) and s["csv"] is not None:
        s["csv"] = {**s["csv"], "normalize": args.normalize}
    task = task_of(training)
    if args.task:
        task = (args.task, {} if task is None or task[0] != args.task else task[1])
    if args.task or not args.csv:
        s["task"] = task
    params = _parse_params(args.param)
    if params:
        if not s.get("task"):
            raise ValueError("--param needs a task (--task NAME)")
        s["task"] = (s["task"][0], {**s["task"][1], **params})
    return s


def load_data(net, s: dict):
    """(X, Y) and the loss for the settings; checks the network fits. A CSV path from the
    network file is absolute once loaded; one from --csv is as typed (from the current
    folder)."""
    from ..tasks import CSVError, from_csv, get_task
    if s.get("task"):
        name, params = s["task"]
        info = get_task(name)
        values = info.resolve(params)
        info.check_network(net, values)
        s["task"] = (name, {k: values[k] for k in params})  # as numbers, not text
        return info.build(**values), s.get("loss") or info.loss
    c = s.get("csv")
    if not c:
        raise ValueError("no task: the file's training block names none; give --task NAME "
                         "(python -m rnnstudio tasks lists them) or --csv")
    try:
        X, Y = from_csv(c["path"], inputs=c.get("inputs"), targets=c.get("targets"),
                        window=c.get("window"), stride=c.get("stride"))
    except CSVError as exc:
        raise CLIError(csv_failure(exc, s.get("csv_file"), s.get("csv_option", "--csv"))) \
            from None
    _check_width(net, X.shape[-1], Y.shape[-1])
    return (_normalized(c, X, s), Y), s.get("loss") or "mse"


def _normalized(c: dict, X, s: dict):
    """X with the CSV source's input scaling fitted on the run's training split (the trainer's
    own split), which is written into the source to be saved with the network."""
    from ..engine.trainer import validation_split
    from ..tasks import scaling
    train, _ = validation_split(X.shape[1], s["validation"], s["seed"])
    X, fitted = scaling.prepare(c, X, train)
    c.pop("scaling", None)
    if fitted is not None:
        c["scaling"] = fitted
    return X


def _check_width(net, n_in: int, n_out: int) -> None:
    if n_in != len(net.inputs) or n_out != len(net.outputs):
        raise ValueError(f"the CSV gives {n_in} inputs and {n_out} targets; the network has "
                         f"{len(net.inputs)} inputs and {len(net.outputs)} outputs")


# ---------------------------------------------------------------------- progress
class Progress:
    """A one-line progress bar on a terminal; on a pipe, a line every tenth of the run."""

    def __init__(self, total: int, stream=None, quiet: bool = False, width: int = 24):
        self.total, self.quiet, self.width = total, quiet, width
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.done = 0
        self.every = max(1, total // 10)

    def line(self, loss: float, val_loss: float | None) -> str:
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else math.inf
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        val = f" val {val_loss:.5g}" if val_loss is not None and math.isfinite(val_loss) else ""
        return (f"epoch {self.done}/{self.total} [{bar}] loss {loss:.5g}{val} "
                f"{format_duration(elapsed)} elapsed, ETA {format_duration(eta)}")

    def update(self, loss: float, val_loss: float | None = None) -> None:
        self.done += 1
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r" + self.line(loss, val_loss).ljust(79))
        elif self.done in (1, self.total) or self.done % self.every == 0:
            self.stream.write(self.line(loss, val_loss) + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and not self.quiet and self.done:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------- training
def make_trainer(net, s: dict, loss: str, backend: str = "numpy", device: str = "cpu"):
    if backend == "torch":
        try:
            from ..interop.torch_train import TorchTrainer
        except ImportError as exc:
            raise CLIError(f"--backend torch needs PyTorch (pip install 'rnnstudio[torch]'): "
                           f"{exc}") from None
        Trainer = partial(TorchTrainer, device=device)
    elif device != "cpu":
        raise CLIError("--device is for --backend torch")
    else:
        from ..engine import Trainer
    wanted = {"loss": loss, "optimizer": s["optimizer"], "lr": s["lr"], "clip": s["clip"],
              "tbptt": s["tbptt"], "batch_size": s["batch_size"], "seed": s["seed"],
              "validation": s["validation"], "momentum": s.get("momentum")}
    accepted = inspect.signature(Trainer).parameters
    kwargs = {k: v for k, v in wanted.items() if k in accepted and v is not None}
    if "validation" in accepted:
        kwargs["validation"] = s["validation"]
    return Trainer(net, **kwargs)


class _Stopper:
    """First Ctrl-C: stop after the current epoch (and still save). Second: abort."""

    def __init__(self, trainer, stream):
        self.trainer, self.stream, self.requested = trainer, stream, False
        self._old = None

    def __enter__(self):
        try:
            self._old = signal.signal(signal.SIGINT, self._on_sigint)
        except ValueError:  # not the main thread: Ctrl-C is not ours to catch
            self._old = None
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False

    def _on_sigint(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.stream.write("\nstopping after this epoch (Ctrl-C again to abort)...\n")
        stop = getattr(self.trainer, "stop", None)
        if callable(stop):
            stop()


def _field(record, key: str, default=None):
    """A record's field: the engine's records are dicts; attribute records work too."""
    if isinstance(record, dict):
        return record.get(key, default)
    return getattr(record, key, default)


def fit(trainer, X, Y, epochs: int, progress: Progress, stopper: _Stopper) -> dict:
    last: dict[str, Any] = {"epochs": 0, "loss": None, "val_loss": None}

    def callback(record):
        if _field(record, "kind", "epoch") != "epoch":  # per-batch records: only check Ctrl-C
            return not stopper.requested
        loss = float(_field(record, "loss", math.nan))
        val = _field(record, "val_loss")
        last.update(epochs=last["epochs"] + 1, loss=loss,
                    val_loss=None if val is None else float(val))
        progress.update(loss, last["val_loss"])
        return not stopper.requested

    history = trainer.fit(X, Y, epochs=epochs, callback=callback)
    reason = history.get("stopped_reason") if isinstance(history, dict) else None
    last["stopped"] = stopper.requested or reason is not None
    last["reason"] = reason
    return last


def _record_settings(net, s: dict, loss: str, result: dict) -> None:
    """Write the run's settings into the training block, in the canonical form: exactly one
    of a top-level "task" or "csv" (an older nested "data" block is replaced)."""
    training = dict(net.training or {})
    for key in OPTIONS:
        if key in s and (s[key] is not None or key in training or key in DEFAULTS):
            training[key] = s[key]
    training["loss"] = loss
    if s.get("task") or s.get("csv"):
        for key in ("data", "task", "csv"):
            training.pop(key, None)
        if s.get("task"):
            name, params = s["task"]
            source = {"task": {"name": name, "params": params}}
        else:
            source = {"csv": s["csv"]}
        training = {**source, **training}
    training["last_run"] = {k: result.get(k) for k in ("epochs", "loss", "val_loss", "stopped")}
    net.set_meta(training=training)


def default_out(path: str) -> str:
    p = Path(path)
    stem = p.name[:-len(".rnn.json")] if p.name.endswith(".rnn.json") else p.stem
    return str(p.with_name(f"{stem}-trained.rnn.json"))


def run(args: argparse.Namespace) -> int:
    from ..io import save
    net = load_net(args.net)
    check_file_settings(net, args)
    s = resolve_settings(net, args)
    (X, Y), loss = load_data(net, s)
    if s["epochs"] < 1:
        raise ValueError(f"epochs must be at least 1, got {s['epochs']}")
    trainer = make_trainer(net, s, loss, args.backend, args.device)
    main_rank = getattr(trainer, "is_main", True)  # under torchrun, rank 0 reports and saves
    progress = Progress(s["epochs"], quiet=args.quiet or not main_rank)
    with _Stopper(trainer, sys.stderr) as stopper:
        try:
            result = fit(trainer, X, Y, s["epochs"], progress, stopper)
        finally:
            progress.finish()
            if args.backend == "torch":
                from ..interop.torch_train import finish
                finish()
    if not main_rank:
        return 0
    _record_settings(net, s, loss, result)
    out = args.out or default_out(args.net)
    save(net, out)
    how = "stopped" if result["stopped"] else "done"
    loss_text = "n/a" if result["loss"] is None else f"{result['loss']:.6g}"
    why = f" ({result['reason']})" if result.get("reason") else ""
    print(f"{how} after {result['epochs']} epochs{why}, loss {loss_text}; saved {out}",
          file=sys.stderr)
    return 0
