"""Format versions and the migrations between them.

`MIGRATIONS[v]` turns a version-v record (a plain dict) into a version v+1 record; a change to
the format adds an entry here and bumps `VERSION`.

- 1 -> 2: groups of nodes (a top-level "groups" list); version-1 files have none.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import FileFormatError
from .jsontext import describe

FORMAT = "rnnstudio-network"
VERSION = 2

Record = dict[str, Any]


def _add_groups(record: Record) -> Record:
    """1 -> 2: groups came in version 2; a version-1 file has none."""
    if "groups" in record:
        raise FileFormatError("a version-1 file cannot have groups (they came in version 2)",
                              where="groups")
    record["groups"] = []
    return record


MIGRATIONS: dict[int, Callable[[Record], Record]] = {1: _add_groups}


def check_header(record: Any) -> int:
    """The record's format version, after checking it is a network file this version can read."""
    if not isinstance(record, dict):
        raise FileFormatError(f"expected a JSON object at the top, got {describe(record)}")
    fmt = record.get("format")
    if fmt != FORMAT:
        found = "no \"format\"" if "format" not in record else f"format {fmt!r}"
        raise FileFormatError(f"not an RNN Studio network file ({found}; expected {FORMAT!r})",
                              where="format")
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise FileFormatError(f"expected a whole number, got {version!r}", where="version")
    if version > VERSION:
        raise FileFormatError(f"written by a newer RNN Studio: format version {version}; "
                              f"this version reads up to {VERSION}", where="version")
    return version


def migrate(record: Record, version: int) -> Record:
    """Bring a version-`version` record up to `VERSION`, one step at a time."""
    while version < VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FileFormatError(f"format version {version} is not supported "
                                  f"(this version reads {min(MIGRATIONS, default=VERSION)} "
                                  f"to {VERSION})", where="version")
        try:
            record = step(record)
        except FileFormatError:
            raise
        except Exception as exc:  # an old file too broken for its migration
            raise FileFormatError(f"cannot upgrade from format version {version}: "
                                  f"{type(exc).__name__}: {exc}") from None
        if not isinstance(record, dict):
            raise FileFormatError(f"the upgrade from format version {version} gave no record")
        version += 1
        record["version"] = version
    return record
