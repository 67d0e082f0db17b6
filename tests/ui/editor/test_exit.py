"""The app exits cleanly after using the clipboard (a crash at exit failed CI with code 139)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys
from rnnstudio.ui.app import create_app
from rnnstudio.ui.main_window import MainWindow
from tests.ui.editor.conftest import small_net
app = create_app()
w = MainWindow()
w.doc.new(small_net())
w.scene.select_nodes(["h", "y"])
assert w.editor.copy()
assert len(w.editor.paste()) == 2
w.doc.stack.setClean()
w.doc.discard_recovery()
print("copied and pasted", flush=True)
"""


def test_copy_then_exit_does_not_crash(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "copied and pasted" in proc.stdout, proc.stderr
    assert proc.returncode == 0, f"exit code {proc.returncode}: {proc.stderr[-2000:]}"
