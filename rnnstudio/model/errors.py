"""Errors raised by the model."""


class NetworkError(ValueError):
    """A bad edit or an invalid network. The message names the node or edge at fault; `index`
    is the item at fault of a bulk edit (`add_nodes`, `add_edges`)."""

    def __init__(self, message: str, *, node: str | None = None, edge: tuple | None = None,
                 index: int | None = None):
        super().__init__(message)
        self.node = node
        self.edge = edge
        self.index = index
