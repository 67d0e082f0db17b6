"""Where the nodes go when groups collapse or expand. No Qt.

A picture that is arranged (as Arrange, the templates and the examples leave it, up to a shift)
is arranged again for the new state: the collapsed LSTM reads as the cell diagram and the
expanded one by cell rows, and no one picture can be both. The toggled group stays where it
was on the screen (the new arrangement is shifted so), so the eye does not lose it.

A picture placed by hand keeps its places: an expanding group's members spread around the
block's centre (as Arrange would lay them out, when they were packed into the block) and a
collapsing group's block stands at its members' centre; whatever the new frame or block would
cover moves out of the way by *space insertion* (everything right of the group's centre moves
right by the same amount, everything left moves left, likewise up and down), which keeps every
other pair of things as far apart as before, so nothing new overlaps.
"""

from __future__ import annotations

import math

from .blocks import group_block_size

NODE_REACH = (36.0, 42.0, 40.0)  # a node's reach from its centre (frame included): side, up, down
ROOM = 24.0  # between a group's new footprint and what is moved out of its way
MIN_GAP = 60.0  # members closer than this were packed into a block: lay them out
TOL = 0.06  # positions are rounded to a tenth of a unit


def collapsed_groups(net) -> set[str]:
    return {g for g, r in net.groups.items() if r["collapsed"]}


def positions(net, collapsed: set[str], aspect: float, arrange) -> dict:
    """{node: (x, y)} for every node once exactly the groups `collapsed` are collapsed.
    `arrange(net, aspect, collapsed)` is the layout (`rnnstudio.layout.arrange`)."""
    now = collapsed_groups(net)
    pos = {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}
    toggled = [g for g in net.groups if (g in now) != (g in collapsed)]
    if not toggled:
        return pos
    new = _new_positions(net, pos, now, collapsed, toggled, aspect, arrange)
    if net.ordering_mode == "position" and _position_order(net, new) != _position_order(
            net, pos):  # places are the ordering: moving would change what the net computes
        return pos
    return new


def _position_order(net, pos: dict) -> list[str]:
    kinds = net.graph.nodes
    return sorted((n for n in pos if kinds[n]["kind"] != "input"),
                  key=lambda n: (pos[n][0], pos[n][1], n))


def _new_positions(net, pos, now, collapsed, toggled, aspect, arrange) -> dict:
    anchor = _centre(pos, net.groups[toggled[0]]["members"])
    for a in dict.fromkeys([aspect, _default_aspect()]):
        if _same_shape(pos, arrange(net, a, now)):
            new = arrange(net, a, collapsed)
            there = _centre(new, net.groups[toggled[0]]["members"])
            dx, dy = anchor[0] - there[0], anchor[1] - there[1]
            return {n: (_snap(x + dx), _snap(y + dy)) for n, (x, y) in new.items()}
    return _make_room(net, pos, now, collapsed, toggled, lambda: arrange(net, aspect, collapsed))


def _default_aspect() -> float:
    from .place import ASPECT
    return ASPECT


def _centre(pos: dict, members) -> tuple[float, float]:
    xs = [pos[m][0] for m in members]
    ys = [pos[m][1] for m in members]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def _snap(v: float) -> float:
    return float(round(v, 1)) + 0.0


def _same_shape(a: dict, b: dict) -> bool:
    """Are the two pictures the same up to a shift?"""
    if a.keys() != b.keys() or not a:
        return False
    first = next(iter(a))
    dx, dy = a[first][0] - b[first][0], a[first][1] - b[first][1]
    return all(abs(a[n][0] - b[n][0] - dx) < TOL and abs(a[n][1] - b[n][1] - dy) < TOL
               for n in a)


# ---------------------------------------------------------------- placed by hand
def _make_room(net, pos: dict, now: set, collapsed: set, toggled: list, arranged) -> dict:
    pos = dict(pos)
    groups = net.groups
    state = set(now)
    laid_out = None
    for gid in toggled:
        members = groups[gid]["members"]
        if gid in collapsed:
            state.add(gid)
        else:
            state.discard(gid)
            if _closest(pos, members) < MIN_GAP:  # packed into its block: spread them
                laid_out = laid_out or arranged()
                c, there = _centre(pos, members), _centre(laid_out, members)
                for m in members:
                    pos[m] = (_snap(laid_out[m][0] - there[0] + c[0]),
                              _snap(laid_out[m][1] - there[1] + c[1]))
        _clear(net, pos, state, gid)
    return pos


def _closest(pos: dict, members) -> float:
    pts = sorted(pos[m] for m in members)
    best = math.inf
    for i, (x, y) in enumerate(pts):
        for x2, y2 in pts[i + 1:]:
            if x2 - x >= best:
                break
            best = min(best, math.hypot(x2 - x, y2 - y))
    return best


def _units(net, pos: dict, state: set) -> list[tuple[list[str], tuple]]:
    """What is drawn: a collapsed group's block or a node, as (its nodes, its rectangle)."""
    groups = net.groups
    out, seen = [], set()
    for gid in state:
        ms = groups[gid]["members"]
        seen.update(ms)
        w, h = group_block_size(net, groups[gid])
        cx, cy = _centre(pos, ms)
        out.append((ms, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    for n, (x, y) in pos.items():
        if n not in seen:
            out.append(([n], _node_rect(x, y)))
    return out


def _node_rect(x: float, y: float) -> tuple:
    side, up, down = NODE_REACH
    return (x - side, y - up, x + side, y + down)


def _footprint(net, pos: dict, state: set, gid: str) -> tuple:
    members = net.groups[gid]["members"]
    if gid in state:
        w, h = group_block_size(net, net.groups[gid])
        cx, cy = _centre(pos, members)
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    rects = [_node_rect(*pos[m]) for m in members]
    return (min(r[0] for r in rects), min(r[1] for r in rects),
            max(r[2] for r in rects), max(r[3] for r in rects))


def _clear(net, pos: dict, state: set, gid: str) -> None:
    """Move what the group's footprint would cover out of its way (space insertion around the
    group's centre, as little as will do)."""
    members = set(net.groups[gid]["members"])
    fx0, fy0, fx1, fy1 = _footprint(net, pos, state, gid)
    cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
    needs = []
    others = [(ms, r) for ms, r in _units(net, pos, state) if not members.intersection(ms)]
    for ms, (x0, y0, x1, y1) in others:
        if x1 + ROOM <= fx0 or x0 - ROOM >= fx1 or y1 + ROOM <= fy0 or y0 - ROOM >= fy1:
            continue
        ux, uy = (x0 + x1) / 2, (y0 + y1) / 2
        nx = fx1 + ROOM - x0 if ux >= cx else x1 - (fx0 - ROOM)  # ties go right, down
        ny = fy1 + ROOM - y0 if uy >= cy else y1 - (fy0 - ROOM)
        needs.append((nx, ny))
    if not needs:
        return
    dx, dy = _least_shift(needs)
    for ms, (x0, y0, x1, y1) in others:
        ux, uy = (x0 + x1) / 2, (y0 + y1) / 2
        sx = dx if ux >= cx else -dx
        sy = dy if uy >= cy else -dy
        if sx or sy:
            for m in ms:
                pos[m] = (_snap(pos[m][0] + sx), _snap(pos[m][1] + sy))


def _least_shift(needs: list[tuple[float, float]]) -> tuple[float, float]:
    """(dx, dy) of least dx + dy such that each need (nx, ny) has nx <= dx or ny <= dy."""
    best = (0.0, max(ny for _, ny in needs))
    for dx in sorted({nx for nx, _ in needs}):
        dy = max((ny for nx, ny in needs if nx > dx), default=0.0)
        if dx + dy < best[0] + best[1]:
            best = (dx, dy)
    return best
