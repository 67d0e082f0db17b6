"""What the command modules share: the error type, loading a network, reading lists of column
names, plural words and the training block's data source."""

from __future__ import annotations

PROG = "python -m rnnstudio"
EXIT_ERROR = 2


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def load_net(path: str):
    """The network of a .rnn.json file, validated (FileFormatError/NetworkError otherwise)."""
    from ..io import load
    net = load(path)
    net.validate()
    return net


def names(text: str | None) -> list | None:
    """Comma-separated column names or 0-based indices ("c,0,a" -> ["c", 0, "a"])."""
    if text is None:
        return None
    return [int(t) if t.strip().isdigit() else t.strip() for t in text.split(",") if t.strip()]


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 input', '2 inputs', '0 inputs' (`many` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _source(training: dict) -> dict:
    """The training block's data source, {"task": ...} or {"csv": ...}: the canonical top-level
    key, else the older nested {"data": {...}} form; {} without one."""
    top = {k: training[k] for k in ("task", "csv") if training.get(k) is not None}
    if top:
        return top
    data = training.get("data")
    return data if isinstance(data, dict) else {}


def task_of(training: dict) -> tuple[str, dict] | None:
    """(name, params) of the training block's task ({"task": {"name", "params"}}, or the older
    {"data": {"task": {...}}}); None without a task."""
    task = _source(training).get("task")
    if isinstance(task, str):
        return task, {}
    if isinstance(task, dict) and isinstance(task.get("name"), str):
        return task["name"], dict(task.get("params") or {})
    return None


def csv_of(training: dict) -> dict | None:
    """The training block's CSV source ({"path", "inputs", "targets", ...}), or None."""
    csv = _source(training).get("csv")
    return dict(csv) if isinstance(csv, dict) else None


CSV_OPTIONS = {"path": "--csv", "inputs": "--inputs", "targets": "--targets",
               "window": "--window", "stride": "--stride", "delimiter": "--delimiter"}


def csv_failure(exc, net_file: str | None = None, path_option: str = "--csv") -> str:
    """A CSVError's message led by the setting at fault: the option (``--csv: ...``), or the
    file and training block key (``net.rnn.json: training.csv.path: ...``) when the CSV is
    the one `net_file` names."""
    setting = getattr(exc, "setting", None)
    if setting is None:
        return str(exc)
    if net_file:
        return f"{net_file}: training.csv.{setting}: {exc}"
    option = path_option if setting == "path" else CSV_OPTIONS.get(setting, setting)
    return f"{option}: {exc}"
