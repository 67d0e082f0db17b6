"""``python -m rnnstudio render NET out.png``: the canvas picture, headless (Qt is imported
only when the command runs)."""

from __future__ import annotations

import argparse

from .common import CLIError

NAME = "render"
HELP = "draw a network's canvas picture to PNG or SVG (headless)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a network file (.rnn.json)")
    p.add_argument("out", help="the picture to write: .png (or another raster format) or .svg")
    p.add_argument("--scale", type=float, default=2.0,
                   help="pixels per canvas unit for raster output (default 2)")


def run(args: argparse.Namespace) -> int:
    try:
        from ..ui.render import render_file
    except ImportError as exc:
        raise CLIError(f"render needs Qt (PySide6), which did not load: {exc}") from None
    print(render_file(args.net, args.out, args.scale))
    return 0
