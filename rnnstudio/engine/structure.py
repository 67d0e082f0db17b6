"""Where each neuron is computed: phases (hoisted or swept step by step) and levels.

For each time direction (reverse-time neurons first, then forward ones) the neurons split into:
- pre:  upstream of every cycle (or unrelated to any): computed for all steps at once, first;
- loop: in a cycle, or between two cycles: swept step by step;
- post: only downstream of cycles: computed for all steps at once, after the sweep.
Levels inside a sweep are the longest path over same-step (delay-0) edges; levels of a hoisted
phase are the longest path over all its edges (a hoisted phase has no cycle).
"""

from __future__ import annotations

from collections import deque

import networkx as nx


def split_phases(graph: nx.DiGraph, group: list[str]) -> tuple[list, list, list]:
    """(pre, loop, post) node lists of `group`, each in the order of `group`."""
    members = set(group)
    succ = {n: [v for v in graph.successors(n) if v in members] for n in group}
    pred = {n: [u for u in graph.predecessors(n) if u in members] for n in group}
    cyclic = _cyclic_nodes(group, succ)
    below = _reach(cyclic, succ)
    above = _reach(cyclic, pred)
    loop = [n for n in group if n in cyclic or (n in below and n in above)]
    post = [n for n in group if n in below and n not in above]
    pre = [n for n in group if n not in below and n not in cyclic]
    return pre, loop, post


def _cyclic_nodes(group: list[str], succ: dict) -> set[str]:
    h = nx.DiGraph()
    h.add_nodes_from(group)
    h.add_edges_from((u, v) for u in group for v in succ[u])
    cyclic = {n for n in group if n in succ[n]}
    for comp in nx.strongly_connected_components(h):
        if len(comp) > 1:
            cyclic |= comp
    return cyclic


def _reach(start: set[str], nbrs: dict) -> set[str]:
    """Nodes reachable from `start` in one or more steps along `nbrs`."""
    seen: set[str] = set()
    todo = deque(start)
    while todo:
        for v in nbrs[todo.popleft()]:
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


def levels(graph: nx.DiGraph, nodes: list[str], same_step_only: bool,
           delays: dict, key) -> list[list[str]]:
    """Topological generations of `nodes` over their edges (only delay-0 ones if
    `same_step_only`), each level sorted by `key`."""
    members = set(nodes)
    h = nx.DiGraph()
    h.add_nodes_from(nodes)
    for u in nodes:
        for v in graph.successors(u):
            if v in members and u != v and (not same_step_only or delays[(u, v)] == 0):
                h.add_edge(u, v)
    return [sorted(gen, key=key) for gen in nx.topological_generations(h)]
