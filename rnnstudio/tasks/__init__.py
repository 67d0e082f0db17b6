"""Built-in sequence tasks and CSV sequence data. No Qt.

Each task returns ``(X, Y)``, float64 arrays of shape ``(T, N, dim)``; NaN in ``Y`` means "no
target here". ``TASKS`` lists them for the UI and the command line; ``make_task(name, **params)``
builds one by name, ``check_fit(net, name, **params)`` checks a network's inputs and outputs.
"""

from .builtin import (RAIN_EVENTS, TEXT_ALPHABET, adding, bundled_text, echo, parity, rain,
                      rain_probability, sine, teacher, text, text_alphabet, text_decode)
from . import scaling
from .csvdata import CSVError, from_csv, read_csv_table
from .registry import TASKS, ParamSpec, TaskError, TaskInfo, check_fit, get_task, make_task

__all__ = [
    "sine", "echo", "adding", "parity", "rain", "teacher", "text",
    "RAIN_EVENTS", "rain_probability",
    "TEXT_ALPHABET", "text_alphabet", "text_decode", "bundled_text",
    "TASKS", "TaskInfo", "ParamSpec", "TaskError", "make_task", "get_task", "check_fit",
    "from_csv", "read_csv_table", "CSVError", "scaling",
]
