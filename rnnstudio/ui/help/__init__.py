"""Help inside the app: concept pages (Markdown files shipped in `pages/`), each with buttons
that open the examples showing the idea; a keyboard sheet made from the window's own actions;
the About box. `install_help(window)` adds the Help menu (F1 opens the concept pages)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Topic:
    slug: str        # pages/<slug>.md
    title: str       # the menu entry and the list entry
    examples: tuple  # example names (examples/<name>.rnn.json) the page opens


TOPICS = (
    Topic("ordering", "Ordering and backward edges", ("ordering-demo", "ordering-cycle")),
    Topic("delays", "Explicit delays", ("echo-memory",)),
    Topic("unrolling", "Unrolling in time", ("elman-sine", "echo-memory")),
    Topic("bptt", "Backpropagation through time and truncation", ("truncation",)),
    Topic("gradients", "Vanishing and exploding gradients",
          ("vanishing-gradients", "exploding-gradients")),
    Topic("many", "Many-to-one and many-to-many", ("rain", "elman-sine")),
    Topic("window", "A window of inputs against a recurrent state",
          ("window-vs-recurrent-windowed", "window-vs-recurrent-recurrent")),
    Topic("bidirectional", "Bidirectional networks", ("bidirectional",)),
    Topic("gates", "LSTM and GRU gates", ("lstm-adding", "gru-adding")),
)


def page_text(slug: str) -> str:
    """The Markdown of a concept page (a packaged resource)."""
    return resources.files(__package__).joinpath("pages", f"{slug}.md").read_text("utf-8")


def topic(slug: str) -> Topic:
    for t in TOPICS:
        if t.slug == slug:
            return t
    raise KeyError(f"no help page {slug!r}")


def install_help(window):
    """Add the Help menu to `window` (the main window); returns the `HelpMenu`."""
    from .menu import HelpMenu
    return HelpMenu(window)
