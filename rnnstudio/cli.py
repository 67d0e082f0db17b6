"""The command line: ``python -m rnnstudio <command> ...`` (headless; no Qt needed).

    info NET                      ordering, backward edges and delays, levels per step, parameters
    train NET [--task NAME] ...   train with the file's settings (overridable); saves the result
    run NET --csv data.csv        outputs for a CSV time series, as CSV
    tasks                         the built-in tasks and their parameters

Subcommands live in the `SUBCOMMANDS` registry. Other packages add theirs without touching
this parser: if `rnnstudio.ui.render` imports (Qt available) and has
``add_subcommand(register)``, it is called with `register` (see below) before parsing.
Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import os
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

PROG = "python -m rnnstudio"
EXIT_ERROR = 2
PLUGIN_MODULES = ("rnnstudio.ui.render",)


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


@dataclass
class Subcommand:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int | None]


SUBCOMMANDS: dict[str, Subcommand] = {}


def register(name: str, help: str, add_arguments: Callable, handler: Callable) -> None:
    """Add (or replace) a subcommand: `add_arguments(parser)` declares its options and
    `handler(args)` runs it, returning an exit status (None means 0)."""
    SUBCOMMANDS[name] = Subcommand(name, help, add_arguments, handler)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        name = self.prog.replace(PROG, "rnnstudio", 1)
        self.exit(EXIT_ERROR, f"{name}: error: {message} (see --help)\n")


def _load_plugins() -> None:
    for module in PLUGIN_MODULES:
        try:
            mod = importlib.import_module(module)
        except Exception:  # Qt missing or broken, or the module not written yet: skip it
            continue
        hook = getattr(mod, "add_subcommand", None)
        if callable(hook):
            hook(register)


def build_parser() -> argparse.ArgumentParser:
    _register_builtin()
    _load_plugins()
    parser = _Parser(prog=PROG, description="RNN Studio on the command line.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for cmd in SUBCOMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
        p.set_defaults(_handler=cmd.handler)
    return parser


def _fail(message: str) -> int:
    text = " ".join(str(message).split()) or "unknown error"
    print(f"rnnstudio: error: {text}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (errors: one line on stderr, status 2)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else _fail(exc.code)
    try:
        return int(args._handler(args) or 0)
    except BrokenPipeError:  # e.g. piped into head: not an error
        _silence_stdout()
        return 0
    except (CLIError, ValueError, OSError) as exc:  # NetworkError, FileFormatError, CSVError..
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as exc:  # a bug: still one line, no traceback
        return _fail(f"internal error (please report it): {type(exc).__name__}: {exc}")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# ---------------------------------------------------------------------- shared helpers
def load_net(path: str):
    """The network of a .rnn.json file, validated (FileFormatError/NetworkError otherwise)."""
    from .io import load
    net = load(path)
    net.validate()
    return net


def _names(text: str | None) -> list | None:
    if text is None:
        return None
    return [int(t) if t.strip().isdigit() else t.strip() for t in text.split(",") if t.strip()]


# ---------------------------------------------------------------------- info
def _info_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--all", action="store_true", help="list every backward edge")


def param_counts(net) -> dict[str, int]:
    """Trainable weights, biases (sum neurons) and initial values."""
    g = net.graph
    neurons = [d for _, d in g.nodes(data=True) if d["kind"] != "input"]
    return {
        "weights": sum(1 for *_, t in g.edges(data="trainable") if t),
        "biases": sum(1 for d in neurons if d["trainable"] and d["aggregate"] == "sum"),
        "initials": sum(1 for d in neurons if d.get("initial_trainable")),
        "fixed_weights": sum(1 for *_, t in g.edges(data="trainable") if not t),
    }


def info_lines(net, limit: int | None = 40) -> list[str]:
    from .engine import compile as compile_net
    g = net.graph
    hidden = sum(1 for _, k in g.nodes(data="kind") if k == "neuron")
    lines = [f"{net.name}: {len(net.inputs)} inputs, {hidden} hidden, {len(net.outputs)} "
             f"outputs, {g.number_of_edges()} edges"]
    if net.description:
        lines.append(f"  {net.description}")
    lines.append(f"ordering ({net.ordering_mode}): {', '.join(net.ordering())}")
    lines += _backward_lines(net, limit)
    lines += _level_lines(compile_net(net))
    c = param_counts(net)
    total = c["weights"] + c["biases"] + c["initials"]
    lines.append(f"parameters: {total} trainable ({c['weights']} weights, {c['biases']} biases, "
                 f"{c['initials']} initial values); {c['fixed_weights']} fixed weights")
    lines += _training_lines(net.training)
    return lines


def _backward_lines(net, limit: int | None) -> list[str]:
    back = net.backward_edges()
    lines = [f"backward edges (read an earlier step): {len(back)}"]
    for u, v in back[:limit] if limit else back:
        d = net.resolved_delay(u, v)
        how = "explicit" if net.edge_attrs(u, v)["delay"] != "auto" else "auto"
        if net.graph.nodes[v].get("direction") == "reverse":
            how += ", reverse time: reads a later step"
        lines.append(f"  {u} -> {v}  delay {d} ({how})")
    if limit and len(back) > limit:
        lines.append(f"  ... and {len(back) - limit} more (--all lists them)")
    return lines


def _level_lines(prog) -> list[str]:
    lines = [f"levels per step: {prog.n_levels}"]
    for phase in prog.level_nodes():
        when = "every step at once" if phase["kind"] == "parallel" else "step by step"
        rev = ", reverse time" if phase["reverse"] else ""
        lines.append(f"  {phase['kind']} ({when}{rev}):")
        for k, nodes in enumerate(phase["levels"], start=1):
            shown = ", ".join(nodes[:12]) + (f", ... ({len(nodes)})" if len(nodes) > 12 else "")
            lines.append(f"    level {k}: {shown}")
    return lines


def _training_lines(training: dict) -> list[str]:
    if not training:
        return ["training: no settings in the file"]
    from .cli_train import task_of
    task = task_of(training)
    what = f"task {task[0]} {task[1] or ''}".rstrip() if task else "no task"
    keys = ("loss", "optimizer", "lr", "epochs", "batch_size", "clip", "tbptt")
    rest = ", ".join(f"{k} {training[k]}" for k in keys if training.get(k) is not None)
    return [f"training: {what}; {rest}"]


def cmd_info(args: argparse.Namespace) -> int:
    net = load_net(args.net)
    print("\n".join(info_lines(net, None if args.all else 40)))
    return 0


# ---------------------------------------------------------------------- run
def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--csv", required=True, help="a CSV time series with a header row")
    p.add_argument("--inputs", help="comma-separated input columns (names or 0-based indices); "
                   "default: the columns named like the network's inputs, else the first ones")
    p.add_argument("--delimiter", help="CSV delimiter (default: guessed)")
    p.add_argument("--out", help="output CSV file (default: standard output)")


def _default_inputs(net, header: list[str]) -> list:
    for names in (net.inputs, [net.graph.nodes[n]["label"] for n in net.inputs]):
        if all(n in header for n in names):
            return list(names)
    if len(header) < len(net.inputs):
        raise CLIError(f"the CSV has {len(header)} columns; the network needs "
                       f"{len(net.inputs)} inputs")
    return list(range(len(net.inputs)))


def _output_csv(net, Y: np.ndarray) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([net.graph.nodes[o]["label"] for o in net.outputs])
    for row in Y:
        w.writerow([repr(float(v)) for v in row])
    return buf.getvalue()


def cmd_run(args: argparse.Namespace) -> int:
    from .engine import run as run_net
    from .tasks import from_csv, read_csv_table
    net = load_net(args.net)
    header, _ = read_csv_table(args.csv, max_rows=1, delimiter=args.delimiter)
    inputs = _names(args.inputs) or _default_inputs(net, header)
    if len(inputs) != len(net.inputs):
        raise CLIError(f"{len(inputs)} input columns chosen; the network has "
                       f"{len(net.inputs)} inputs")
    X, _ = from_csv(args.csv, inputs=inputs, delimiter=args.delimiter)
    text = _output_csv(net, run_net(net, X)[:, 0, :])
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------------- tasks
def cmd_tasks(args: argparse.Namespace) -> int:
    from .tasks import TASKS
    for name, info in TASKS.items():
        p = info.defaults()
        print(f"{name}: {info.description}")
        print(f"  {info.n_inputs(p)} inputs, {info.n_outputs(p)} outputs, loss {info.loss}")
        params = ", ".join(f"{k}={v.default!r}" for k, v in info.params.items())
        print(f"  parameters: {params}")
    return 0


def _register_builtin() -> None:
    from . import cli_train
    register("info", "Describe a network: ordering, backward edges, levels per step, "
             "parameters.", _info_args, cmd_info)
    register("train", "Train a network on a task (settings default to the file's training "
             "block) and save it.", cli_train.add_arguments, cli_train.cmd_train)
    register("run", "Run a network on a CSV time series; write its outputs as CSV.", _run_args,
             cmd_run)
    register("tasks", "List the built-in tasks.", lambda p: None, cmd_tasks)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
