"""Data files named by a network file's training block (a CSV time series).

In a file the CSV's path is written relative to the network file when the CSV lies in the same
folder or below it, so a folder holding a network and its data can be moved, zipped or shared;
otherwise it stays absolute. In memory the path is absolute: `load` joins a relative path to
the file's folder, and `save` makes it relative to the folder it writes to (which may differ:
Save As), so the path always names the same file.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path, PurePosixPath
from typing import Any


def csv_block(training: Any) -> dict | None:
    """The training block's CSV source ({"path", "inputs", ...}): top-level "csv", or the
    older nested "data": {"csv": ...}; None when there is none (or it is malformed: the
    validation that follows says so)."""
    if not isinstance(training, dict):
        return None
    block = training.get("csv")
    if block is None and isinstance(training.get("data"), dict):
        block = training["data"].get("csv")
    return block if isinstance(block, dict) and isinstance(block.get("path"), str) else None


def absolute_data_paths(training: Any, folder: str | os.PathLike) -> Any:
    """A copy of `training` with a relative CSV path joined to `folder` (the file's folder)."""
    block = csv_block(training)
    if block is None or not block["path"] or os.path.isabs(block["path"]):
        return training
    training = copy.deepcopy(training)
    block = csv_block(training)
    block["path"] = os.path.normpath(os.path.join(os.fspath(folder), *PurePosixPath(
        block["path"].replace("\\", "/")).parts))
    return training


def portable_data_paths(training: Any, folder: str | os.PathLike) -> Any:
    """A copy of `training` whose CSV path is relative to `folder` (written with "/") when the
    CSV lies in that folder or below, else absolute."""
    block = csv_block(training)
    if block is None or not block["path"]:
        return training
    path = Path(os.path.abspath(block["path"]))
    try:
        relative = path.relative_to(Path(os.path.abspath(folder)))
    except ValueError:
        relative = None
    training = copy.deepcopy(training)
    csv_block(training)["path"] = relative.as_posix() if relative is not None else str(path)
    return training
