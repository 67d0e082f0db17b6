"""A seeded random-operation run through the main window's own commands (issue 14).

`Monkey(window, seed, folder).run(n)` draws `n` operations: adds, deletes, edge and node edits,
layers, templates, cut/copy/paste, connect, drags, ordering modes and manual orders, groups,
undo, redo, undo-all / redo-all, save and reopen. After every operation it checks that

- the document equals the state recorded for its place on the undo stack (equality, the
  ordering, the delays and the file's bytes), so a refused edit changed nothing and every undo
  and redo gives back exactly what was there;
- the network is valid, and save -> load gives the same network and the same bytes;
- the canvas mirrors the model (one item per node, one drawn edge per edge);
- the modified mark agrees with the stack's clean state.

Now and then (drawn from a second generator, so a seed's operations are the same with or
without it) it writes the recovery file of unsaved work and lets the window handle its events
until the writer is done: the file must load as the network it was written from.

At undo-all / redo-all it also compares the outputs of a run. A failure raises `MonkeyError`
naming the seed, the operation number and the operations before it. Used by a short CI test
(tests/ui/editor/test_monkey.py) and, for long runs, by tools/monkey.py.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

import rnnstudio as rs
from rnnstudio.ui.canvas.interactions import MoveGesture

MAX_NODES = 45  # past this the run deletes more than it adds
ACTIVATIONS = ("identity", "tanh", "sigmoid", "relu")
DELAYS = ("auto", "auto", "auto", 0, 0, 1, 2)
RECOVERY_EVERY = 0.04  # chance of a recovery round after an operation


class MonkeyError(AssertionError):
    pass


@dataclass
class Recorded:
    net: rs.Network
    text: str
    ordering: list
    delays: dict

    @classmethod
    def of(cls, net) -> "Recorded":
        return cls(net.copy(), rs.io.dumps(net), net.ordering(), net.delays())


def _outputs(net) -> list | None:
    if not net.inputs or not net.outputs:
        return None
    X = np.sin(np.arange(6 * len(net.inputs), dtype=float)).reshape(6, len(net.inputs))
    return rs.run(net, X).tolist()


class Monkey:
    def __init__(self, window, seed: int, folder: Path):
        self.w, self.seed, self.folder = window, seed, Path(folder)
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()
        self.log: list[str] = []
        self.writes = random.Random(seed * 7919 + 1)  # when to write recovery (its own draws)
        self.recovery_checks = 0
        self.w.doc.new()
        self.history = [Recorded.of(self.net)]
        self.ops = [(self.add_node, 10), (self.add_edge, 14), (self.delete, 6), (self.cut, 1),
                    (self.copy_paste, 3), (self.node_edit, 9), (self.edge_edit, 7),
                    (self.add_layer, 2), (self.template, 1), (self.connect, 2),
                    (self.split_edge, 2), (self.drag, 4), (self.ordering_mode, 3),
                    (self.manual_order, 2), (self.arrange, 1), (self.group, 3),
                    (self.group_edit, 2), (self.meta, 1), (self.undo, 12), (self.redo, 7),
                    (self.undo_redo_all, 0.4), (self.save_reopen, 0.8)]

    @property
    def net(self):
        return self.w.doc.net

    @property
    def stack(self):
        return self.w.doc.stack

    # ---------------------------------------------------------------- running
    def run(self, n_ops: int) -> Counter:
        funcs, weights = zip(*self.ops)
        for i in range(n_ops):
            op = self.rng.choices(funcs, weights)[0]
            if op not in (self.undo, self.redo) and len(self.net) > MAX_NODES \
                    and self.rng.random() < 0.6:
                op = self.delete
            self.log.append(op.__name__)
            index = self.stack.index()
            try:
                op()
                QApplication.processEvents()
                self._check(op, index)
                if self.writes.random() < RECOVERY_EVERY:
                    self._recovery_round()
            except Exception as exc:
                raise MonkeyError(f"seed {self.seed}, operation {i} ({op.__name__}): "
                                  f"{type(exc).__name__}: {exc}\nlast operations: "
                                  f"{', '.join(self.log[-15:])}") from exc
            self.counts[op.__name__] += 1
        return self.counts

    def _check(self, op, index: int) -> None:
        net, stack = self.net, self.stack
        now = stack.index()
        if op not in (self.undo, self.redo, self.undo_redo_all, self.save_reopen):
            if now == index + 1:  # a new step: record it, drop the redo branch
                del self.history[now:]
                self.history.append(Recorded.of(net))
            elif now != index:
                raise MonkeyError(f"an edit moved the stack from {index} to {now}")
        self._same_as_recorded(now)
        net.validate()
        text = rs.io.dumps(net)
        back = rs.io.loads(text)
        if back != net or rs.io.dumps(back) != text:
            raise MonkeyError("save -> load does not give the same network")
        self._canvas_mirrors()
        if self.w.doc.modified != (now != stack.cleanIndex()):
            raise MonkeyError("the modified mark disagrees with the undo stack")

    def _recovery_round(self) -> None:
        """Write the recovery file while the window goes on handling events (its deferred
        work: ordering, loops, re-runs): the writer finishes, and what it wrote is the
        network (unless the work is saved: then there is nothing to write)."""
        doc = self.w.doc
        if doc.recovery.busy():  # the 30 s timer's write
            doc.recovery.wait()
        if not doc.modified:
            return
        expected = rs.io.dumps(self.net)
        if not doc.write_recovery():
            raise MonkeyError("the recovery write did not start")
        deadline = time.monotonic() + 20
        while doc.recovery.busy() and time.monotonic() < deadline:
            QApplication.processEvents()
        if doc.recovery.busy():
            raise MonkeyError("the recovery writer did not finish in 20 s of events")
        net_file, _ = doc.recovery_files()
        if not net_file.exists() or rs.io.dumps(rs.load(net_file)) != expected:
            raise MonkeyError("the recovery file is not the network it was written from")
        self.recovery_checks += 1

    def _same_as_recorded(self, index: int, outputs: bool = False) -> None:
        rec, net = self.history[index], self.net
        if net != rec.net:
            raise MonkeyError(f"the network differs from its recorded state {index}")
        if net.ordering() != rec.ordering or net.delays() != rec.delays:
            raise MonkeyError(f"ordering or delays differ from recorded state {index}")
        if rs.io.dumps(net) != rec.text:
            raise MonkeyError(f"the file's bytes differ from recorded state {index}")
        if outputs and _outputs(net) != _outputs(rec.net):
            raise MonkeyError(f"the outputs differ from recorded state {index}")

    def _canvas_mirrors(self) -> None:
        scene, g = self.w.scene, self.net.graph
        selected = scene.selected_nodes()  # (a paste's nodes may have no items yet)
        scene.route_now()  # everything drawn, what a big network draws a moment later too
        hidden = scene.groups.hidden  # members of collapsed groups: drawn as their block
        if set(scene.nodes) != set(g) - set(hidden):
            raise MonkeyError("the canvas's nodes are not the model's")
        if scene.selected_nodes() != selected:
            raise MonkeyError("the selection changed when the canvas made a paste's items")
        layer = scene._values
        if layer.bodies:  # zoomed out: the value layer draws every node's body
            layer.boundingRect()  # (measured again if it is stale)
            if [item.node_id for item in layer._items] != list(scene.nodes) or not all(
                    item is scene.nodes[item.node_id] for item in layer._items):
                raise MonkeyError("the value layer does not draw the canvas's node items")
        drawn = set(scene._layer_of)
        expected = {e for e in g.edges if not scene.groups.bundled(*e)}
        if drawn != expected:
            raise MonkeyError(f"the canvas draws {len(drawn)} edges on their own, the model "
                              f"has {len(expected)} outside bundles")
        order = self.net.ordering()
        delays = self.net.delays()
        if any(item.badge != order.index(n) + 1 for n, item in scene.nodes.items()) or any(
                scene.is_delayed(*e) != (delays[e] >= 1 or e[0] == e[1]) for e in drawn):
            raise MonkeyError("the canvas's badges or delayed edges are not the ordering's")
        strip = self.w.strip
        strip.refresh()
        texts = [strip.list.item(i).text() for i in range(strip.list.count())]
        if strip.order_shown() != order[:len(texts)] or texts != [
                f"{i + 1} {g.nodes[n]['label']}" for i, n in enumerate(order[:len(texts)])]:
            raise MonkeyError("the ordering strip does not show the ordering")

    # ---------------------------------------------------------------- picking
    def _nodes(self, k: int = 1, kinds=None) -> list[str]:
        nodes = [n for n in self.net.graph if kinds is None or self.net.kind(n) in kinds]
        return self.rng.sample(nodes, min(k, len(nodes)))

    def _edge(self):
        edges = list(self.net.graph.edges)
        return self.rng.choice(edges) if edges else None

    def _point(self) -> QPointF:
        return QPointF(self.rng.randrange(-400, 800, 10), self.rng.randrange(-300, 600, 10))

    # ---------------------------------------------------------------- operations
    def add_node(self) -> None:
        kind = self.rng.choice(("input", "neuron", "neuron", "neuron", "product", "output"))
        self.w.editor.add_node_at(kind, self._point())

    def add_edge(self) -> None:
        u = self._nodes(1)
        v = self._nodes(1, kinds=("neuron", "output"))
        if u and v:
            self.w.editor.add_edge(u[0], v[0], round(self.rng.uniform(-2, 2), 3),
                                   self.rng.choice(DELAYS))

    def _select(self) -> None:
        nodes = self._nodes(self.rng.randint(0, 3))
        edges = {e for e in (self._edge() for _ in range(self.rng.randint(0, 2))) if e}
        self.w.scene.select_nodes(nodes)
        self.w.scene.select_edges(edges, clear_nodes=False)

    def delete(self) -> None:
        self._select()
        self.w.actions["delete"].trigger()

    def cut(self) -> None:
        self._select()
        self.w.actions["cut"].trigger()

    def copy_paste(self) -> None:
        self.w.scene.select_nodes(self._nodes(self.rng.randint(1, 5)))
        self.w.actions["copy"].trigger()
        self.w.actions["paste"].trigger()

    def node_edit(self) -> None:
        ids = self._nodes(self.rng.randint(1, 3))
        if not ids:
            return
        attr, value = self.rng.choice([
            ("activation", self.rng.choice(ACTIVATIONS)),
            ("bias", round(self.rng.uniform(-1, 1), 3)),
            ("initial", round(self.rng.uniform(-1, 1), 3)),
            ("kind", self.rng.choice(("input", "neuron", "output"))),
            ("direction", self.rng.choice(("forward", "forward", "reverse"))),
            ("aggregate", self.rng.choice(("sum", "product"))),
            ("trainable", self.rng.random() < 0.5),
            ("label", self.rng.choice(("a", "b", "hidden", ""))),
            ("x", float(self.rng.randrange(-400, 800, 10))),
        ])
        self.w.editor.set_node_attrs(ids, **{attr: value})

    def edge_edit(self) -> None:
        edges = {e for e in (self._edge() for _ in range(self.rng.randint(1, 3))) if e}
        if not edges:
            return
        attr, value = self.rng.choice([("weight", round(self.rng.uniform(-2, 2), 3)),
                                       ("delay", self.rng.choice(DELAYS)),
                                       ("trainable", self.rng.random() < 0.5)])
        self.w.editor.set_edge_attrs(sorted(edges), **{attr: value})

    def add_layer(self) -> None:
        self.w.editor.add_layer(self.rng.randint(1, 4), self.rng.choice(ACTIVATIONS))

    def template(self) -> None:
        self.w.insert.insert_template(self.rng.choice([0, 1, 4, 7]))

    def connect(self) -> None:
        self.w.editor.connect(self._nodes(self.rng.randint(1, 3)),
                              self._nodes(self.rng.randint(1, 3)), self.rng.choice(DELAYS),
                              seed=self.rng.randrange(1000))

    def split_edge(self) -> None:
        e = self._edge()
        if e:
            self.w.editor.insert_neuron_on_edge(*e)

    def drag(self) -> None:
        """A mouse drag of some nodes, through the canvas's own gesture."""
        ids = self._nodes(self.rng.randint(1, 3))
        if not ids:
            return
        g = self.net.graph
        press = QPointF(g.nodes[ids[0]]["x"], g.nodes[ids[0]]["y"])
        gesture = MoveGesture(self.w.scene, press, ids)
        end = press + QPointF(self.rng.randrange(-300, 300, 10), self.rng.randrange(-200, 200, 10))
        for t in (0.3, 0.7, 1.0):
            gesture.move(press + (end - press) * t)
        gesture.release(end)

    def ordering_mode(self) -> None:
        self.w.editor.set_ordering_mode(self.rng.choice(("auto", "position", "manual")))

    def manual_order(self) -> None:
        order = self.net.ordering()
        n_in = len(self.net.inputs)
        rest = order[n_in:]
        if len(rest) >= 2:
            i, j = self.rng.randrange(len(rest)), self.rng.randrange(len(rest))
            rest.insert(j, rest.pop(i))
            self.w.editor.set_manual_order(order[:n_in] + rest)

    def arrange(self) -> None:
        self.w.actions["arrange"].trigger()

    def group(self) -> None:
        ids = self._nodes(self.rng.randint(1, 4))
        if ids:
            self.w.editor.group_nodes(ids, self.rng.choice(("layer", "gates", "hidden")))

    def group_edit(self) -> None:
        groups = list(self.net.groups)
        if not groups:
            return
        gid = self.rng.choice(groups)
        choice = self.rng.random()
        if choice < 0.3:
            self.w.editor.ungroup(gid)
        elif choice < 0.7:
            self.w.editor.set_group_attrs(gid, collapsed=not self.net.groups[gid]["collapsed"])
        else:
            self.w.editor.set_group_attrs(gid, label=self.rng.choice(("in", "out", "mid")))

    def meta(self) -> None:
        self.w.editor.set_meta(description=self.rng.choice(("", "a net", "notes")))

    def undo(self) -> None:
        self.w.actions["undo"].trigger()

    def redo(self) -> None:
        self.w.actions["redo"].trigger()

    def undo_redo_all(self) -> None:
        """Walk the whole stack back, then forward, checking every state and the outputs at
        both ends."""
        stack, end = self.stack, self.stack.index()
        while stack.canUndo():
            stack.undo()
            self._same_as_recorded(stack.index())
        self._same_as_recorded(0, outputs=True)
        while stack.canRedo():
            stack.redo()
            self._same_as_recorded(stack.index())
        self._same_as_recorded(stack.index(), outputs=True)
        while stack.index() > end:
            stack.undo()

    def save_reopen(self) -> None:
        path = self.folder / f"monkey-{self.seed}.rnn.json"
        saved = Recorded.of(self.net)
        self.w.doc.save(path)
        self.w.files.open_path(path, ask=False)
        if self.net != saved.net or rs.io.dumps(self.net) != saved.text:
            raise MonkeyError("the reopened file is not the saved network")
        self.history = [Recorded.of(self.net)]
