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
    names = list(pos)
    index = {n: i for i, n in enumerate(names)}
    xy = np.array([pos[n] for n in names], dtype=float).reshape(-1, 2)
    half = np.array([(sizes or {}).get(n, (0.0, 0.0)) for n in names], dtype=float)
    u = np.array([index[a] for a, _ in edges], dtype=np.int64)
    v = np.array([index[b] for _, b in edges], dtype=np.int64)
    return xy, half.reshape(-1, 2), u, v


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
    edges = [(a, b) for a, b in edges if a != b and a in pos and b in pos]
    if not edges:
        return {}
    xy, half, u, v = _ends(pos, edges, sizes)
    col, col_x = _columns(xy[:, 0], LAYER_TOL)
    back = col[v] <= col[u]  # into an earlier layer, or within one
    edges = [e for e, b in zip(edges, back.tolist()) if b]
    u, v = u[back], v[back]
    if not edges:
        return {}
    out_x, in_x = _turns(xy, half, u, v)
    top, bottom = _reach(xy, half, col, len(col_x))
    cu, cv = col[u], col[v]
    lo, hi = np.minimum(cu, cv), np.maximum(cu, cv)
    span_top, span_bottom = top(lo, hi), -bottom(lo, hi)
    above = _sides(cu, (xy[u, 1] + xy[v, 1]) / 2, span_top, span_bottom)
    lanes, corridor, rank = _lanes(cu, lo, hi, above, np.where(above, span_top, span_bottom),
                                   in_x, len(col_x))
    tag = _tagged(edges, corridor, rank, delays)
    return {e: Arc(float(a), float(b), float(c), bool(d), t)
            for e, a, b, c, d, t in zip(edges, out_x.tolist(), in_x.tolist(), lanes.tolist(),
                                        above.tolist(), tag)}


def _sides(cu, mid_y, span_top, span_bottom) -> np.ndarray:
    """Above (True) or below for each loop: the side most of its source layer's loops are
    nearer to, for all of them, so that a layer's feedback is one cable (two, one over and one
    under, share their trunks beside the layer and read as one solid line)."""
    near_top = mid_y - span_top <= span_bottom - mid_y
    votes = np.bincount(cu, weights=np.where(near_top, 1.0, -1.0))
    return votes[cu] >= 0


def _tagged(edges, corridor, rank, delays) -> list[bool]:
    """The innermost strand of each corridor carries the z^-d tag (of each delay, if known):
    one tag says what the whole cable is."""
    best: dict = {}
    for i, e in enumerate(edges):
        key = (int(corridor[i]), delays.get(e, 1) if delays else 1)
        if key not in best or rank[i] < rank[best[key]]:
            best[key] = i
    chosen = set(best.values())
    return [i in chosen for i in range(len(edges))]


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
    keys = np.stack([cu, ~above]).T
    corr_keys, corridor = np.unique(keys, axis=0, return_inverse=True)
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
        a, b, below = int(c_lo[c]), int(c_hi[c]), bool(corr_keys[c][1])
        side = outer[not below]
        lane0[c] = _on_grid(max(start[c], side[a:b + 1].max() + LANE_GAP), out=True)
        side[a:b + 1] = np.maximum(side[a:b + 1], lane0[c])
    return sign * lane0[corridor], corridor, rank
