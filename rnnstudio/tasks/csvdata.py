"""Sequences from a CSV time series (or an SNNS .pat file, read as columns in1.., out1..).

The file has a header row of column names, then one row per time step. Errors are `CSVError`s
that name the file, the row and the column at fault (and `setting`: the argument of `from_csv`
to change, when it is one). Rows are counted as lines of the file (the header is row 1), so
"row 17" is line 17 in a text editor.

Only a regular file is read (a named pipe or a device is refused before a byte is read), of at
most MAX_CSV_BYTES. The file is read row by row, keeping only the chosen columns as numbers; the
sequences are views into those columns (overlapping windows share memory), and windows whose
copy would exceed the data budget (`budget.MAX_DATA_BYTES`) are refused while reading.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from array import array
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..io.safefile import UnreadableFile, open_regular
from .budget import data_bytes, over_budget

DELIMITERS = ",;\t|"
MAX_CSV_BYTES = 2 ** 30
MAX_LINE_CHARS = 1_000_000
_BUDGET_EVERY = 4096  # rows between checks of the windows' size while reading


class CSVError(ValueError):
    """A CSV file that cannot be read as sequences; the message names file, row and column.
    `setting` names the argument at fault ("path", "window", "stride", ...), if any."""

    def __init__(self, message: str, *, path=None, row: int | None = None,
                 column: str | None = None, setting: str | None = None):
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.setting = setting


class _Rows:
    """The rows of a CSV file as lists of stripped cells, blank lines skipped; `line` is the
    file row of the last one. The first row is the header (checked)."""

    def __init__(self, path, delimiter: str | None):
        self.path, self.name = path, Path(path).name
        self._file = _open_text(path, self.name)
        self._read = 0  # lines read from the file
        try:
            lines = self._lines()
            first = next((line for line in lines if line.strip()), None)
            if first is None:
                raise CSVError(f"{self.name}: the file is empty (expected a header row of "
                               "column names)", path=path, setting="path")
            self._skipped = self._read - 1  # blank lines before the header
            self._reader = csv.reader(itertools.chain([first], lines),
                                      delimiter=_sniff(first, delimiter))
            self.line = 0
            self.header = _check_header(self.name, path, next(self, []), self.line)
        except BaseException:
            self._file.close()
            raise

    def _lines(self) -> Iterator[str]:
        """The file's lines (ends kept), each of at most MAX_LINE_CHARS characters."""
        try:
            while line := self._file.readline(MAX_LINE_CHARS + 1):
                self._read += 1
                if len(line) > MAX_LINE_CHARS:
                    raise CSVError(f"{self.name}: row {self._read} is longer than "
                                   f"{MAX_LINE_CHARS:,} characters (is it a CSV file?)",
                                   path=self.path, row=self._read, setting="path")
                yield line
        except UnicodeDecodeError:
            raise _decode_error(self.path, self.name) from None

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        try:
            for cells in self._reader:
                self.line = self._reader.line_num + self._skipped
                if cells and (len(cells) > 1 or cells[0].strip()):
                    return [c.strip() for c in cells]
        except csv.Error as exc:
            row = self._reader.line_num + self._skipped
            raise CSVError(f"{self.name}: row {row}: {exc}", path=self.path, row=row) from None
        raise StopIteration

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


class _PatternRows:
    """An SNNS .pat file's patterns as rows (header in1.. inN, out1.. outM), like `_Rows`."""

    def __init__(self, path):
        from ..interop.snns import pattern_table
        self.path, self.name = path, Path(path).name
        try:
            self.header, rows, lines = pattern_table(path)
        except ValueError as exc:  # FileFormatError: names the file and the line
            raise CSVError(str(exc), path=path, setting="path") from None
        self._rows = iter(zip(rows, lines))
        self.line = 0

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        cells, self.line = next(self._rows)
        return cells

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def _rows(path, delimiter: str | None):
    """The rows of a CSV file, or of an SNNS .pat file (by its name)."""
    if Path(path).name.lower().endswith(".pat"):
        return _PatternRows(path)
    return _Rows(path, delimiter)


def _open_text(path, name: str):
    try:
        raw = open_regular(path, MAX_CSV_BYTES, "CSV file")
    except UnreadableFile as exc:
        detail = str(exc).removeprefix("cannot read: ")
        raise CSVError(f"{name}: cannot read the file: {detail}", path=path,
                       setting="path") from None
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _decode_error(path, name: str) -> CSVError:
    """The error for bytes that are not UTF-8, with the row of the first bad byte (the file
    is read again to find it: this only happens once, on the way out)."""
    with open_regular(path, MAX_CSV_BYTES, "CSV file") as f:
        data = f.read()
    try:
        data.decode("utf-8-sig")
        start = len(data)
    except UnicodeDecodeError as exc:
        start = exc.start
    row = data[:start].count(b"\n") + 1
    byte = f"byte 0x{data[start]:02x}" if start < len(data) else "a byte"
    return CSVError(f"{name}: row {row}: {byte} is not valid UTF-8 text (save the file as "
                    "UTF-8)", path=path, row=row)


def _sniff(first: str, delimiter: str | None) -> str:
    if delimiter is not None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise CSVError(f"delimiter must be one character, got {delimiter!r}",
                           setting="delimiter")
        return delimiter
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _check_header(name: str, path, cells: list[str], line: int) -> list[str]:
    for j, cell in enumerate(cells):
        if not cell:
            raise CSVError(f"{name}: row {line}: column {j + 1} has no name in the header row",
                           path=path, row=line)
        if cell in cells[:j]:
            raise CSVError(f"{name}: row {line}: the column name '{cell}' appears twice in the "
                           "header row", path=path, row=line, column=cell)
    return cells


def _check_width(rows: _Rows, cells: list[str]) -> None:
    if len(cells) != len(rows.header):
        raise CSVError(f"{rows.name}: row {rows.line} has {len(cells)} columns; the header has "
                       f"{len(rows.header)}", path=rows.path, row=rows.line)


def read_csv_table(path, max_rows: int | None = None, delimiter: str | None = None):
    """(header, rows) of a CSV file for a preview: rows are lists of the cells' text.

    Checks the same things as `from_csv` except that cells are numbers (a preview may show a
    date column the user will not select): a regular file, readable UTF-8, not empty, a header
    with unique names, the same number of columns on every row. At most `max_rows` data rows are
    read (the rest of the file is not).
    """
    with _rows(path, delimiter) as rows:
        table = []
        for cells in rows:
            _check_width(rows, cells)
            if max_rows is not None and len(table) >= max_rows:
                break
            table.append(cells)
        return rows.header, table


def _column(rows: _Rows, col, setting: str) -> int:
    header = rows.header
    if isinstance(col, (int, np.integer)) and not isinstance(col, bool):
        if not 0 <= col < len(header):
            raise CSVError(f"{rows.name}: no column {col} (the file has {len(header)} columns, "
                           f"numbered from 0)", path=rows.path, setting=setting)
        return int(col)
    if col in header:
        return header.index(col)
    raise CSVError(f"{rows.name}: no column {col!r} (columns: {', '.join(header)})",
                   path=rows.path, column=str(col), setting=setting)


def _columns(rows: _Rows, cols, setting: str) -> list[int]:
    if isinstance(cols, (str, int)):
        cols = [cols]
    idx = [_column(rows, c, setting) for c in cols]
    for a in idx:
        if idx.count(a) > 1:
            raise CSVError(f"{rows.name}: column '{rows.header[a]}' is chosen twice",
                           path=rows.path, column=rows.header[a], setting=setting)
    return idx


def _number(rows: _Rows, cells: list[str], j: int, target: bool) -> float:
    cell = cells[j]
    if target and (cell == "" or cell.lower() in ("nan", "null", "na")):
        return math.nan
    where = f"{rows.name}: row {rows.line}, column '{rows.header[j]}'"
    info = dict(path=rows.path, row=rows.line, column=rows.header[j])
    if cell == "":
        raise CSVError(f"{where}: the cell is empty (an input needs a value)", **info)
    try:
        value = float(cell)
    except ValueError:
        raise CSVError(f"{where}: {cell!r} is not a number", **info) from None
    if not math.isfinite(value):
        raise CSVError(f"{where}: {cell!r} is not a finite number", **info)
    return value


def _check_window_args(window, stride, path) -> None:
    for what, v in (("window", window), ("stride", stride)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                              or v < 1):
            raise CSVError(f"{what} must be a whole number >= 1, got {v!r}", path=path,
                           setting=what)


class _Windows:
    """How rows are cut into sequences, and the size of their copy (checked while reading)."""

    def __init__(self, rows: _Rows, window, stride, width: int, max_bytes: int | None):
        self.rows, self.window, self.stride = rows, window, stride
        self.width, self.max_bytes = width, max_bytes

    def shape(self, n: int) -> tuple[int, int]:
        """(steps, sequences) from n rows."""
        if self.window is None:
            return n, 1
        stride = self.window if self.stride is None else self.stride
        return self.window, (n - self.window) // stride + 1 if n >= self.window else 0

    def check(self, n: int, final: bool = False) -> None:
        steps, count = self.shape(n)
        too_big = over_budget(data_bytes(steps, count, self.width), self.max_bytes)
        if too_big is None:
            return
        rows = f"{n:,} rows" if final else f"the first {n:,} rows"
        if self.window is None:
            raise CSVError(f"{self.rows.name}: {rows} as one sequence of {self.width} values "
                           f"per step take {too_big}: cut them into windows (window, stride)",
                           path=self.rows.path, setting="window")
        stride = self.window if self.stride is None else self.stride
        raise CSVError(f"{self.rows.name}: {rows} cut into windows of {self.window} steps every "
                       f"{stride} row{'s' if stride != 1 else ''} give {count:,} sequences of {self.width} values per step:"
                       f" {too_big}; raise the stride or shorten the window",
                       path=self.rows.path, setting="stride")


def _read_columns(rows: _Rows, i_idx: list[int], t_idx: list[int],
                  windows: _Windows) -> tuple[np.ndarray, np.ndarray]:
    """The chosen input and target columns as (rows, n) float arrays, read row by row."""
    xs, ys = array("d"), array("d")
    n = 0
    for cells in rows:
        _check_width(rows, cells)
        xs.extend([_number(rows, cells, j, False) for j in i_idx])
        ys.extend([_number(rows, cells, j, True) for j in t_idx])
        n += 1
        if n % _BUDGET_EVERY == 0:
            windows.check(n)
    X = np.frombuffer(xs, dtype=np.float64).reshape(n, len(i_idx))
    Y = np.frombuffer(ys, dtype=np.float64).reshape(n, len(t_idx))
    return X, Y


def _cut(data: np.ndarray, window: int, stride: int) -> np.ndarray:
    """(window, n_windows, d) read-only view of data (rows, d): windows share the rows."""
    views = sliding_window_view(data, window, axis=0)[::stride]  # (n_windows, d, window)
    return views.transpose(2, 0, 1)


def from_csv(path, inputs: Sequence | None = None, targets: Sequence | None = None,
             window: int | None = None, stride: int | None = None,
             delimiter: str | None = None, max_bytes: int | None = None):
    """Sequences (X, Y) from a CSV time series, one row per time step.

    `inputs` and `targets` choose columns by name or by 0-based index; by default there are no
    targets and every other column is an input. The rows are cut into windows of `window` steps
    (default: the whole file as one sequence), each `stride` rows after the previous one
    (default: `window`, so windows do not overlap). X is (window, n_windows, n_inputs) and Y
    (window, n_windows, n_targets), read-only views that share the file's rows; an empty (or
    "nan") target cell becomes NaN (no target). The delimiter is guessed from the header row
    among , ; tab | unless given. Windows whose copy would take more than `max_bytes` (default
    `budget.MAX_DATA_BYTES`) are refused (CSVError with setting "stride") while reading.
    """
    _check_window_args(window, stride, path)
    with _rows(path, delimiter) as rows:
        t_idx = _columns(rows, [] if targets is None else targets, "targets")
        i_idx = (_columns(rows, inputs, "inputs") if inputs is not None else
                 [j for j in range(len(rows.header)) if j not in t_idx])
        windows = _Windows(rows, window, stride, len(i_idx) + len(t_idx), max_bytes)
        X, Y = _read_columns(rows, i_idx, t_idx, windows)
    n = len(X)
    if n == 0:
        raise CSVError(f"{rows.name}: no data rows after the header", path=path)
    if window is not None and n < window:
        raise CSVError(f"{rows.name}: {n} data rows, too few for one window of {window} steps",
                       path=path, setting="window")
    windows.check(n, final=True)
    window = n if window is None else int(window)
    stride = window if stride is None else int(stride)
    return _cut(X, window, stride), _cut(Y, window, stride)
