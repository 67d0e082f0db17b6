"""Errors raised by the model."""


class NetworkError(ValueError):
    """A bad edit or an invalid network. The message names the node or edge at fault."""

    def __init__(self, message: str, *, node: str | None = None, edge: tuple | None = None):
        super().__init__(message)
        self.node = node
        self.edge = edge
