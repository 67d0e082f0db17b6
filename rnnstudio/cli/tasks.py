"""``python -m rnnstudio tasks``: the built-in tasks and their parameters."""

from __future__ import annotations

import argparse

from .common import plural

NAME = "tasks"
HELP = "List the built-in tasks."


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from ..tasks import TASKS
    for name, info in TASKS.items():
        p = info.defaults()
        print(f"{name}: {info.description}")
        print(f"  {plural(info.n_inputs(p), 'input')}, {plural(info.n_outputs(p), 'output')}, "
              f"loss {info.loss}")
        params = ", ".join(f"{k}={v.default!r}" for k, v in info.params.items())
        print(f"  parameters: {params}")
    return 0
