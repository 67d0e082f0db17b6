"""The one error the file functions raise."""

from __future__ import annotations


class FileFormatError(ValueError):
    """A file that cannot be read or written. The message names the file and the place at fault:
    ``net.rnn.json: edges[4].target: no node 'h7'``.

    Attributes: `path` (the file, or the `source` given to `loads`) and `where` (the place in the
    file such as ``edges[4].target`` or ``line 12, column 3``; None when it is the whole file)."""

    def __init__(self, detail: str, path: str | None = None, where: str | None = None):
        self.path = path
        self.where = where
        self.detail = detail
        super().__init__(": ".join(p for p in (path, where, detail) if p))

    def located(self, path: str) -> "FileFormatError":
        """The same problem, now naming the file."""
        return FileFormatError(self.detail, path, self.where)
