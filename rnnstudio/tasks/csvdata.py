"""Sequences from a CSV time series (or an SNNS .pat file, read as columns in1.., out1..).

The file has a header row of column names, then one row per time step. Errors are `CSVError`s
that name the file, the row and the column at fault. Rows are counted as lines of the file (the
header is row 1), so "row 17" is line 17 in a text editor.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Sequence

import numpy as np

DELIMITERS = ",;\t|"


class CSVError(ValueError):
    """A CSV file that cannot be read as sequences; the message names file, row and column."""

    def __init__(self, message: str, *, path=None, row: int | None = None,
                 column: str | None = None):
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column


class _Table:
    """A parsed file: header, data rows (as text) and the file row number of each."""

    def __init__(self, name: str, header: list[str], rows: list[list[str]], lines: list[int]):
        self.name, self.header, self.rows, self.lines = name, header, rows, lines


def _decode(path, name: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CSVError(f"{name}: cannot read the file: {exc.strerror or exc}", path=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        raise CSVError(f"{name}: row {row}: byte 0x{data[exc.start]:02x} is not valid UTF-8 "
                       "text (save the file as UTF-8)", path=path, row=row) from None


def _sniff(text: str, delimiter: str | None) -> str:
    if delimiter is not None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise CSVError(f"delimiter must be one character, got {delimiter!r}")
        return delimiter
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _parse(path, delimiter: str | None, max_rows: int | None) -> _Table:
    name = Path(path).name
    if name.lower().endswith(".pat"):  # SNNS patterns: columns in1.. inN, out1.. outM
        return _pattern_table(path, name, max_rows)
    text = _decode(path, name)
    if not text.strip():
        raise CSVError(f"{name}: the file is empty (expected a header row of column names)",
                       path=path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text, delimiter))
    header: list[str] | None = None
    rows, lines = [], []
    try:
        for cells in reader:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            cells = [c.strip() for c in cells]
            if header is None:
                header = _check_header(name, path, cells, reader.line_num)
                continue
            if len(cells) != len(header):
                raise CSVError(f"{name}: row {reader.line_num} has {len(cells)} columns; the "
                               f"header has {len(header)}", path=path, row=reader.line_num)
            if max_rows is not None and len(rows) >= max_rows:
                break
            rows.append(cells)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise CSVError(f"{name}: row {reader.line_num}: {exc}", path=path,
                       row=reader.line_num) from None
    return _Table(name, header or [], rows, lines)


def _pattern_table(path, name: str, max_rows: int | None) -> _Table:
    from ..interop.snns import pattern_table
    try:
        header, rows, lines = pattern_table(path)
    except ValueError as exc:  # FileFormatError: names the file and the line
        raise CSVError(str(exc), path=path) from None
    return _Table(name, header, rows[:max_rows], lines[:max_rows])


def _check_header(name: str, path, cells: list[str], line: int) -> list[str]:
    for j, cell in enumerate(cells):
        if not cell:
            raise CSVError(f"{name}: row {line}: column {j + 1} has no name in the header row",
                           path=path, row=line)
        if cell in cells[:j]:
            raise CSVError(f"{name}: row {line}: the column name '{cell}' appears twice in the "
                           "header row", path=path, row=line, column=cell)
    return cells


def read_csv_table(path, max_rows: int | None = None, delimiter: str | None = None):
    """(header, rows) of a CSV file for a preview: rows are lists of the cells' text.

    Checks the same things as `from_csv` except that cells are numbers (a preview may show a
    date column the user will not select): readable UTF-8, not empty, a header with unique
    names, the same number of columns on every row. At most `max_rows` data rows are read.
    """
    table = _parse(path, delimiter, max_rows)
    return table.header, table.rows


def _column(table: _Table, col, path) -> int:
    header = table.header
    if isinstance(col, (int, np.integer)) and not isinstance(col, bool):
        if not 0 <= col < len(header):
            raise CSVError(f"{table.name}: no column {col} (the file has {len(header)} columns, "
                           f"numbered from 0)", path=path)
        return int(col)
    if col in header:
        return header.index(col)
    raise CSVError(f"{table.name}: no column {col!r} (columns: {', '.join(header)})", path=path,
                   column=str(col))


def _columns(table: _Table, cols, path) -> list[int]:
    if isinstance(cols, (str, int)):
        cols = [cols]
    idx = [_column(table, c, path) for c in cols]
    for a in idx:
        if idx.count(a) > 1:
            raise CSVError(f"{table.name}: column '{table.header[a]}' is chosen twice", path=path,
                           column=table.header[a])
    return idx


def _number(table: _Table, path, i: int, j: int, target: bool) -> float:
    cell = table.rows[i][j]
    where = f"{table.name}: row {table.lines[i]}, column '{table.header[j]}'"
    info = dict(path=path, row=table.lines[i], column=table.header[j])
    if target and (cell == "" or cell.lower() in ("nan", "null", "na")):
        return math.nan
    if cell == "":
        raise CSVError(f"{where}: the cell is empty (an input needs a value)", **info)
    try:
        value = float(cell)
    except ValueError:
        raise CSVError(f"{where}: {cell!r} is not a number", **info) from None
    if not math.isfinite(value):
        raise CSVError(f"{where}: {cell!r} is not a finite number", **info)
    return value


def _matrix(table: _Table, path, cols: list[int], target: bool) -> np.ndarray:
    out = np.empty((len(table.rows), len(cols)))
    for i in range(len(table.rows)):
        for k, j in enumerate(cols):
            out[i, k] = _number(table, path, i, j, target)
    return out


def _windows(data: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """(T=window, N=len(starts), d) slices of data (rows, d)."""
    idx = starts[None, :] + np.arange(window)[:, None]
    return data[idx]


def _check_window(table: _Table, path, window, stride) -> tuple[int, int]:
    n = len(table.rows)
    if n == 0:
        raise CSVError(f"{table.name}: no data rows after the header", path=path)
    window = n if window is None else window
    stride = window if stride is None else stride
    for what, v in (("window", window), ("stride", stride)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise CSVError(f"{what} must be a whole number >= 1, got {v!r}", path=path)
    if n < window:
        raise CSVError(f"{table.name}: {n} data rows, too few for one window of {window} steps",
                       path=path)
    return int(window), int(stride)


def from_csv(path, inputs: Sequence | None = None, targets: Sequence | None = None,
             window: int | None = None, stride: int | None = None,
             delimiter: str | None = None):
    """Sequences (X, Y) from a CSV time series, one row per time step.

    `inputs` and `targets` choose columns by name or by 0-based index; by default there are no
    targets and every other column is an input. The rows are cut into windows of `window` steps
    (default: the whole file as one sequence), each `stride` rows after the previous one
    (default: `window`, so windows do not overlap). X is (window, n_windows, n_inputs) and Y
    (window, n_windows, n_targets); an empty (or "nan") target cell becomes NaN (no target).
    The delimiter is guessed from the header row among , ; tab | unless given.
    """
    table = _parse(path, delimiter, None)
    t_idx = _columns(table, [] if targets is None else targets, path)
    if inputs is None:
        i_idx = [j for j in range(len(table.header)) if j not in t_idx]
    else:
        i_idx = _columns(table, inputs, path)
    window, stride = _check_window(table, path, window, stride)
    X = _matrix(table, path, i_idx, target=False)
    Y = _matrix(table, path, t_idx, target=True)
    starts = np.arange(0, len(table.rows) - window + 1, stride)
    return _windows(X, starts, window), _windows(Y, starts, window)
