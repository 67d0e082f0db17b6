"""Plain change events (no Qt): the views mirror the model through them.

A single edit says `node_added`, `edge_removed`, ... for its item. A bulk edit (`add_nodes`,
`add_edges`, `remove_nodes`, `remove_edges`, `restore`: pasting or undoing 5,000 nodes and
50,000 edges) says one `nodes_added`, `edges_removed`, ... carrying all its items (`nodes`,
`edges`) in the order they were added or removed: a listener handles the whole batch at once
instead of 55,000 calls. `single(event)` spells a bulk event out as its single-item events.
"""

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
# bulk kinds: many items at once (`Event.nodes` / `Event.edges`)
NODES_ADDED = "nodes_added"
NODES_REMOVED = "nodes_removed"
EDGES_ADDED = "edges_added"
EDGES_REMOVED = "edges_removed"

BULK = {NODES_ADDED: NODE_ADDED, NODES_REMOVED: NODE_REMOVED, EDGES_ADDED: EDGE_ADDED,
        EDGES_REMOVED: EDGE_REMOVED}  # bulk kind -> the single kind of each item
STRUCTURAL = frozenset([NODE_ADDED, NODE_REMOVED, EDGE_ADDED, EDGE_REMOVED, *BULK])


@dataclass(frozen=True)
class Event:
    kind: str
    node: str | None = None
    edge: tuple[str, str] | None = None
    group: str | None = None
    changed: dict[str, Any] = field(default_factory=dict)  # attribute -> new value
    nodes: tuple[str, ...] = ()  # a bulk node event's ids
    edges: tuple[tuple[str, str], ...] = ()  # a bulk edge event's keys


def single(event: Event) -> list[Event]:
    """The single-item events a bulk event stands for (without their `changed`); any other
    event as it is."""
    kind = BULK.get(event.kind)
    if kind is None:
        return [event]
    if kind in (NODE_ADDED, NODE_REMOVED):
        return [Event(kind, node=n) for n in event.nodes]
    return [Event(kind, edge=k) for k in event.edges]


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

    @property
    def listened(self) -> bool:
        """Anyone listening (else an event's contents need not be made at all)."""
        return bool(self._listeners)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
