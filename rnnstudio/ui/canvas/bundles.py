"""Collapsed groups as the canvas and the unrolled view draw them. No Qt.

A collapsed group is one block; every edge with an end inside one is drawn as part of a bundle:
one arrow per (source end, target end, delayed or not), where an end is a collapsed group or a
single node. Bundles are computed from the model each time they are needed, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...layout.blocks import member_summary

End = tuple[str, str]  # ("group", gid) or ("node", id)


def delay_tag(d: int, later: bool | None = False) -> str:
    """z⁻¹, z⁻², ... for a delay of d steps; z⁺¹, ... when the target runs in reverse time
    (it reads d steps *later*); z⁻¹/⁺¹ for a bundle into both kinds (later None)."""
    power = str(d).translate(_SUPERSCRIPT)
    if later is None:
        return f"z⁻{power}/⁺{power}"
    return ("z⁺" if later else "z⁻") + power


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def collapsed_of(net) -> dict[str, str]:
    """{node: gid} for the members of collapsed groups."""
    return {n: gid for gid, rec in net.groups.items() if rec["collapsed"]
            for n in rec["members"]}


def end_of(node: str, hidden: dict[str, str]) -> End:
    gid = hidden.get(node)
    return ("node", node) if gid is None else ("group", gid)


@dataclass
class Bundle:
    """Edges drawn as one arrow: their sources and targets (in edge order), their count, how
    many weigh >= 0, and the longest delay among them."""
    source: End
    target: End
    delayed: bool
    sources: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    positive: int = 0
    delay: int = 0
    later: bool | None = False  # targets in reverse time: True all, False none, None some
    shortest: int = 0  # the shortest delay among them (taps of a window: 1 to 3)

    @property
    def shape(self) -> tuple[int, int]:
        """The weight matrix's shape: (targets, sources), as W in y = W x."""
        return len(self.targets), len(self.sources)

    @property
    def label(self) -> str:
        rows, cols = self.shape
        return f"W {rows}×{cols}"

    @property
    def tag(self) -> str:
        """z⁻ᵈ (z⁺ᵈ into reverse-time neurons, which read later steps); z⁻¹…z⁻³ for edges of
        several delays."""
        tag = delay_tag(self.delay, self.later)
        if 0 < self.shortest < self.delay:
            tag = f"{delay_tag(self.shortest, self.later)}…{tag}"
        return tag

    @property
    def sign(self) -> bool | None:
        """True: every weight >= 0, False: every weight < 0, None: mixed."""
        if self.positive == len(self.edges):
            return True
        return False if self.positive == 0 else None


def bundles(net, hidden: dict[str, str], delays: dict) -> dict:
    """The bundles of the edges with an end in a collapsed group (`hidden`, from
    `collapsed_of`), in edge order: {(source end, target end, delayed): Bundle}. A self-loop
    counts as delayed (it reads the previous step), as on the canvas."""
    if not hidden:
        return {}
    ends = {gid: ("group", gid) for gid in set(hidden.values())}
    buckets: dict = {}
    for u, v, w in net.graph.edges(data="weight"):
        hu, hv = hidden.get(u), hidden.get(v)
        if hu is None and hv is None:
            continue
        d = delays.get((u, v), 0)
        key = (("node", u) if hu is None else ends[hu], ("node", v) if hv is None else ends[hv],
               d >= 1 or u == v)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = []
        bucket.append((u, v, w, d))
    out = {}
    nodes = net.graph.nodes
    for (a, b, delayed), edges in buckets.items():
        targets = dict.fromkeys(e[1] for e in edges)
        reverse = {nodes[v].get("direction") == "reverse" for v in targets}
        out[(a, b, delayed)] = Bundle(
            a, b, delayed, dict.fromkeys(e[0] for e in edges), targets,
            [(e[0], e[1]) for e in edges], sum(e[2] >= 0 for e in edges),
            max(e[3] for e in edges), reverse.pop() if len(reverse) == 1 else None,
            min(e[3] for e in edges))
    return out


def caption(label: str, net, members: list[str]) -> str:
    """A block's caption: its label, size and what its members compute, e.g.
    "hidden · 16 × tanh" (inputs: "inputs · 2 inputs"; mixed activations: "mixed")."""
    return f"{label} · {member_summary(net, members)}"
