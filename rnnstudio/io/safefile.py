"""Reading a file the user named, without ever waiting on it or reading without end.

`open()` on a named pipe (FIFO) blocks until a writer appears, and a device such as
/dev/zero never ends. So the file is opened non-blocking and checked on the open descriptor
(no race between a check and the open) to be a regular file of a bounded size before a byte is
read. No Qt.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


class UnreadableFile(ValueError):
    """The file cannot be read: missing, not a regular file, too large, no permission. The
    message says why without the path (the caller names the file its own way)."""


def kind_of(mode: int) -> str:
    """'a folder', 'a named pipe (FIFO)', ... for a file that is not a regular one."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path, max_bytes: int | None = None, what: str = "file") -> BinaryIO:
    """The file opened for binary reading, once it is known to be a regular file of at most
    `max_bytes`; UnreadableFile otherwise. Never blocks on a FIFO or a device."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    except (TypeError, ValueError) as exc:  # not a path, or an embedded null byte
        raise UnreadableFile(f"cannot read: {exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"not a regular file: it is {kind_of(info.st_mode)}, and only "
                                 f"a regular {what} can be read")
        if max_bytes is not None and info.st_size > max_bytes:
            raise UnreadableFile(f"the {what} is {format_size(info.st_size)}; at most "
                                 f"{format_size(max_bytes)} can be read")
        _set_blocking(fd)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, max_bytes: int, what: str = "file") -> bytes:
    """The whole content of a regular file of at most `max_bytes` (see `open_regular`)."""
    with open_regular(path, max_bytes, what) as f:
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew after the check
        raise UnreadableFile(f"the {what} is larger than {format_size(max_bytes)}")
    return data


def _set_blocking(fd: int) -> None:
    try:
        os.set_blocking(fd, True)
    except (AttributeError, OSError):  # not on every system; a regular file never blocks anyway
        pass


def format_size(n: int) -> str:
    """1536 -> "1.5 KB" (binary units, three digits)."""
    for unit, scale in (("GB", 2 ** 30), ("MB", 2 ** 20), ("KB", 2 ** 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
