"""`.rnn.json` network files: save (atomic), load, dumps, loads.

Every problem raises `FileFormatError` naming the file and the place; nothing else escapes.
"""

from __future__ import annotations

import os
import stat
from typing import Any

from ..model import Network
from ..collector import quiet_collector
from ..pacing import paced
from .datapaths import absolute_data_paths, portable_data_paths
from .errors import FileFormatError
from .jsontext import check_count, decode_bytes, dumps_stable, dumps_stable_chunks, parse
from .records import from_record, to_record
from .safefile import UnreadableFile, read_regular

MAX_FILE_BYTES = 256 * 1024 * 1024


def dumps(net: Network) -> str:
    """The file's text: stable (same network, same text), keys in a fixed order."""
    return dumps_stable(to_record(net))


def loads(text: str | bytes, source: str = "<string>", folder: str | None = None) -> Network:
    """A network from the file's text (or bytes); errors name `source`. `folder`: where the
    file lies, to find data files named relative to it (see datapaths)."""
    try:
        if not isinstance(text, (str, bytes, bytearray)):
            raise FileFormatError(f"expected text or bytes, got {type(text).__name__}")
        check_count(text)  # before decoding: a file too big to parse costs no copy
        if isinstance(text, (bytes, bytearray)):
            text = decode_bytes(bytes(text))
        with quiet_collector():  # hundreds of thousands of records, no cyclic garbage
            record = parse(text)
            if folder is not None and isinstance(record, dict) and "training" in record:
                record["training"] = absolute_data_paths(record["training"], folder)
            return _build(record)
    except FileFormatError as exc:
        raise exc.located(source) from None
    except (RecursionError, MemoryError) as exc:  # the promise: FileFormatError, nothing else
        raise FileFormatError(f"too large or too deeply nested ({type(exc).__name__})",
                              source) from None


def load(path: str | os.PathLike) -> Network:
    """Read a `.rnn.json` file; a FileFormatError names the file and the place at fault."""
    name = _name(path)
    data = _read_bytes(path, name)
    return loads(data, source=name, folder=os.path.dirname(os.path.abspath(path)))


def save(net: Network, path: str | os.PathLike) -> None:
    """Write the network atomically: the old file stays whole until the new one is complete.
    A CSV named by the training block is written relative to the file when it lies beside it
    or below."""
    name = _name(path)
    try:
        with quiet_collector():
            record = to_record(net)
            record["training"] = portable_data_paths(record["training"],
                                                     os.path.dirname(os.path.abspath(path)))
            data = [chunk.encode("utf-8") for chunk in paced(dumps_stable_chunks(record), 1)]
    except FileFormatError as exc:
        raise exc.located(name) from None
    try:
        write_atomic(os.fspath(path), data)
    except OSError as exc:
        raise FileFormatError(f"cannot write: {exc.strerror or exc}", name) from None


def _build(record: Any) -> Network:
    try:
        return from_record(record)
    except FileFormatError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise FileFormatError(f"too large or too deeply nested ({type(exc).__name__})") from None
    except Exception as exc:  # a model bug must not escape `load` as anything else
        raise FileFormatError(f"internal error while building the network (please report "
                              f"it): {type(exc).__name__}: {exc}") from None


def _name(path: Any) -> str:
    try:
        return os.fspath(path) if not isinstance(path, bytes) else os.fsdecode(path)
    except TypeError:
        raise FileFormatError(f"expected a file path, got {type(path).__name__}") from None


def _read_bytes(path: str | os.PathLike, name: str) -> bytes:
    try:
        return read_regular(path, MAX_FILE_BYTES, "network file")
    except UnreadableFile as exc:
        raise FileFormatError(str(exc), name) from None


# ---------------------------------------------------------------------- atomic write
def write_atomic(path: str, data: bytes | list[bytes]) -> None:
    """Write `data` (bytes, or a list of bytes written one after another) to a temporary file
    next to `path`, fsync it, then rename it over `path` (and fsync the folder), so `path` is
    always either the old file or the new one. On error the temporary file is removed and
    `path` is untouched."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    folder = os.path.dirname(os.path.abspath(target))
    tmp = _temp_path(folder, os.path.basename(target))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, list):
                f.writelines(data)  # each piece written as it is: no copy of the whole
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _copy_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_folder(folder)


def _temp_path(folder: str, base: str) -> str:
    return os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def _copy_mode(target: str, tmp: str) -> None:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return  # a new file: the umask already applied to 0o666
    os.chmod(tmp, mode)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (not possible on every system: skipped there)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
