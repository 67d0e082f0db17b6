"""``python -m rnnstudio animate NET out.gif``: play a sequence through the network and record
it as an animated GIF or an MP4 video (the canvas, the unrolled view, or both), headless. Qt is
imported only when the command runs."""

from __future__ import annotations

import argparse
import sys

from .common import CLIError

NAME = "animate"
HELP = "record a played sequence as an animated GIF or MP4 (headless)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a network file (.rnn.json)")
    p.add_argument("out", help="the animation to write: .gif, or .mp4 (extra [video])")
    p.add_argument("--view", choices=("canvas", "unrolled", "both"), default="canvas",
                   help="what each frame shows (default: canvas)")
    p.add_argument("--sample", type=int, default=0,
                   help="which sequence of the file's training data to play (default 0); a "
                   "network without training data plays a standard test sequence")
    p.add_argument("--first", type=int, default=0, help="first step (default 0)")
    p.add_argument("--last", type=int, help="last step (default: the sequence's last)")
    p.add_argument("--fps", type=float, default=4.0, help="steps per second (default 4)")
    p.add_argument("--width", type=int, default=1280, help="frame width in pixels (default 1280)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    try:
        from ..ui.render import ensure_app
        ensure_app()
        from ..ui.animation import AnimationError, headless_rig, record
    except ImportError as exc:
        raise CLIError(f"animate needs Qt (PySide6), which did not load: {exc}") from None
    from .common import load_net
    if not 160 <= args.width <= 7680:
        raise CLIError(f"--width must be from 160 to 7680 pixels, got {args.width}")
    net = load_net(args.net)

    def progress(done: int, total: int) -> bool:
        if not args.quiet:
            print(f"\rrecording step {done}/{total}", end="", file=sys.stderr, flush=True)
        return True

    try:
        rig = headless_rig(net, sample=args.sample)
        out = record(rig, args.out, args.view, args.fps, args.first, args.last, args.width,
                     progress)
    except AnimationError as exc:
        raise CLIError(str(exc)) from None
    finally:
        if not args.quiet:
            print(file=sys.stderr)
    print(out)
    return 0
