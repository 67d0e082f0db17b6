"""Plain change events (no Qt): the views mirror the model through them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# Event kinds
NODE_ADDED = "node_added"
NODE_REMOVED = "node_removed"
NODE_CHANGED = "node_changed"
EDGE_ADDED = "edge_added"
EDGE_REMOVED = "edge_removed"
EDGE_CHANGED = "edge_changed"
ORDERING_CHANGED = "ordering_changed"  # the resolved ordering (and so the delays) may have changed
IO_CHANGED = "io_changed"  # the order of inputs or outputs changed
PARAMS_CHANGED = "params_changed"  # many weights/biases/initials at once (training, re-init)
META_CHANGED = "meta_changed"  # name, description, training settings, view state
GROUP_CHANGED = "group_changed"  # a group added, removed or edited (group=None: all of them)


@dataclass(frozen=True)
class Event:
    kind: str
    node: str | None = None
    edge: tuple[str, str] | None = None
    group: str | None = None
    changed: dict[str, Any] = field(default_factory=dict)  # attribute -> new value


Listener = Callable[[Event], None]


class EventSource:
    """A list of listeners called synchronously, in subscription order."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
