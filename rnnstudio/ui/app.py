"""Application start-up: `python main.py [FILE]` or the `rnnstudio` GUI script."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

USAGE = """RNN Studio: build recurrent neural networks neuron by neuron.

Opens FILE (a .rnn.json network), or the default example when no file is given.
Unsaved work from a session that did not close cleanly is offered back at start."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python main.py", description=USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", help="a network file to open (.rnn.json)")
    parser.add_argument("--no-example", action="store_true",
                        help="start with an empty network instead of the default example")
    return parser.parse_known_args(argv)[0]


def create_app(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("RNN Studio")
    app.setOrganizationName("RNN Studio")
    app.setStyle("Fusion")
    return app


def open_initial(window, file: str | None, example: bool = True) -> None:
    """What the first screen shows: recovered work, FILE, or the default example."""
    from .. import templates
    from .document import default_example
    if window.files.offer_recovery():
        return
    if file:
        window.files.open_path(file, ask=False)
    elif example and default_example().exists():
        window.files.open_example(default_example())
    elif example:
        window.doc.new(templates.elman(1, 4, 1))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    app = create_app([sys.argv[0]] + argv)
    from .main_window import MainWindow
    window = MainWindow()
    open_initial(window, args.file, not args.no_example)
    window.show()
    window.view.fit()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
