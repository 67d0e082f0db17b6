"""Groups: named, disjoint sets of nodes (a layer, a gate family). No Qt.

A group has an id (the node-id rules), a label, its members in order and a collapsed flag. They
carry no meaning for the engine: they are how a network is drawn and read (a collapsed group is
one block on the canvas). `GroupsMixin` gives `Network` the group methods; the network keeps
`_groups` ({gid: {"label", "members", "collapsed"}}, in insertion order) and `_group_of`
({node: gid}).
"""

from __future__ import annotations

from typing import Any, Iterable

from . import events as ev
from .errors import NetworkError

MAX_LABEL = 200


def _group_record(label: str, members: list[str], collapsed: bool) -> dict[str, Any]:
    return {"label": label, "members": list(members), "collapsed": collapsed}


class GroupsMixin:
    """Group methods of `Network` (see the module docstring)."""

    _groups: dict[str, dict[str, Any]]
    _group_of: dict[str, str]

    # ------------------------------------------------------------------ read access
    @property
    def groups(self) -> dict[str, dict[str, Any]]:
        """{gid: {"label": str, "members": [ids], "collapsed": bool}}: a copy."""
        return {g: _group_record(r["label"], r["members"], r["collapsed"])
                for g, r in self._groups.items()}

    def group_of(self, node: str) -> str | None:
        """The id of the group `node` belongs to, or None."""
        return self._group_of.get(node)

    # ------------------------------------------------------------------ edits
    def add_group(self, gid: str | None, members: Iterable[str], label: str | None = None,
                  collapsed: bool = False, index: int | None = None) -> str:
        """A new group of `members` (none of them in another group); `index` is its place
        among the groups (default: last). Returns its id (a fresh one when `gid` is None)."""
        if gid is None:
            gid = self._new_group_id()
        self._check_group_id(gid)
        if gid in self._groups:
            raise NetworkError(f"group {gid}: a group with this id already exists")
        record = self._checked_group(gid, {"label": gid if label is None else label,
                                           "members": members, "collapsed": collapsed})
        items = list(self._groups.items())
        at = len(items) if index is None else max(0, min(int(index), len(items)))
        items.insert(at, (gid, record))
        self._groups = dict(items)
        for n in record["members"]:
            self._group_of[n] = gid
        self._emit_group(gid)
        return gid

    def remove_group(self, gid: str) -> None:
        """Remove the group (its nodes stay)."""
        self._require_group(gid)
        for n in self._groups.pop(gid)["members"]:
            del self._group_of[n]
        self._emit_group(gid, removed=True)

    def set_group_collapsed(self, gid: str, collapsed: bool) -> None:
        self.set_group_attrs(gid, collapsed=collapsed)

    def set_group_attrs(self, gid: str, **attrs) -> None:
        """Change a group's label, members or collapsed flag (all checked first)."""
        self._require_group(gid)
        unknown = set(attrs) - {"label", "members", "collapsed"}
        if unknown:
            raise NetworkError(f"group {gid}: unknown group attributes "
                               f"{', '.join(sorted(unknown))}")
        old = self._groups[gid]
        record = self._checked_group(gid, {**old, **attrs})
        if record == old:
            return
        for n in old["members"]:
            del self._group_of[n]
        for n in record["members"]:
            self._group_of[n] = gid
        self._groups[gid] = record
        self._emit_group(gid)

    def set_groups(self, groups: dict[str, dict[str, Any]]) -> None:
        """Replace every group at once ({gid: {"label", "members", "collapsed"}}, in order), as
        undo does; checked first, one event per group that changed."""
        checked: dict[str, dict[str, Any]] = {}
        owner: dict[str, str] = {}
        for gid, rec in groups.items():
            self._check_group_id(gid)
            record = self._checked_group(gid, rec, taken=owner)
            checked[gid] = record
            owner.update((n, gid) for n in record["members"])
        changed = [g for g in dict.fromkeys([*self._groups, *checked])
                   if self._groups.get(g) != checked.get(g)]
        reordered = list(self._groups) != [g for g in checked if g in self._groups] + \
            [g for g in self._groups if g not in checked]
        self._groups, self._group_of = checked, owner
        for gid in changed:
            self._emit_group(gid, removed=gid not in checked)
        if reordered and not changed:
            self._emit_group(None)

    # ------------------------------------------------------------------ node removal
    def _drop_from_group(self, node: str) -> None:
        """Called when a node goes: it leaves its group; an emptied group goes too."""
        self._drop_from_groups([node])

    def _drop_from_groups(self, nodes: list) -> None:
        """Called when nodes go: they leave their groups (one event per group that changed, in
        the order of `nodes`); an emptied group goes too."""
        gone = set(nodes)
        hit = dict.fromkeys(self._group_of.pop(n) for n in nodes if n in self._group_of)
        for gid in hit:
            members = [n for n in self._groups[gid]["members"] if n not in gone]
            if members:
                self._groups[gid]["members"] = members
                self._emit_group(gid)
            else:
                del self._groups[gid]
                self._emit_group(gid, removed=True)

    # ------------------------------------------------------------------ checks
    def _checked_group(self, gid: str, rec: dict, taken: dict | None = None) -> dict[str, Any]:
        """A clean group record from `rec`, or NetworkError naming the group and the fault.
        `taken`: {node: gid} of other groups (default: the network's current groups)."""
        if not isinstance(rec, dict):
            raise NetworkError(f"group {gid}: expected a mapping")
        label, members, collapsed = rec.get("label", gid), rec.get("members"), \
            rec.get("collapsed", False)
        if not isinstance(label, str) or len(label) > MAX_LABEL:
            raise NetworkError(f"group {gid}: label: expected text of at most {MAX_LABEL} "
                               "characters")
        if not isinstance(collapsed, bool):
            raise NetworkError(f"group {gid}: collapsed: expected true or false, "
                               f"got {collapsed!r}")
        if isinstance(members, (str, bytes)) or not isinstance(members, Iterable):
            raise NetworkError(f"group {gid}: members: expected a list of node ids")
        members = list(members)
        if not members:
            raise NetworkError(f"group {gid}: a group needs at least one member")
        taken = self._group_of if taken is None else taken
        seen: set[str] = set()
        for n in members:
            if not isinstance(n, str) or n not in self.graph:
                raise NetworkError(f"group {gid}: no node {n!r}")
            if n in seen:
                raise NetworkError(f"group {gid}: node {n} is listed twice", node=n)
            other = taken.get(n)
            if other is not None and other != gid:
                raise NetworkError(f"group {gid}: node {n} is already in group {other} "
                                   "(groups are disjoint)", node=n)
            seen.add(n)
        return _group_record(label, members, collapsed)

    def _check_group_id(self, gid: Any) -> None:
        try:
            self._check_new_id_format(gid)
        except NetworkError as exc:
            raise NetworkError(str(exc).replace("node id", "group id", 1)) from None

    def _require_group(self, gid: str) -> None:
        if not isinstance(gid, str) or gid not in self._groups:
            raise NetworkError(f"no group {gid!r}")

    def _new_group_id(self) -> str:
        k = 0
        while f"g{k}" in self._groups:
            k += 1
        return f"g{k}"

    def _validate_groups(self) -> None:
        """The whole-network check of the groups (part of `validate`)."""
        owner: dict[str, str] = {}
        for gid, rec in self._groups.items():
            self._check_group_id(gid)
            record = self._checked_group(gid, rec, taken=owner)
            owner.update((n, gid) for n in record["members"])
        if owner != self._group_of:
            raise NetworkError("groups: the membership index does not match the groups")

    def _emit_group(self, gid: str | None, removed: bool = False) -> None:
        rec = self._groups.get(gid) if gid is not None else None
        changed = {"removed": True} if removed else (dict(rec) if rec else {})
        self.events.emit(ev.Event(ev.GROUP_CHANGED, group=gid, changed=changed))
