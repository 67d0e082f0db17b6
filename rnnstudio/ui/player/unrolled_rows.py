"""The rows of the unrolled view and the arrows between them (no Qt).

A row is a whole group (one cell per step, as textbooks draw x_t -> h_t -> y_t) or a single
node: an ungrouped one, or a member of a group the view shows expanded (the view's own state,
not the group's collapsed flag: the canvas may show the neurons while the unrolled view shows
the textbook figure). Rows stand in the ordering (a group where its first member comes, an
expanded group's members together in its place); the edges between two rows with the same
column offset are drawn as one arrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np



@dataclass
class Row:
    key: str  # the node's or the group's id
    label: str
    members: list[str]
    gid: str | None = None  # a group's row (one cell)
    index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    parent: str | None = None  # a member's row of a group shown expanded: the group

    @property
    def is_group(self) -> bool:
        return self.gid is not None


@dataclass
class Arrow:
    """The edges from row `source` (column offset `offset`) into row `target`."""
    source: int
    target: int
    offset: int
    edges: list = field(default_factory=list)
    positive: int = 0

    @property
    def sign(self) -> bool | None:
        if self.positive == len(self.edges):
            return True
        return False if self.positive == 0 else None


def build_rows(tr, net, expanded=frozenset()) -> tuple[list[Row], dict[str, int]]:
    """The rows of trajectory `tr`: a cell per group of `net`, except the groups in
    `expanded` (a row per member); and {node: row}."""
    groups = net.groups if net is not None else {}
    owner = {m: g for g, r in groups.items() for m in r["members"]}
    rows: list[Row] = []
    row_of: dict[str, int] = {}
    for n in tr.order:
        gid = owner.get(n)
        if n in row_of:
            continue
        if gid is None:
            row_of[n] = len(rows)
            rows.append(Row(n, n, [n]))
            continue
        members = [m for m in groups[gid]["members"] if m in tr._index]
        if gid in expanded:
            for m in members:
                row_of[m] = len(rows)
                rows.append(Row(m, m, [m], parent=gid))
        else:
            row_of.update(dict.fromkeys(members, len(rows)))
            rows.append(Row(gid, f"{groups[gid]['label']} ({len(members)})", members, gid))
    for r in rows:
        r.index = np.array([tr.index(m) for m in r.members], dtype=np.intp)
    return rows, row_of


def arrow_count(tr, row_of: dict[str, int], stop: int) -> int:
    """How many arrows all of `tr`'s edges make (as `arrows` groups them), counting up to
    `stop` only: without groups every edge is an arrow, and a big network stops early."""
    keys: set = set()
    reverse = tr.reverse
    for (u, v), d in tr.delays.items():
        keys.add((row_of[u], row_of[v], d if v in reverse else -d))
        if len(keys) >= stop:
            break
    return len(keys)


def arrows(edges, tr, net, row_of: dict[str, int]) -> dict[tuple[int, int, int], Arrow]:
    """{(source row, target row, offset): Arrow} for `edges` (u, v): offset -d for a delay d,
    +d into a reverse-time neuron; in edge order."""
    out: dict = {}
    g = net.graph
    for u, v in edges:
        d = tr.delays[(u, v)]
        offset = d if v in tr.reverse else -d
        key = (row_of[u], row_of[v], offset)
        arrow = out.get(key)
        if arrow is None:
            arrow = out[key] = Arrow(*key)
        arrow.edges.append((u, v))
        arrow.positive += g.edges[u, v]["weight"] >= 0
    return out
