"""Vertex orderings with few backward edges (a feedback-arc-set heuristic).

networkx has no feedback-arc-set function, so it lives here. The auto ordering is:

1. Eades–Lin–Smyth greedy (sinks to the back, sources to the front, otherwise the node with the
   largest out-weight minus in-weight), ties broken by creation order so the result is
   deterministic. On a DAG it yields a topological order, so no backward edge.
2. A repair that keeps every *forced* edge (an explicit delay-0 edge) forward: a topological sort
   of the forced edges that follows the greedy order wherever it is free to.
3. A local improvement pass: sifting (each node moved to its best slot) for small graphs, adjacent
   swaps for large ones; both never break a forced edge.
4. The better of that and the creation order (after the same repair), so it never does worse
   than ordering by creation.

Everything here works on plain lists and tuples; `Network` supplies them. Internally nodes are
numbered 0..n-1 in creation order (the `_`-functions), which keeps the large cases fast
(5,000 nodes and 50,000 edges in about a tenth of a second).

`network_ordering` and `resolve_delays` give a network's auto ordering and resolved delays from
plain copies of what they read, so an `OrderingJob` can compute them in a worker thread (a big
network's views ask for them a moment after each edit; 0.1-0.2 s at 50,000 edges). The result
depends on the node order and on the *sets* of edges only, never on the order edges come in.
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left
from typing import Any, Iterable

from ..collector import quiet_collector
from ..workers import Worker

WORKER = Worker("rnnstudio-ordering")  # runs every OrderingJob, one after another
SIFT_LIMIT = 400  # sift nodes one by one up to this many; adjacent swaps beyond
EXACT_LIMIT = 10  # up to this many nodes, an exact search (2^n subsets) checks the heuristic

Pairs = list[tuple[int, int]]


def count_backward(order: list[str], edges: Iterable[tuple[str, str]]) -> int:
    """Edges (not self-loops) whose source comes after their target in `order`."""
    pos = {n: i for i, n in enumerate(order)}
    return sum(1 for u, v in edges if u != v and pos[u] > pos[v])


def eades_lin_smyth(nodes: list[str], weights: dict[tuple[str, str], int]) -> list[str]:
    """Greedy feedback-arc-set ordering of `nodes` for integer-weighted edges (self-loops
    ignored); ties go to the node that comes first in `nodes`."""
    index = {name: i for i, name in enumerate(nodes)}
    int_weights = {(index[u], index[v]): w for (u, v), w in weights.items()}
    return [nodes[i] for i in _eades_lin_smyth(len(nodes), int_weights)]


def respect_forced(order: list[str], forced: list[tuple[str, str]]) -> list[str]:
    """A topological order of the forced edges that follows `order` wherever it can.

    The forced edges must be acyclic (the model refuses algebraic loops)."""
    index = {name: i for i, name in enumerate(order)}
    int_order = _respect_forced(list(range(len(order))), [(index[u], index[v]) for u, v in forced])
    return [order[i] for i in int_order]


def auto_order(nodes: list[str], edges: list[tuple[str, str]],
               forced: list[tuple[str, str]] = ()) -> list[str]:
    """An ordering of `nodes` with few backward `edges`, every `forced` edge forward.

    `nodes` come in creation order, which breaks ties. `edges` are distinct pairs that become
    delayed when backward (auto delay); `forced` are explicit delay-0 edges (must stay forward)."""
    n = len(nodes)
    index = {name: i for i, name in enumerate(nodes)}
    free = [(index[u], index[v]) for u, v in edges if u != v]
    fixed = [(index[u], index[v]) for u, v in forced if u != v]
    heavy = len(free) + 1  # one forced edge outweighs every free edge
    weights: dict[tuple[int, int], int] = dict.fromkeys(free, 1)
    for e in fixed:
        weights[e] = weights.get(e, 0) + heavy
    greedy = _respect_forced(_eades_lin_smyth(n, weights), fixed)
    improve = _sift if n <= SIFT_LIMIT else _adjacent_swaps
    greedy = improve(greedy, free, fixed)
    creation = _respect_forced(list(range(n)), fixed)
    if _count_backward(creation, free) < _count_backward(greedy, free):
        greedy = creation
    if n <= EXACT_LIMIT and _count_backward(greedy, free):
        exact = _fewest_backward(n, free, fixed)  # the heuristic can stop at a local best
        if _count_backward(exact, free) < _count_backward(greedy, free):
            greedy = exact
    return [nodes[i] for i in greedy]


Delays = Iterable[tuple[str, str, Any]]  # (source, target, delay setting: "auto" or an int)


def network_ordering(inputs: list[str], others: list[str], reverse: set[str],
                     edges: Delays) -> list[str]:
    """A network's auto ordering: its inputs (in input order), then its reverse-time neurons,
    then the other nodes (`others`: every non-input in the graph's order). "auto" edges become
    delayed when backward, explicit delay-0 edges stay forward; edges from inputs, self-loops
    and edges between a reverse and a forward neuron take no part."""
    inputs_set = set(inputs)
    if not reverse:  # the common case: one group, two passes over the edges in C loops
        edges = edges if isinstance(edges, list) else list(edges)
        free = [(u, v) for u, v, d in edges if type(d) is str and u != v and u not in inputs_set]
        forced = [(u, v) for u, v, d in edges
                  if d == 0 and type(d) is int and u != v and u not in inputs_set]
        return list(inputs) + auto_order([], [], []) + auto_order(list(others), free, forced)
    groups = {True: ([], [], []), False: ([], [], [])}  # members, free edges, forced edges
    for n in others:
        groups[n in reverse][0].append(n)
    for u, v, d in edges:
        if u == v or u in inputs_set:
            continue
        ru = u in reverse
        if reverse and (v in reverse) != ru:
            continue
        if type(d) is str:  # "auto"
            groups[ru][1].append((u, v))
        elif d == 0 and type(d) is int:
            groups[ru][2].append((u, v))
    result = list(inputs)
    for group in (True, False):
        result += auto_order(*groups[group])
    return result


def resolve_delays(order: list[str], inputs: list[str], reverse: set[str],
                   edges: Delays) -> dict[tuple[str, str], int]:
    """Each edge's resolved delay under `order`: an explicit one as it is; "auto" is 0 from an
    input or from a reverse-time neuron to a forward one, else 0 forward and 1 backward."""
    pos = {n: i for i, n in enumerate(order)}
    first = set(inputs) | reverse  # read at the same step by all
    out = {}
    for u, v, d in edges:
        if type(d) is not str:
            out[(u, v)] = d
        elif u in first and (u not in reverse or v not in reverse):
            out[(u, v)] = 0  # from an input, or from a reverse neuron to a forward one
        else:
            out[(u, v)] = 0 if pos[u] < pos[v] else 1
    return out


class OrderingJob:
    """A network's auto ordering and resolved delays computed in a worker thread from plain
    copies that `read()` makes there: (inputs, the other nodes, the reverse-time nodes, the
    edges with their delay settings), as `network_ordering` takes them. `key`: the network's
    state when the job was made, to adopt the result only then; the network changing while
    the worker reads it changes its key too, so a torn copy is never adopted (reading 50,000
    edges on the UI thread held it 15-60 ms after every edit at 5k/50k)."""

    def __init__(self, key: tuple, read):
        self.key = key
        self._read = read
        self.order: list[str] | None = None
        self.delays: dict | None = None
        self.error: Exception | None = None
        self._done = threading.Event()
        WORKER.submit(self._run)

    def _run(self) -> None:
        read, self._read = self._read, None
        try:
            with quiet_collector():  # its many short-lived objects would trigger a full
                # collection of the app (0.2-0.5 s, the UI thread held too): see collector.py
                inputs, others, reverse, edges = read()
                order = network_ordering(inputs, others, reverse, edges)
                self.delays = resolve_delays(order, inputs, reverse, edges)
                self.order = order
                del inputs, others, reverse, edges
        except Exception as exc:  # noqa: BLE001 - the network's own call raises it again
            self.error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        self._done.wait()


# ---------------------------------------------------------------------- on node numbers 0..n-1
def _count_backward(order: list[int], edges: Pairs) -> int:
    pos = [0] * len(order)
    for i, node in enumerate(order):
        pos[node] = i
    return len([1 for u, v in edges if pos[u] > pos[v]])


def _eades_lin_smyth(n: int, weights: dict[tuple[int, int], int]) -> list[int]:
    succ: list[dict[int, int]] = [{} for _ in range(n)]
    pred: list[dict[int, int]] = [{} for _ in range(n)]
    for (u, v), w in weights.items():
        if u != v:
            succ[u][v] = w
            pred[v][u] = w
    delta = [sum(succ[i].values()) - sum(pred[i].values()) for i in range(n)]
    alive = [True] * n
    front: list[int] = []
    back: list[int] = []
    sinks = [-i for i in range(n) if not succ[i]]  # latest first: ties keep creation order
    sources = [i for i in range(n) if succ[i] and not pred[i]]
    best = [i - delta[i] * n for i in range(n)]  # (-delta, node) packed in one int: fast heap
    for heap in (sinks, sources, best):
        heapq.heapify(heap)
    push, pop = heapq.heappush, heapq.heappop

    def remove(i: int) -> None:
        # The neighbours left in succ[i] and pred[i] are alive (a removed node leaves its
        # neighbours' dicts). `best` holds for every node still in play an entry at least as
        # good as its delta: a gain is pushed at once, a loss when its old entry comes up (it
        # is pushed back then with its delta). A node that becomes a source or a sink is taken
        # as one before the next pick from `best`: it needs no entry there.
        alive[i] = False
        for v, w in succ[i].items():
            pv = pred[v]
            del pv[i]
            delta[v] += w
            if pv:
                push(best, v - delta[v] * n)
            elif succ[v]:
                push(sources, v)
        for u, w in pred[i].items():
            su = succ[u]
            del su[i]
            delta[u] -= w
            if not su:
                push(sinks, -u)

    def take(i: int, to: list[int]) -> None:
        to.append(i)
        remove(i)

    while len(front) + len(back) < n:
        moved = True
        while moved:
            moved = False
            while sinks:
                i = -pop(sinks)
                if alive[i] and not succ[i]:
                    take(i, back)
                    moved = True
            while sources:
                i = pop(sources)
                if alive[i] and not pred[i]:
                    take(i, front)
                    moved = True
                    break  # sinks may have appeared
        while best:
            key = pop(best)
            i = key % n
            if not alive[i]:
                continue
            if -(key // n) == delta[i]:  # the best node (every other one's entry is as good
                take(i, front)  # as its delta or better, and comes later)
                break
            if -(key // n) > delta[i]:  # it lost since: back in with what it is worth now
                push(best, i - delta[i] * n)
    return front + back[::-1]


def _respect_forced(order: list[int], forced: Pairs) -> list[int]:
    if not forced:
        return list(order)
    rank = [0] * len(order)
    for i, node in enumerate(order):
        rank[node] = i
    succ: dict[int, list[int]] = {}
    indeg = [0] * len(order)
    for u, v in forced:
        succ.setdefault(u, []).append(v)
        indeg[v] += 1
    ready = [rank[n] for n in order if indeg[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        node = order[heapq.heappop(ready)]
        out.append(node)
        for v in succ.get(node, ()):
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(ready, rank[v])
    if len(out) != len(order):
        raise ValueError("forced (delay-0) edges form a cycle")
    return out


def _fewest_backward(n: int, edges: Pairs, forced: Pairs) -> list[int]:
    """An order with the fewest backward `edges` and every `forced` edge forward, by dynamic
    programming over the sets of nodes already placed (2^n states: small n only). Placing v
    after the set S makes v's edges into S backward."""
    into = [0] * n    # bit u set: an edge v -> u (backward if u is placed before v)
    needs = [0] * n   # bit u set: a forced edge u -> v (u must be placed before v)
    for u, v in edges:
        into[u] |= 1 << v
    for u, v in forced:
        needs[v] |= 1 << u
    full = (1 << n) - 1
    cost = [n * n + 1] * (full + 1)
    last = [-1] * (full + 1)
    cost[0] = 0
    for placed in range(full + 1):
        c = cost[placed]
        if c > n * n:
            continue
        for v in range(n):
            bit = 1 << v
            if placed & bit or needs[v] & ~placed:
                continue
            nxt, nc = placed | bit, c + (into[v] & placed).bit_count()
            if nc < cost[nxt]:
                cost[nxt], last[nxt] = nc, v
    order, placed = [], full
    while placed:
        order.append(last[placed])
        placed &= ~(1 << last[placed])
    return order[::-1]


def _sift(order: list[int], edges: Pairs, forced: Pairs) -> list[int]:
    """Move each node to the slot with the fewest backward edges, keeping forced edges forward."""
    n = len(order)
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    fpreds: list[list[int]] = [[] for _ in range(n)]
    fsuccs: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succs[u].append(v)
        preds[v].append(u)
    for u, v in forced:
        fsuccs[u].append(v)
        fpreds[v].append(u)
    order = list(order)
    for _ in range(4):
        improved = False
        for node in list(order):
            i = order.index(node)
            rest = order[:i] + order[i + 1:]
            best = _best_slot(i, rest, preds[node], succs[node], fpreds[node], fsuccs[node])
            if best != i:
                rest.insert(best, node)
                order = rest
                improved = True
        if not improved:
            break
    return order


def _best_slot(i: int, rest: list[int], preds: list[int], succs: list[int],
               fpreds: list[int], fsuccs: list[int]) -> int:
    """The slot in `rest` (slot s: before rest[s]) with the fewest backward edges; `i` on ties."""
    pos = {m: k for k, m in enumerate(rest)}
    # cost(s) = preds at >= s + succs at < s
    p_pos = sorted(pos[u] for u in preds)
    s_pos = sorted(pos[v] for v in succs)
    lo = max((pos[u] + 1 for u in fpreds), default=0)
    hi = min((pos[v] for v in fsuccs), default=len(rest))

    def cost(s: int) -> int:
        return (len(p_pos) - bisect_left(p_pos, s)) + bisect_left(s_pos, s)

    best, best_cost = i, cost(i)
    candidates = {lo, hi} | {p + 1 for p in p_pos} | set(s_pos)
    for s in sorted(candidates):
        if lo <= s <= hi:
            c = cost(s)
            if c < best_cost:
                best, best_cost = s, c
    return best


def _adjacent_swaps(order: list[int], edges: Pairs, forced: Pairs) -> list[int]:
    """Swap neighbours a, b when an edge runs b -> a and none a -> b (and no forced a -> b)."""
    n = len(order)
    edge_keys = {u * n + v for u, v in edges}
    fixed = {u * n + v for u, v in forced}
    order = list(order)
    for _ in range(4):
        swapped = False
        for i in range(n - 1):
            a, b = order[i], order[i + 1]
            if b * n + a in edge_keys and a * n + b not in edge_keys and a * n + b not in fixed:
                order[i], order[i + 1] = b, a
                swapped = True
        if not swapped:
            break
    return order
