"""rnnstudio.interop stays light: no Qt anywhere, torch and onnx only inside their modules."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_interop_imports_neither_qt_nor_heavy_libraries():
    code = ("import sys, rnnstudio.interop, rnnstudio.interop.graphml, rnnstudio.interop.snns, "
            "rnnstudio.interop.plan, rnnstudio.cli; "
            "bad = [m for m in ('torch', 'onnx', 'onnxruntime', 'PySide6') if m in sys.modules]; "
            "print(bad); sys.exit(bool(bad))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
