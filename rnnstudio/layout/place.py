"""Placement for `rnnstudio.layout` (see its docstring): blocks into slots, wrapping, block
tops and x positions. No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .order import Graph, bary

DX = 120.0     # from one layer to the next (its last sub-column to the next one's first)
DY = 70.0      # between nodes of a column
DSUB = 64.0    # between sub-columns of a wrapped block
BLOCK_GAP = 130.0  # between the nodes of two blocks of a slot: room for their frames
FLOW_GAP = 106.0  # between two slots (columns of blocks) of one tall layer: frames meet
NODE_EXT = 50.0  # a node block's reach above its top node and below its bottom one ...
NODE_HW = 30.0   # ... and beside its nodes, so that BLOCK_GAP, FLOW_GAP and DX are the gaps
GAP_Y = BLOCK_GAP - 2 * NODE_EXT  # between blocks of a slot (a collapsed group's block
GAP_X = DX - 2 * NODE_HW          # reaches half its height and width from its centre)
FLOW_X = FLOW_GAP - 2 * NODE_HW
BUNDLE_ROOM = 0.0  # more between layers beside a collapsed group's block: bundle labels
LOOP_ROOM_BLOCK = 52.0  # over (under) a block whose members' edges make a loop on it
ASPECT = 2.2   # the canvas's width : height (the main window's at 1600 x 1000), when unknown
FIT_MARGIN = 80.0  # what Fit to View adds around the picture
FLOW_SLACK = 0.97  # flowing a layer may cost this much of the best Fit to View scale
WRAP_ABOVE = 400.0  # pictures shorter than this never wrap (Fit to View shows them whole)
LOOP_ROOM = 150.0  # what feedback loops above and below the nodes add to the height
PLACE_ROUNDS = 6


@dataclass
class Slot:
    """A column of blocks in one layer (a tall layer flows its blocks into several slots,
    like text into columns)."""
    layer: int
    blocks: list[int]
    height: float = 0.0  # from the top node of its first block to the bottom one of its last
    width: float = 0.0   # its widest block's sub-columns
    half: float = NODE_HW  # its blocks' reach beside their nodes


@dataclass
class Plan:
    slots: list[Slot]
    segs: dict               # block -> [(layer, node indices top to bottom)]
    wrap: np.ndarray         # sub-columns per block
    multi: np.ndarray        # blocks spanning several layers (never flowed)
    off: np.ndarray          # per node: y below its block's top
    sub: np.ndarray          # per node: its sub-column
    height: np.ndarray       # per block: from its top node to its bottom node
    up: np.ndarray           # per block: its reach above its top node
    down: np.ndarray         # ... and below its bottom node
    hw: np.ndarray           # per block: its reach beside its nodes
    shut: np.ndarray         # per block: a collapsed group's
    slots_of: dict = field(default_factory=dict)  # block -> the slots it is in


def plan(g: Graph, block, span, pos, bkey) -> Plan:
    """One slot per layer; blocks in the order of their keys; nodes by position."""
    nb = len(span)
    key = np.zeros(nb)
    key[:len(bkey)] = bkey[:nb]
    slots = [Slot(L, []) for L in range(int(g.layer.max()) + 1)]
    segs: dict = {}
    for b in sorted(range(nb), key=lambda b: (key[b], b)):
        segs[b] = [(L, []) for L in span[b]]
        for L in span[b]:
            slots[L].blocks.append(b)
    for i in np.lexsort((np.arange(len(pos)), pos)).tolist():
        b = int(block[i])
        segs[b][int(g.layer[i]) - span[b].start][1].append(i)
    n = len(block)
    up, down, hw = np.full(nb, NODE_EXT), np.full(nb, NODE_EXT), np.full(nb, NODE_HW)
    for u in g.members:  # a collapsed group: a block of one unit, its real size
        b = block[u]
        up[b] = g.half[u, 1] + LOOP_ROOM_BLOCK * g.loops[u, 0]
        down[b] = g.half[u, 1] + LOOP_ROOM_BLOCK * g.loops[u, 1]
        hw[b] = g.half[u, 0]
    shut = np.zeros(nb, bool)
    shut[block[list(g.members)]] = True
    p = Plan(slots, segs, np.ones(nb, dtype=np.int64), np.array([len(r) > 1 for r in span]),
             np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(nb), up, down, hw, shut)
    for b in segs:
        _shape(p, b)
    for s in slots:
        _measure(p, s)
    return p


def _shape(p: Plan, b: int) -> None:
    """Offsets of block `b`'s nodes: a wrapped block zigzags over `wrap` sub-columns, each
    node a 1/wrap row below the one before (so edges from the left pass between)."""
    k = int(p.wrap[b])
    h = 0.0
    for _, members in p.segs[b]:
        for i, m in enumerate(members):
            p.off[m], p.sub[m] = i * DY / k, i % k
        if members:
            h = max(h, (len(members) - 1) * DY / k)
    p.height[b] = h


def gap(p: Plan, a: int, b: int) -> float:
    """From block a's bottom node to block b's top node when b sits under a."""
    return p.down[a] + GAP_Y + p.up[b]


def _measure(p: Plan, s: Slot) -> None:
    s.height = sum(p.height[b] for b in s.blocks) + sum(
        gap(p, a, b) for a, b in zip(s.blocks, s.blocks[1:]))
    s.width = DSUB * (max((p.wrap[b] for b in s.blocks), default=1) - 1)
    s.half = max((p.hw[b] for b in s.blocks), default=NODE_HW)
    for b in s.blocks:
        p.slots_of.setdefault(b, []).append(s)


def _extent(p: Plan) -> tuple[float, float]:
    """(width, height) of the picture before alignment, with room for feedback loops."""
    tall = max((s.height for s in p.slots), default=0.0) + LOOP_ROOM
    gaps = sum(_gap_x(a, b) for a, b in zip(p.slots, p.slots[1:]))
    return sum(s.width for s in p.slots) + gaps, tall


def _gap_x(a: Slot, b: Slot) -> float:
    """From slot a's last sub-column to slot b's first one (b right of a)."""
    if a.layer == b.layer:
        return a.half + FLOW_X + b.half
    room = BUNDLE_ROOM if max(a.half, b.half) > NODE_HW else 0.0
    return a.half + GAP_X + room + b.half


def _fit(p: Plan, aspect: float) -> float:
    """The scale Fit to View gives the picture in a canvas `aspect` wide and 1 tall."""
    wide, tall = _extent(p)
    return min(aspect / (wide + FIT_MARGIN), 1.0 / (tall + FIT_MARGIN))


def _split(p: Plan, i: int) -> Slot | None:
    """Flow slot `i` into two slots of about equal height (blocks keep their order); the
    slot it was, to undo it, or None when it cannot flow."""
    s = p.slots[i]
    if len(s.blocks) < 2 or p.multi[s.blocks].any():
        return None
    if p.shut[s.blocks].any() and _extent(p)[1] <= WRAP_ABOVE:
        return None  # edges into the right column would cross the blocks of the left one
    run, cut = 0.0, len(s.blocks) - 1
    for j, b in enumerate(s.blocks[:-1]):
        run += p.height[b] + gap(p, b, s.blocks[j + 1])
        if run >= s.height / 2:
            cut = j + 1
            break
    halves = [Slot(s.layer, s.blocks[:cut]), Slot(s.layer, s.blocks[cut:])]
    for b in s.blocks:
        p.slots_of[b] = []
    for half in halves:
        _measure(p, half)
    p.slots[i:i + 1] = halves
    return s


def _unsplit(p: Plan, i: int, s: Slot) -> None:
    p.slots[i:i + 2] = [s]
    for b in s.blocks:
        p.slots_of[b] = [s]


def _wrap_block(p: Plan, b: int, by: int) -> None:
    """Give block `b` `by` more sub-columns (or fewer, when negative)."""
    before = p.height[b]
    p.wrap[b] += by
    _shape(p, b)
    for s in p.slots_of[b]:
        s.height += p.height[b] - before
        s.width = DSUB * (max(p.wrap[c] for c in s.blocks) - 1)


def wrap(p: Plan, aspect: float) -> None:
    """While it makes Fit to View's scale larger: flow the tallest slot's blocks into two
    side-by-side slots (gate families then sit side by side, each cell on its own row: the
    textbook cell), or, while the picture is taller than the canvas shows readably, wrap the
    slot's tallest block into one more staggered sub-column."""
    size = {b: max((len(m) for _, m in segs), default=0) for b, segs in p.segs.items()}
    best = 0.0
    while True:
        now = _fit(p, aspect)
        best = max(best, now)
        i = max(range(len(p.slots)), key=lambda i: (p.slots[i].height, -i))
        was = _split(p, i)
        if was is not None:  # equal: another slot is as tall, it flows next; and a flowed
            if _fit(p, aspect) >= FLOW_SLACK * best:  # layer reads better: a little less is ok
                continue
            _unsplit(p, i, was)
        cands = [b for b in p.slots[i].blocks if p.wrap[b] < size[b]]
        if _extent(p)[1] <= WRAP_ABOVE or not cands:
            return
        b = max(cands, key=lambda b: (p.height[b], -b))
        _wrap_block(p, b, 1)
        if _fit(p, aspect) <= now:
            _wrap_block(p, b, -1)
            return


def _isotonic(target: list[float], weight: list[float]) -> list[float]:
    """Pool adjacent violators: the non-decreasing sequence nearest to `target`."""
    pools: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(target, weight):
        pools.append([t, w, 1])
        while len(pools) > 1 and pools[-2][0] > pools[-1][0]:
            v2, w2, c2 = pools.pop()
            v1, w1, c1 = pools.pop()
            pools.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for v, _, c in pools:
        out.extend([v] * c)
    return out


def _fit_slot(p: Plan, blocks: list[int], want, weight) -> list[float]:
    """Block tops nearest to `want`, in order, each a gap below the one above."""
    shift, c = [], 0.0
    for b, nxt in zip(blocks, blocks[1:] + [None]):
        shift.append(c)
        c += p.height[b] + (gap(p, b, nxt) if nxt is not None else 0.0)
    z = _isotonic([want[b] - s for b, s in zip(blocks, shift)], [weight[b] for b in blocks])
    return [zi + s for zi, s in zip(z, shift)]


def _below(p: Plan) -> list[tuple[int, int]]:
    """(a, b): block b sits under block a in some slot; in an order where every block comes
    after the blocks above it (blocks spanning layers keep one order, so there is one)."""
    pairs = sorted({(a, b) for s in p.slots for a, b in zip(s.blocks, s.blocks[1:])})
    indeg: dict = {}
    succ: dict = {}
    for a, b in pairs:
        succ.setdefault(a, []).append(b)
        indeg[b] = indeg.get(b, 0) + 1
    ready = sorted(a for a in succ if indeg.get(a, 0) == 0)
    out = []
    while ready:
        a = ready.pop()
        for b in succ.get(a, []):
            out.append((a, b))
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    return out if len(out) == len(pairs) else pairs


def _settle(p: Plan, top: np.ndarray, below: list[tuple[int, int]]) -> None:
    """Push blocks down until no two overlap in any slot."""
    for _ in range(len(p.slots) + 1):
        moved = False
        for a, b in below:
            low = top[a] + p.height[a] + gap(p, a, b)
            if top[b] < low - 1e-9:
                top[b], moved = low, True
        if not moved:
            return


def place(g: Graph, block: np.ndarray, p: Plan) -> np.ndarray:
    """Block tops: stacked and centred, then rounds of 'sit level with your neighbours'."""
    nb = len(p.wrap)
    top = np.full(nb, -np.inf)
    for s in p.slots:
        c = -s.height / 2.0
        for b, nxt in zip(s.blocks, s.blocks[1:] + [None]):
            top[b] = max(top[b], c)
            c += p.height[b] + (gap(p, b, nxt) if nxt is not None else 0.0)
    top[np.isinf(top)] = 0.0
    below = _below(p)
    _settle(p, top, below)
    n = len(block)
    members = np.maximum(np.bincount(block, minlength=nb), 1).astype(float)
    for _ in range(PLACE_ROUNDS):
        y = top[block] + p.off
        t1, c1 = bary(y, g.src, g.dst, n)
        t2, c2 = bary(y, g.dst, g.src, n)
        cnt = c1 + c2
        want_node = np.where(cnt > 0, (t1 + t2) / np.maximum(cnt, 1), y) - p.off
        want = np.bincount(block, weights=want_node, minlength=nb) / members
        acc, hits = np.zeros(nb), np.zeros(nb)
        for s in p.slots:
            for b, t in zip(s.blocks, _fit_slot(p, s.blocks, want, members)):
                acc[b] += t
                hits[b] += 1
        top = np.where(hits > 0, acc / np.maximum(hits, 1), top)
        _settle(p, top, below)
    return top


def xs(g: Graph, block: np.ndarray, p: Plan) -> np.ndarray:
    """Slot x: each slot as wide as its widest block, narrower blocks centred in it; slots
    of one layer FLOW_GAP apart, layers DX apart."""
    left, x = [], 0.0
    for i, s in enumerate(p.slots):
        if i:
            x += _gap_x(p.slots[i - 1], s)
        left.append(x)
        x += s.width
    slot_of = {(b, s.layer): i for i, s in enumerate(p.slots) for b in s.blocks}
    slot = np.array([slot_of[(int(b), int(L))] for b, L in zip(block, g.layer)], dtype=np.int64)
    width = np.array([s.width for s in p.slots])
    bw = DSUB * (p.wrap - 1)
    return np.array(left)[slot] + (width[slot] - bw[block]) / 2 + p.sub * DSUB
