#!/usr/bin/env python3
"""Drive the main window with seeded random operations and check it after every one.

    python tools/monkey.py [--seed 1] [--seeds 1] [--ops 2000] [--as-big]

Runs `--seeds` consecutive seeds from `--seed`, `--ops` operations each, through the window's
own commands (see tests/ui/editor/monkey.py for what is drawn and what is checked: the document
equals its recorded state after every operation and at undo-all / redo-all, ordering, delays
and file bytes included, and save -> load round-trips). Offscreen; prints one line per seed and
the totals; exits 1 at the first failure, naming the seed and the operation.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=1, help="the first seed")
    p.add_argument("--seeds", type=int, default=1, help="how many seeds, one after another")
    p.add_argument("--ops", type=int, default=2000, help="operations per seed")
    p.add_argument("--as-big", action="store_true",
                   help="treat every network as a big one: the canvas shows the ordering and "
                        "routes loops a moment after the edits, the player re-runs in a worker, "
                        "the view is zoomed out (a paste's node items are made after a paint)")
    args = p.parse_args(argv)
    if args.as_big:
        as_big()
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication, QMessageBox
    app = QApplication.instance() or QApplication([])
    QStandardPaths.setTestModeEnabled(True)  # never the user's settings or recovery files
    for name in ("question", "critical", "warning", "information"):
        setattr(QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    from rnnstudio.ui.main_window import MainWindow
    from tests.ui.editor.monkey import Monkey, MonkeyError
    total: Counter = Counter()
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        for seed in range(args.seed, args.seed + args.seeds):
            window = MainWindow()
            if args.as_big:  # zoomed out: a paste's node items made after its first paint
                window.scene.draw_bodies_in_layer(True)
            t0 = time.perf_counter()
            try:
                monkey = Monkey(window, seed, Path(folder))
                counts = monkey.run(args.ops)
            except MonkeyError as exc:
                print(f"FAILED {exc}", flush=True)
                return 1
            finally:
                window.doc.stack.setClean()
                window.close()
                app.processEvents()
            total += counts
            print(f"seed {seed}: {sum(counts.values())} operations, {counts['undo']} undo, "
                  f"{counts['redo']} redo, {counts['undo_redo_all']} undo-all/redo-all, "
                  f"{counts['save_reopen']} save+reopen, "
                  f"{monkey.recovery_checks} recovery writes, all exact "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"total: {sum(total.values())} operations over {args.seeds} seed(s): "
          + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    return 0


def as_big() -> None:
    """Lower the sizes past which work waits or goes to a worker to nothing."""
    from rnnstudio.ui import ordering_strip
    from rnnstudio.ui.canvas import drawing
    from rnnstudio.ui.player import controller
    drawing.ROUTE_LATER = ordering_strip.ROUTE_LATER = controller.BACKGROUND_SIZE = 0
    drawing.SLICE_EDGES = 3  # bulk edits drawn a slice at a time


if __name__ == "__main__":
    sys.exit(main())
