"""The network model: graph, orderings, validation and change events. No Qt."""

from .errors import NetworkError
from .events import Event, EventSource
from .network import ACTIVATIONS, AGGREGATES, DIRECTIONS, KINDS, ORDERING_MODES, Network

__all__ = ["Network", "NetworkError", "Event", "EventSource", "ACTIVATIONS", "AGGREGATES",
           "DIRECTIONS", "KINDS", "ORDERING_MODES"]
