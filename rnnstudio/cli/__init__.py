"""The command line: ``python -m rnnstudio <command> ...`` (headless; no Qt needed).

    info NET                      ordering, backward edges and delays, levels per step, parameters
    train NET [--task NAME] ...   train with the file's settings (overridable); saves the result
    run NET --csv data.csv        outputs for a CSV time series, as CSV
    tasks                         the built-in tasks and their parameters
    render NET out.png            the canvas picture (needs Qt)
    animate NET out.gif           a played sequence as an animated GIF or MP4 (needs Qt)
    export NET --to torch|onnx|graphml OUT    a network for another tool
    import FILE OUT.rnn.json      an SNNS .net, GraphML or PyTorch .pt file as a network

One module per command in this package, each with ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args)`` (an exit status; None means 0); `COMMANDS` lists them in the order of
``--help``. Adding a command is one new module and one line in `COMMANDS`. Shared pieces live
in `rnnstudio.cli.common`; command modules never import each other.

Modules outside the package can still add subcommands: each module in `PLUGIN_MODULES` that
imports and has ``add_subcommand(register)`` is called with `register` before parsing.
Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import dataclass
from typing import Callable

from .common import EXIT_ERROR, PROG, CLIError

# the command modules of this package, in the order --help lists them
COMMANDS = ("info", "train", "run", "tasks", "render", "animate", "export", "importing")
PLUGIN_MODULES: tuple[str, ...] = ()

__all__ = ["main", "build_parser", "register", "SUBCOMMANDS", "COMMANDS", "PLUGIN_MODULES",
           "CLIError", "EXIT_ERROR"]


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


def _register_builtin() -> None:
    for name in COMMANDS:
        mod = importlib.import_module(f"{__name__}.{name}")
        register(mod.NAME, mod.HELP, mod.add_arguments, mod.run)


def _load_plugins() -> None:
    for module in PLUGIN_MODULES:
        try:
            mod = importlib.import_module(module)
        except Exception:  # a missing or broken optional module: skip it
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
