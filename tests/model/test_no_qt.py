"""The model, file, engine, task and template packages never import Qt (DESIGN.md): they run
headless, in notebooks and in worker processes."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["model", "io", "engine", "tasks", "templates", "interop"]
QT_NAMES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_no_qt(package):
    code = (f"import sys, rnnstudio.{package}\n"
            f"print([m for m in sys.modules if m.split('.')[0] in {QT_NAMES!r}])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]", f"rnnstudio.{package} pulls in {out.strip()}"


@pytest.mark.parametrize("package", PACKAGES)
def test_package_source_names_no_qt(package):
    """Also lazily: no Qt import hidden inside a function."""
    for path in sorted((ROOT / "rnnstudio" / package).rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            words = line.strip().split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                assert words[1].split(".")[0] not in QT_NAMES, f"{path}:{n}: {line.strip()}"
