"""Undo commands. Each only calls model methods; the model validates.

Commands are applied once *before* they are pushed (`push`): if the model refuses the edit
(NetworkError), the command rolls back whatever it had already done and is never pushed, so
nothing is half-applied and the undo stack only holds edits that happened.
"""

from __future__ import annotations

import copy
import weakref
from collections import deque

from PySide6.QtGui import QUndoCommand

from ..model import NetworkError
from ..model.columns import EdgeColumns
from ..collector import freeze_bulk, freeze_young, quiet_collector


KEEP_RESOLVED = 4  # the last commands that keep the ordering and delays around them (see
# ModelCommand._remember: two copies of 50,000 delays are 5 MB a command at 5k/50k)
_keeping: deque = deque()  # weak references to those commands, oldest first (a command
# the stack dropped goes, with the network it edits)


def push(stack, command: "ModelCommand") -> None:
    """Apply `command` now (raising NetworkError with the model unchanged), then record it."""
    command.apply()
    command.skip_next_redo = True
    stack.push(command)


def _io_state(net) -> tuple:
    """What every command puts back on undo besides what its steps undo: the order of inputs,
    outputs and groups, the ordering mode and manual order, and where fresh ids continue."""
    return (net.inputs, net.outputs, net.ordering_mode, net.manual_order, net.groups,
            net.id_state())


def _restore_io_state(net, state: tuple) -> None:
    inputs, outputs, mode, manual, groups, ids = state
    if list(net.groups.items()) != list(groups.items()):
        net.set_groups(groups)  # after the nodes are back: a removed node's group membership
    if (net.inputs, net.outputs) != (inputs, outputs):
        net.set_io_order(inputs, outputs)
    if mode == "manual":
        if net.ordering_mode != "manual" or net.manual_order != manual:
            net.set_ordering(inputs + manual)
    elif net.ordering_mode != mode:
        net.set_ordering_mode(mode)
    net.set_id_state(ids)


class ModelCommand(QUndoCommand):
    """Base: subclasses implement `_steps()` -> list of (do, undo) callables, built lazily.

    Steps run inside `net.deferred_checks()`: the ordering rule for explicit delay-0 edges is
    checked once the whole command is done (undo puts back nodes, then the manual order, then
    edges; a move of many nodes may pass through states that break it). The cyclic garbage
    collector waits meanwhile (`quiet_collector`: a paste's undo set off a full collection)."""

    def __init__(self, net, text: str):
        super().__init__(text)
        self.net = net
        self.skip_next_redo = False
        self._before = None
        self._resolved: dict = {}  # "before" / "after": the network's (ordering, delays)

    keeps_resolved = False  # see _remember: always, not only for the last few commands
    applied_live = False  # the model already holds the edit when the command is made (a drag)

    def _remember(self, when: str) -> None:
        """Note the ordering and delays of the network as it is now (if known), `when` =
        "before" this command or "after" it. The state before and after a command is always
        exactly the same (what undo and redo promise), so on undo and redo they are taken back
        instead of computed again (a big network's ordering takes 0.2-0.3 s of a worker
        thread after every edit, which the UI thread shares the interpreter with; 0.3 s at
        10,000 nodes / 100,000 edges for a paste's redo). Commands marked `keeps_resolved`
        (big bulk edits) always keep them; the others only while among the last
        KEEP_RESOLVED commands that kept them (what the next undos and redos need)."""
        known = self.net.resolved()
        if known is None or (when == "before" and self.applied_live):
            return
        self._resolved[when] = known
        if not self.keeps_resolved:
            _keep(self)

    def _recall(self, when: str) -> None:
        if when in self._resolved:
            self.net.take_resolved(self._resolved[when])

    def _steps(self) -> list:
        raise NotImplementedError

    def apply(self) -> None:
        """Do every step; on NetworkError undo the steps already done and re-raise."""
        net = self.net
        self._before = _io_state(net)
        self._remember("before")
        done = []
        with quiet_collector(), net.batch():
            try:
                with net.deferred_checks():
                    for do, undo in self._steps():
                        do()
                        done.append(undo)
                self._recall("after")  # inside the batch: before ORDERING_CHANGED is said
            except NetworkError:
                with net.deferred_checks():
                    for undo in reversed(done):
                        undo()
                    _restore_io_state(net, self._before)
                raise
            self._freeze()

    def revert(self) -> None:
        net = self.net
        self._remember("after")
        with quiet_collector(), net.batch():
            with net.deferred_checks():
                for _, undo in reversed(self._steps()):
                    undo()
                _restore_io_state(net, self._before)
            self._recall("before")
            self._freeze()
        self.applied_live = False  # undone: a redo starts from the state before it
        net.release_ids(self.added_ids())  # the next new node gets the id this one had

    def added_ids(self) -> list[str]:
        """Ids of the nodes this command adds."""
        return []

    def bulk(self) -> int:
        """How many nodes and edges this command adds or removes at once (0: not a bulk
        edit)."""
        return 0

    def _freeze(self) -> None:
        """What a bulk edit of a big network made is frozen (collector.freeze_bulk), what any
        edit made while a big network is open too (collector.freeze_young)."""
        bulk = self.bulk()
        if bulk:
            freeze_bulk(bulk, len(self.net) + self.net.edge_count())
        freeze_young()

    def redo(self) -> None:
        if self.skip_next_redo:
            self.skip_next_redo = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()


def _keep(command: ModelCommand) -> None:
    """`command` keeps a resolved state: the oldest beyond the last KEEP_RESOLVED let theirs go
    (an undo or redo of it then computes the ordering again)."""
    for ref in [r for r in _keeping if r() is None or r() is command]:
        _keeping.remove(ref)
    _keeping.append(weakref.ref(command))
    while len(_keeping) > KEEP_RESOLVED:
        oldest = _keeping.popleft()()
        if oldest is not None:
            oldest._resolved.clear()


class AddSubnetCommand(ModelCommand):
    """Add nodes [(id, kind, attrs)], edges [(u, v, attrs)] (or `EdgeColumns`: a paste's) and
    groups [(gid, label, members, collapsed)]: a palette drop, a pasted or inserted
    sub-network, a new layer, the edges of "connect". The records are the command's from then
    on (its callers make them for it and never change them; the model copies what it keeps):
    a paste's 55,000 are not copied."""

    keeps_resolved = True

    def __init__(self, net, nodes=(), edges=(), text: str = "Add", groups=()):
        super().__init__(net, text)
        self.nodes = list(nodes)
        self.edges = edges if isinstance(edges, EdgeColumns) else list(edges)
        self.groups = [(g, label, list(members), collapsed)
                       for g, label, members, collapsed in groups]

    def added_ids(self) -> list[str]:
        return [n for n, _, _ in self.nodes]

    def bulk(self) -> int:
        return len(self.nodes) + len(self.edges)

    def _steps(self) -> list:
        """Bulk model operations: pasting 5,000 nodes is one add_nodes and one add_edges (and
        its undo one remove_edges and one remove_nodes), not 55,000 single edits."""
        net = self.net  # (the undo's lists are made when it runs, not at every apply)
        steps = [(lambda: net.add_nodes(self.nodes),
                  lambda: net.remove_nodes([n for n, _, _ in self.nodes])),
                 (self._add_edges, lambda: net.remove_edges(self._edge_keys()))]
        steps += [(lambda g=g, l=l, m=m, c=c: net.add_group(g, m, label=l, collapsed=c),
                   lambda: None)  # undo: removing the nodes removes their groups
                  for g, l, m, c in self.groups]
        return steps

    def _add_edges(self) -> None:
        if isinstance(self.edges, EdgeColumns):
            self.net.add_edge_columns(*self.edges.columns)
        else:
            self.net.add_edges(self.edges)

    def _edge_keys(self) -> list:
        if isinstance(self.edges, EdgeColumns):
            return self.edges.keys()
        return [(u, v) for u, v, _ in self.edges]


class RemoveCommand(ModelCommand):
    """Remove edges and nodes; undo puts back the nodes, all their edges, their column in the
    inputs/outputs, their place in a manual ordering and in the graph's order (which breaks
    the auto ordering's ties and orders the file)."""

    def __init__(self, net, nodes=(), edges=(), text: str = "Delete"):
        super().__init__(net, text)
        g = net.graph
        self.nodes = [(n, dict(g.nodes[n])) for n in nodes]
        ids = set(nodes)
        keys = {tuple(e) for e in edges} | {e for n in ids for e in g.in_edges(n)} \
            | {e for n in ids for e in g.out_edges(n)}
        self.edges = [(u, v, dict(g.edges[u, v])) for u, v in sorted(keys)]
        self.positions = net.graph_positions(ids, keys)

    def bulk(self) -> int:
        return len(self.nodes) + len(self.edges)

    def _steps(self) -> list:
        net = self.net
        # undo runs these backwards: nodes, edges, then their places in the graph's order
        ids, keys = [n for n, _ in self.nodes], [(u, v) for u, v, _ in self.edges]
        records = [(n, a["kind"], {k: v for k, v in a.items() if k != "kind"})
                   for n, a in self.nodes]
        return [(lambda: None, lambda: net.restore_graph_positions(self.positions)),
                (lambda: net.remove_edges(keys), lambda: net.add_edges(self.edges)),
                (lambda: net.remove_nodes(ids), lambda: net.add_nodes(records))]


class SetNodeAttrsCommand(ModelCommand):
    """Change attributes of one or many nodes: {id: {attr: value}}. `old` may be given when the
    model already holds the new values (a drag that moved nodes live)."""

    def __init__(self, net, changes: dict, text: str = "Edit node", old: dict | None = None):
        super().__init__(net, text)
        self.changes = {n: dict(c) for n, c in changes.items()}
        g = net.graph
        self.applied_live = old is not None  # then the state before it is not the model's
        if old is None:
            old = {n: self._old_values(g.nodes[n], c) for n, c in self.changes.items()}
        self.old = old

    @staticmethod
    def _old_values(data: dict, change: dict) -> dict:
        if "kind" in change and change["kind"] != data["kind"]:
            return dict(data)  # a kind change may drop attributes: keep them all
        return {k: data[k] for k in change if k in data}

    def _steps(self) -> list:
        net = self.net
        return [(lambda n=n, c=c: net.set_node_attrs(n, **c),
                 lambda n=n: net.set_node_attrs(n, **self.old[n]))
                for n, c in self.changes.items()]


class SetEdgeAttrsCommand(ModelCommand):
    """Change attributes of one or many edges: {(u, v): {attr: value}}."""

    def __init__(self, net, changes: dict, text: str = "Edit edge"):
        super().__init__(net, text)
        self.changes = {tuple(k): dict(c) for k, c in changes.items()}
        g = net.graph
        self.old = {k: {a: g.edges[k][a] for a in c} for k, c in self.changes.items()}

    def _steps(self) -> list:
        net = self.net
        return [(lambda k=k, c=c: net.set_edge_attrs(*k, **c),
                 lambda k=k: net.set_edge_attrs(*k, **self.old[k]))
                for k, c in self.changes.items()]


class OrderingCommand(ModelCommand):
    """Change the ordering mode, or set a manual ordering (a list of non-input ids)."""

    def __init__(self, net, mode: str | None = None, manual: list | None = None,
                 text: str = "Change ordering"):
        super().__init__(net, text)
        self.mode, self.manual = mode, manual

    def _steps(self) -> list:
        net = self.net
        if self.manual is not None:
            do = lambda: net.set_ordering(net.inputs + list(self.manual))  # noqa: E731
        else:
            do = lambda: net.set_ordering_mode(self.mode)  # noqa: E731
        return [(do, lambda: None)]  # undo: the saved io/ordering state is put back


class GroupCommand(ModelCommand):
    """Any change of groups (group, ungroup, rename, collapse, expand): the groups after it,
    {gid: {"label", "members", "collapsed"}} in order; undo puts back the groups before."""

    def __init__(self, net, groups: dict, text: str):
        super().__init__(net, text)
        self.after = {g: dict(r) for g, r in groups.items()}

    def _steps(self) -> list:
        return [(lambda: self.net.set_groups(self.after), lambda: None)]  # undo: _before


class CompositeCommand(ModelCommand):
    """Several commands as one undo step (their steps in order), e.g. remove an edge and add
    a neuron with two edges in its place."""

    def __init__(self, net, parts: list, text: str):
        super().__init__(net, text)
        self.parts = list(parts)
        self.applied_live = any(part.applied_live for part in self.parts)

    def _steps(self) -> list:
        return [step for part in self.parts for step in part._steps()]

    def added_ids(self) -> list[str]:
        return [n for part in self.parts for n in part.added_ids()]


class SetMetaCommand(ModelCommand):
    """Change the network's name and/or description (`Network.set_meta`)."""

    def __init__(self, net, meta: dict, text: str = "Edit description"):
        super().__init__(net, text)
        self.meta = copy.deepcopy(meta)
        self.old = {k: copy.deepcopy(getattr(net, k)) for k in self.meta}

    def _steps(self) -> list:
        return [(lambda: self.net.set_meta(**self.meta), lambda: self.net.set_meta(**self.old))]


class SnapshotCommand(ModelCommand):
    """A whole-network step (restore before / after), for edits too broad to list."""

    def __init__(self, net, before: dict, after: dict, text: str):
        super().__init__(net, text)
        self.snap_before, self.snap_after = before, after

    def _steps(self) -> list:
        return [(lambda: self.net.restore(self.snap_after),
                 lambda: self.net.restore(self.snap_before))]
