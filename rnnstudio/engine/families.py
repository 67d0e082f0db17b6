"""Families: neurons that play the same part, and where each sits inside its family.

Whatever drew the network (a template, a user, a file), neurons of one level that have the same
kind of wiring form a family: the i gates of an LSTM, its cells, a layer of an Elman net. They
are found by colour refinement (1-dimensional Weisfeiler-Lehman): start from (phase, level,
aggregate, activation) and split a colour while its members differ in the colours, delays and
trainability of their in- and out-edges, until nothing splits. A random graph ends with one
neuron per family; a layer of cells ends with one family per role.

Two families of the same size wired one-to-one (every member of each has exactly one edge to or
from the other, at one delay) are "aligned": positions inside families are propagated along such
wiring, so the j-th i gate, the j-th g gate and the j-th product i*g get the same position. The
compiler lays each family out by position, which makes one-to-one wiring and the factors of
products column ranges (views) instead of gathers.

Families are only hints for the layout: every block the compiler builds is checked against the
edges themselves, so a wrong guess costs speed, never correctness.
"""

from __future__ import annotations

from collections import deque

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SALT = np.uint64(0x9E3779B97F4A7C15)
MAX_ROUNDS = 6


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each entry."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def edge_keys(shift: np.ndarray, trainable: np.ndarray) -> np.ndarray:
    """What an edge contributes to a colour besides its ends: its time shift and trainability."""
    return ((shift.astype(np.int64) + (1 << 20)) * 2 + trainable).astype(np.uint64)


def colours(base: np.ndarray, eu: np.ndarray, ev: np.ndarray, ekey: np.ndarray) -> np.ndarray:
    """Colour refinement from `base` (one int per node) over the edges eu -> ev: a colour id
    per node (0 .. colours - 1)."""
    n = len(base)
    colour = np.unique(base, return_inverse=True)[1].reshape(-1)
    count = int(colour.max()) + 1 if n else 0
    with np.errstate(over="ignore"):
        for _ in range(MAX_ROUNDS):
            if count == n:
                break
            c = colour.astype(np.uint64)
            sig_in = np.zeros(n, dtype=np.uint64)
            np.add.at(sig_in, ev, _mix(c[eu] * _SALT + ekey))
            sig_out = np.zeros(n, dtype=np.uint64)
            np.add.at(sig_out, eu, _mix((c[ev] * _SALT + ekey) ^ _SALT))
            h = _mix(_mix(_mix(c + _SALT) ^ sig_in) + sig_out)
            new = np.unique(h, return_inverse=True)[1].reshape(-1)
            new_count = int(new.max()) + 1
            if new_count <= count:
                break
            colour, count = new, new_count
    return colour


def bijections(fam: np.ndarray, eu: np.ndarray, ev: np.ndarray, shift: np.ndarray,
               eids: np.ndarray) -> list[tuple[int, int, int, np.ndarray]]:
    """Among the edges `eids`: every (target family, source family, shift) whose edges wire the
    two families (same size, at least 2) one-to-one. Returns [(target family, source family,
    shift, edge ids sorted by target)]."""
    size = np.bincount(fam, minlength=1)
    ft, fs = fam[ev[eids]], fam[eu[eids]]
    eids = eids[(size[ft] >= 2) & (size[ft] == size[fs])]
    if not len(eids):
        return []
    t, s, sh = ev[eids], eu[eids], shift[eids]
    ft, fs = fam[t], fam[s]
    order = np.lexsort((t, sh, fs, ft))
    eids, t, s, sh, ft, fs = (a[order] for a in (eids, t, s, sh, ft, fs))
    new = np.ones(len(eids), dtype=bool)
    new[1:] = (ft[1:] != ft[:-1]) | (fs[1:] != fs[:-1]) | (sh[1:] != sh[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(eids))
    out = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        if b - a != size[ft[a]] or (b - a > 1 and not (np.diff(t[a:b]) > 0).all()):
            continue
        if len(np.unique(s[a:b])) != b - a:
            continue
        out.append((int(ft[a]), int(fs[a]), int(sh[a]), eids[a:b]))
    return out


def positions(fam: np.ndarray, rank: np.ndarray, eu: np.ndarray, ev: np.ndarray,
              relations: list) -> np.ndarray:
    """Each node's position inside its family: families are taken in the order of their first
    member (by `rank`, the ordering); an unplaced family's members are numbered by rank, then
    the positions spread along one-to-one `relations` (from `bijections`) to the families wired
    to it, breadth first. A family reached twice keeps its first numbering."""
    n = len(fam)
    size = np.bincount(fam, minlength=1)
    pos = np.where(size[fam] == 1, 0, -1).astype(np.intp)    # a lone neuron is at 0
    big = np.flatnonzero(size >= 2)
    if not len(big):
        return pos
    members = dict(zip(big.tolist(), _members(fam, size[fam] >= 2)))
    touching: dict[int, list] = {}
    for rel in relations:
        ft, fs = rel[0], rel[1]
        if ft != fs:
            touching.setdefault(ft, []).append(rel)
            touching.setdefault(fs, []).append(rel)
    first = {f: int(rank[m].min()) for f, m in members.items()}
    for f in sorted(members, key=first.__getitem__):
        m = members[f]
        if pos[m[0]] >= 0:
            continue
        pos[m[np.argsort(rank[m], kind="stable")]] = np.arange(len(m))
        _spread(f, pos, touching, eu, ev)
    return pos


def _spread(root: int, pos: np.ndarray, touching: dict, eu: np.ndarray, ev: np.ndarray) -> None:
    queue = deque([root])
    while queue:
        f = queue.popleft()
        for ft, fs, _, e in touching.get(f, ()):
            placed, other = (ev[e], eu[e]) if f == ft else (eu[e], ev[e])
            if pos[other[0]] < 0:
                pos[other] = pos[placed]
                queue.append(fs if f == ft else ft)


def _members(fam: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    """Node numbers of each family with a member in `keep`, families in increasing order."""
    nodes = np.flatnonzero(keep)
    nodes = nodes[np.argsort(fam[nodes], kind="stable")]
    cuts = np.flatnonzero(np.diff(fam[nodes])) + 1
    return np.split(nodes, cuts)
