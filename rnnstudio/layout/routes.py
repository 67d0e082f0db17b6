"""Routes for delayed edges drawn around the layers (Qt-free; the canvas draws them).

A delayed edge whose target is not right of its source (recurrence: back to an earlier layer
or within one) is drawn as a feedback loop, the way textbooks draw them: it leaves its source
to the right, runs above (or below) every node between the two columns on a horizontal *lane*,
and comes down into its target from the left, like the target's other inputs:

    ┌──────────────┐   lane
    │              │
    └─► target    source ─┘

The loops leaving one layer form a *corridor*, drawn as one cable, the way circuit diagrams
draw a bus: all of them go over the layers, or all under, on the same lane and the same turns,
so a fully recurrent layer reads as one feedback loop with a branch into each target (strands a
few units apart read as a hatched band at every zoom people use). Corridors that overlap take
lanes further out, so different cables never run on top of each other. Turns and lanes sit on
the grid of the dashes (DASH_PERIOD) and the canvas dashes every loop from its lane, so loops
that share a line, of one cable or of two, lie dash on dash and the line reads delayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np

COLUMN_TOL = 24.0   # nodes within this many units of x share a column (for the turns)
LAYER_TOL = 70.0    # ... of a layer (a wrapped block's sub-columns): one corridor per side
EXIT = 60.0         # how far right of its source (left of its target) a loop turns: just
                    # outside a group's frame (node 42 + frame 14 wide on each side)
CLEAR_TOP = 62.0    # from a node's centre to the lowest lane above it: clear of the badge
                    # and of a group frame's header
CLEAR_BOTTOM = 66.0 # ... to the highest lane below it (the name, the frame's bottom)
BLOCK_CLEAR = 20.0  # from a block's edge to a lane or a turn
LANE_GAP = 14.0     # between nested corridors
DASH_PERIOD = 9.75  # a delayed edge's dash and gap (the canvas draws 6 + 3.75 scene units):
                    # turns and lanes sit on a grid of it, so that loops sharing a line, which
                    # the canvas dashes from their lanes, lie dash on dash and read dashed


@dataclass(frozen=True)
class Arc:
    """How to draw one delayed edge around the layers: leave the source rightwards to
    `out_x`, go up (or down) to the lane at y = `lane`, run left to `in_x`, and go down (or up)
    into the target, entering it from the left."""
    out_x: float
    in_x: float
    lane: float
    above: bool
    tag: bool = True  # carries the z^-d tag (one strand per corridor and delay does)


def _columns(xs: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster x values into columns: (column of each value, each column's x)."""
    order = np.argsort(xs, kind="stable")
    sx = xs[order]
    new = np.concatenate([[True], np.diff(sx) > tol])
    col_sorted = np.cumsum(new) - 1
    col = np.empty(len(xs), dtype=np.int64)
    col[order] = col_sorted
    col_x = sx[new]
    return col, col_x


class _RangeMin:
    """Minimum over a range of columns in O(1) (a sparse table)."""

    def __init__(self, values: np.ndarray):
        self.table = [values]
        k = 1
        while 2 * k <= len(values):
            prev = self.table[-1]
            self.table.append(np.minimum(prev[:-k], prev[k:]))
            k *= 2

    def __call__(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """min(values[lo..hi]) for arrays lo <= hi (inclusive)."""
        n = hi - lo + 1
        j = np.floor(np.log2(n)).astype(np.int64)
        out = np.empty(len(lo))
        for level in np.unique(j).tolist():
            m = j == level
            t = self.table[level]
            out[m] = np.minimum(t[lo[m]], t[hi[m] - (1 << level) + 1])
        return out


def _ends(pos: dict, edges: list, sizes: dict | None) -> tuple:
    """The nodes' places and half sizes, and each edge's ends as rows of them (-1: an end
    not in `pos`)."""
    names = list(pos)
    index = {n: i for i, n in enumerate(names)}
    xy = np.array(list(pos.values()), dtype=float).reshape(-1, 2)
    half = np.array([sizes.get(n, (0.0, 0.0)) for n in names], dtype=float).reshape(-1, 2) \
        if sizes else np.zeros((len(names), 2))
    a, b = zip(*edges) if edges else ((), ())
    u = np.array(list(map(index.get, a, repeat(-1))), dtype=np.int64)
    v = np.array(list(map(index.get, b, repeat(-1))), dtype=np.int64)
    return xy, half, u, v


def _reach(xy, half, col, nc) -> tuple[_RangeMin, _RangeMin]:
    """Range minima over columns of the lowest lane that runs above their nodes (as y) and
    of the highest that runs below them (as -y)."""
    top = np.full(nc, np.inf)
    np.minimum.at(top, col, xy[:, 1] - np.maximum(CLEAR_TOP, half[:, 1] + BLOCK_CLEAR))
    bottom = np.full(nc, np.inf)
    np.minimum.at(bottom, col, -xy[:, 1] - np.maximum(CLEAR_BOTTOM, half[:, 1] + BLOCK_CLEAR))
    return _RangeMin(top), _RangeMin(bottom)


def route_arcs(pos: dict, edges, delays: dict | None = None, sizes: dict | None = None) -> dict:
    """{(u, v): Arc} for the delayed edges among `edges` whose target is not in a layer right
    of its source's (self-loops excluded). `pos` holds every node's (x, y) (a node's neighbours
    in the drawing, not only the edges' ends, decide how far out the lanes run); `sizes` the
    half width and height of what is bigger than a node (a collapsed group's block). With
    `delays` ({edge: steps}) one strand per corridor and delay carries the tag."""
    edges, table = _route(pos, edges, delays, sizes)
    return {e: _arc(row) for e, row in zip(edges, table.tolist())}


class Routes:
    """`route_arcs` kept up to date: routing again compares the new routes with the last ones
    as arrays and makes `Arc`s only for the loops whose route changed (a canvas of 14,000
    loops routed again after an edit that moved few of them: 55 ms of Arc objects)."""

    def __init__(self):
        self.arcs: dict = {}  # what route_arcs would return for the last call
        self._back: list = []  # the edges routed, in the order of _table's rows
        self._row: dict = {}  # edge -> its row in _table
        self._table = np.zeros((0, 5))

    def update(self, pos: dict, edges, delays: dict | None = None,
               sizes: dict | None = None, steps=None) -> list:
        """Route again (as `route_arcs`; `steps`: the edges' delays as an array in their
        order, instead of `delays`); the edges whose route changed, came or went, sorted.
        `arcs` is updated in place."""
        back, table = _route(pos, edges, delays, sizes, steps)
        if back == self._back:  # the same loops (a move, a delay changed): row by row
            row, old = self._row, np.arange(len(back))
        else:
            row = {e: i for i, e in enumerate(back)}
            old = np.array(list(map(self._row.get, back, repeat(-1))), np.int64)
        known = old >= 0
        same = known.copy()
        same[known] = (self._table[old[known]] == table[known]).all(axis=1)
        moved = np.flatnonzero(~same).tolist()
        gone = list(self._row.keys() - row.keys()) if int(known.sum()) < len(self._row) else []
        arcs = self.arcs
        for e in gone:
            del arcs[e]
        for i, r in zip(moved, table[moved].tolist()):
            arcs[back[i]] = _arc(r)
        self._back, self._row, self._table = back, row, table
        return sorted([back[i] for i in moved] + gone)


def _arc(row) -> Arc:
    out_x, in_x, lane, above, tag = row
    return Arc(out_x, in_x, lane, bool(above), bool(tag))


def _route(pos: dict, edges, delays, sizes, steps=None) -> tuple[list, np.ndarray]:
    """The edges routed around the layers and a row for each: out_x, in_x, lane, above, tag.
    `steps`: the edges' delays as an array in their order (instead of looking each up in
    `delays`)."""
    edges = edges if isinstance(edges, list) else list(edges)
    xy, half, u, v = _ends(pos, edges, sizes)
    keep = (u >= 0) & (v >= 0) & (u != v)  # self-loops and edges of nodes not drawn: none
    if not keep.any():
        return [], np.zeros((0, 5))
    col, col_x = _columns(xy[:, 0], LAYER_TOL)
    keep[keep] = col[v[keep]] <= col[u[keep]]  # into an earlier layer, or within one
    if not keep.any():
        return [], np.zeros((0, 5))
    edges = list(compress(edges, keep.tolist()))
    u, v = u[keep], v[keep]
    if steps is not None:
        steps = np.asarray(steps, dtype=np.int64)[keep]
    elif delays:
        steps = np.fromiter(map(delays.get, edges, repeat(1)), np.int64, len(edges))
    else:
        steps = np.ones(len(edges), np.int64)
    out_x, in_x = _turns(xy, half, u, v)
    top, bottom = _reach(xy, half, col, len(col_x))
    cu, cv = col[u], col[v]
    lo, hi = np.minimum(cu, cv), np.maximum(cu, cv)
    span_top, span_bottom = top(lo, hi), -bottom(lo, hi)
    above = _sides(cu, (xy[u, 1] + xy[v, 1]) / 2, span_top, span_bottom)
    lanes, corridor, rank = _lanes(cu, lo, hi, above, np.where(above, span_top, span_bottom),
                                   in_x, len(col_x))
    tag = _tagged(corridor, rank, steps)
    return edges, np.stack([out_x, in_x, lanes, above, tag], axis=1).astype(float)


def _sides(cu, mid_y, span_top, span_bottom) -> np.ndarray:
    """Above (True) or below for each loop: the side most of its source layer's loops are
    nearer to, for all of them, so that a layer's feedback is one cable (two, one over and one
    under, share their trunks beside the layer and read as one solid line)."""
    near_top = mid_y - span_top <= span_bottom - mid_y
    votes = np.bincount(cu, weights=np.where(near_top, 1.0, -1.0))
    return votes[cu] >= 0


def _tagged(corridor, rank, steps) -> np.ndarray:
    """The innermost strand of each corridor carries the z^-d tag (of each delay `steps`):
    one tag says what the whole cable is."""
    order = np.lexsort((rank, steps, corridor))  # by corridor and delay, the innermost first
    first = np.ones(len(order), bool)
    first[1:] = (np.diff(corridor[order]) != 0) | (np.diff(steps[order]) != 0)
    tag = np.zeros(len(order), bool)
    tag[order[first]] = True
    return tag


def _turns(xy, half, u, v) -> tuple[np.ndarray, np.ndarray]:
    """Where each loop turns: EXIT right of its source and left of its target, or halfway
    to the next column of nodes when that is nearer; always outside a block."""
    col, col_x = _columns(xy[:, 0], COLUMN_TOL)
    nc = len(col_x)
    cu, cv = col[u], col[v]
    gap_right = np.where(cu + 1 < nc, (col_x[np.minimum(cu + 1, nc - 1)] - xy[u, 0]) / 2, EXIT)
    gap_left = np.where(cv > 0, (xy[v, 0] - col_x[np.maximum(cv - 1, 0)]) / 2, EXIT)
    out = np.maximum(np.minimum(EXIT, gap_right), half[u, 0] + BLOCK_CLEAR)
    into = np.maximum(np.minimum(EXIT, gap_left), half[v, 0] + BLOCK_CLEAR)
    return _on_grid(xy[u, 0] + out), _on_grid(xy[v, 0] - into)


def _on_grid(x, out: bool = False):
    """x on the nearest line of the dash grid (`out`: the next one up, away from the nodes)."""
    return (np.ceil if out else np.round)(np.asarray(x) / DASH_PERIOD) * DASH_PERIOD


def _lanes(cu, lo, hi, above, base, in_x, nc) -> tuple:
    """The lane of each edge. A corridor is the loops leaving one column on one side; from
    the narrowest to the widest, each runs outside the corridors it overlaps, all its strands
    on one lane. Also each edge's corridor and rank in it (the strand to the nearest target
    first)."""
    keys = 2 * cu + ~above  # (column, below) in one int, ordered as the pairs are
    corr_keys, corridor = np.unique(keys, return_inverse=True)  # (rows of pairs: 5x slower)
    corridor = corridor.reshape(-1)
    order = np.lexsort((-in_x, corridor))
    first = np.searchsorted(corridor[order], np.arange(len(corr_keys)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first[corridor[order]]
    # work outwards: o = -y above the drawing, o = y below it
    sign = np.where(above, -1.0, 1.0)
    out_base = sign * base
    outer = {True: np.full(nc, -np.inf), False: np.full(nc, -np.inf)}  # outermost lane so far
    c_lo = np.full(len(corr_keys), nc)
    np.minimum.at(c_lo, corridor, lo)
    c_hi = np.zeros(len(corr_keys), dtype=np.int64)
    np.maximum.at(c_hi, corridor, hi)
    start = np.full(len(corr_keys), -np.inf)
    np.maximum.at(start, corridor, out_base)
    lane0 = np.empty(len(corr_keys))
    for c in np.lexsort((c_lo, c_hi - c_lo)).tolist():
        a, b, below = int(c_lo[c]), int(c_hi[c]), bool(corr_keys[c] % 2)
        side = outer[not below]
        lane0[c] = _on_grid(max(start[c], side[a:b + 1].max() + LANE_GAP), out=True)
        side[a:b + 1] = np.maximum(side[a:b + 1], lane0[c])
    return sign * lane0[corridor], corridor, rank
