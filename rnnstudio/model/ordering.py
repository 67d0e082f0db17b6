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

Everything here works on plain lists and tuples; `Network` supplies them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import defaultdict

SIFT_LIMIT = 400  # sift nodes one by one up to this many; adjacent swaps beyond


def count_backward(order: list[str], edges: list[tuple[str, str]]) -> int:
    """Edges (not self-loops) whose source comes after their target in `order`."""
    pos = {n: i for i, n in enumerate(order)}
    return sum(1 for u, v in edges if u != v and pos[u] > pos[v])


def eades_lin_smyth(nodes: list[str], weights: dict[tuple[str, str], float]) -> list[str]:
    """Greedy feedback-arc-set ordering of `nodes` for weighted edges (self-loops ignored)."""
    index = {n: i for i, n in enumerate(nodes)}
    succ: dict[str, dict[str, float]] = {n: {} for n in nodes}
    pred: dict[str, dict[str, float]] = {n: {} for n in nodes}
    for (u, v), w in weights.items():
        if u != v:
            succ[u][v] = w
            pred[v][u] = w
    outw = {n: sum(succ[n].values()) for n in nodes}
    inw = {n: sum(pred[n].values()) for n in nodes}
    remaining = set(nodes)
    front: list[str] = []
    back: list[str] = []
    sinks = [-index[n] for n in nodes if not succ[n]]  # latest first: ties keep creation order
    sources = [index[n] for n in nodes if succ[n] and not pred[n]]
    delta = [(-(outw[n] - inw[n]), index[n]) for n in nodes]
    heapq.heapify(sinks)
    heapq.heapify(sources)
    heapq.heapify(delta)

    def remove(n: str) -> None:
        remaining.discard(n)
        for v, w in succ[n].items():
            if v in remaining:
                del pred[v][n]
                inw[v] -= w
                heapq.heappush(delta, (-(outw[v] - inw[v]), index[v]))
                if not pred[v] and succ[v]:
                    heapq.heappush(sources, index[v])
        for u, w in pred[n].items():
            if u in remaining:
                del succ[u][n]
                outw[u] -= w
                heapq.heappush(delta, (-(outw[u] - inw[u]), index[u]))
                if not succ[u]:
                    heapq.heappush(sinks, -index[u])

    while remaining:
        moved = True
        while moved:
            moved = False
            while sinks:
                n = nodes[-heapq.heappop(sinks)]
                if n in remaining and not succ[n]:
                    back.append(n)
                    remove(n)
                    moved = True
            while sources:
                n = nodes[heapq.heappop(sources)]
                if n in remaining and not pred[n]:
                    front.append(n)
                    remove(n)
                    moved = True
                    break  # sinks may have appeared
        while delta:
            d, i = heapq.heappop(delta)
            n = nodes[i]
            if n in remaining and -d == outw[n] - inw[n]:
                front.append(n)
                remove(n)
                break
    return front + back[::-1]


def respect_forced(order: list[str], forced: list[tuple[str, str]]) -> list[str]:
    """A topological order of the forced edges that follows `order` wherever it can.

    The forced edges must be acyclic (the model refuses algebraic loops)."""
    if not forced:
        return list(order)
    rank = {n: i for i, n in enumerate(order)}
    succ = defaultdict(list)
    indeg = dict.fromkeys(order, 0)
    for u, v in forced:
        succ[u].append(v)
        indeg[v] += 1
    ready = [rank[n] for n in order if indeg[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        n = order[heapq.heappop(ready)]
        out.append(n)
        for v in succ[n]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(ready, rank[v])
    if len(out) != len(order):
        raise ValueError("forced (delay-0) edges form a cycle")
    return out


def _sift(order: list[str], edges: list[tuple[str, str]], forced: list[tuple[str, str]]) -> list[str]:
    """Move each node to the slot with the fewest backward edges, keeping forced edges forward."""
    preds, succs = defaultdict(list), defaultdict(list)
    fpreds, fsuccs = defaultdict(list), defaultdict(list)
    for u, v in edges:
        if u != v:
            succs[u].append(v)
            preds[v].append(u)
    for u, v in forced:
        fsuccs[u].append(v)
        fpreds[v].append(u)
    order = list(order)
    for _ in range(4):
        improved = False
        for n in list(order):
            i = order.index(n)
            rest = order[:i] + order[i + 1:]
            pos = {m: k for k, m in enumerate(rest)}
            # slot s puts n before rest[s]; cost(s) = preds at >= s + succs at < s
            p_pos = sorted(pos[u] for u in preds[n])
            s_pos = sorted(pos[v] for v in succs[n])
            lo = max((pos[u] + 1 for u in fpreds[n]), default=0)
            hi = min((pos[v] for v in fsuccs[n]), default=len(rest))

            def cost(s: int) -> int:
                return (len(p_pos) - bisect_left(p_pos, s)) + bisect_left(s_pos, s)

            best, best_cost = i, cost(i)
            candidates = {lo, hi} | {p + 1 for p in p_pos} | set(s_pos)
            for s in sorted(candidates):
                if lo <= s <= hi:
                    c = cost(s)
                    if c < best_cost:
                        best, best_cost = s, c
            if best != i:
                rest.insert(best, n)
                order = rest
                improved = True
        if not improved:
            break
    return order


def _adjacent_swaps(order: list[str], edges: list[tuple[str, str]], forced: list[tuple[str, str]]) -> list[str]:
    """Swap neighbours a, b when more edges run b -> a than a -> b (and no forced a -> b)."""
    w: dict[tuple[str, str], int] = defaultdict(int)
    for u, v in edges:
        if u != v:
            w[(u, v)] += 1
    fixed = set(forced)
    order = list(order)
    for _ in range(4):
        swapped = False
        for i in range(len(order) - 1):
            a, b = order[i], order[i + 1]
            if w.get((b, a), 0) > w.get((a, b), 0) and (a, b) not in fixed:
                order[i], order[i + 1] = b, a
                swapped = True
        if not swapped:
            break
    return order


def auto_order(nodes: list[str], edges: list[tuple[str, str]],
               forced: list[tuple[str, str]] = ()) -> list[str]:
    """An ordering of `nodes` with few backward `edges`, every `forced` edge forward.

    `nodes` come in creation order, which breaks ties. `edges` are the edges that become delayed
    when backward (auto delay); `forced` are explicit delay-0 edges (must stay forward)."""
    forced = [(u, v) for u, v in forced if u != v]
    heavy = len(edges) + 1  # one forced edge outweighs every free edge
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for u, v in edges:
        weights[(u, v)] += 1
    for u, v in forced:
        weights[(u, v)] += heavy
    greedy = respect_forced(eades_lin_smyth(nodes, weights), forced)
    improve = _sift if len(nodes) <= SIFT_LIMIT else _adjacent_swaps
    greedy = improve(greedy, edges, forced)
    creation = respect_forced(list(nodes), forced)
    if count_backward(creation, edges) < count_backward(greedy, edges):
        return creation
    return greedy
