"""Helpers shared by the templates: ids, columns of nodes, dense wiring, training blocks."""

from __future__ import annotations

from typing import Any, Sequence

from ..model import Network
from ..tasks import TASKS
from .. import layout

# Default training settings of templates (tuned per template where it matters).
TRAINING_DEFAULTS: dict[str, Any] = {
    "optimizer": "adam", "lr": 0.01, "epochs": 200, "batch_size": 32, "clip": 1.0,
    "tbptt": None, "seed": 0, "validation": 0.2,
}
# Task preference when a template picks a natural task by its number of inputs and outputs.
_PREFERENCE = ("sine", "adding", "rain", "parity", "text", "echo")


def ids(prefix: str, n: int) -> list[str]:
    """prefix0 .. prefix{n-1}."""
    return [f"{prefix}{i}" for i in range(n)]


def check_sizes(**sizes: int) -> None:
    for name, n in sizes.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {n!r}")


class Builder:
    """Adds nodes, edges and groups; `arrange` lays them out (`rnnstudio.layout`) at the end."""

    def __init__(self, net: Network):
        self.net = net

    def inputs(self, nodes: Sequence[str]) -> None:
        for n in nodes:
            self.net.add_input(n)

    def neurons(self, nodes: Sequence[str], **attrs) -> None:
        for n in nodes:
            self.net.add_neuron(n, **attrs)

    def outputs(self, nodes: Sequence[str], **attrs) -> None:
        for n in nodes:
            self.net.add_output(n, **attrs)

    def arrange(self) -> None:
        """Place every node by the layered layout (groups kept together)."""
        layout.apply(self.net, layout.arrange(self.net))

    def dense(self, sources: Sequence[str], targets: Sequence[str], delay="auto") -> None:
        """An edge from every source to every target (trainable; weights set by init)."""
        for v in targets:
            for u in sources:
                self.net.add_edge(u, v, weight=0.0, delay=delay)

    def groups(self, *groups: tuple[str, str, Sequence[str]]) -> None:
        """Groups (gid, label, members), in reading order; empty ones are skipped."""
        for gid, label, members in groups:
            if members:
                self.net.add_group(gid, members, label=label)

    def fixed(self, u: str, v: str, weight: float = 1.0, delay="auto") -> None:
        """A non-trainable wiring edge (gates, products, relays)."""
        self.net.add_edge(u, v, weight=weight, delay=delay, trainable=False)


def natural_task(n_in: int, n_out: int, out_activation: str) -> str | None:
    """The first built-in task whose default shape and output activation fit."""
    for name in _PREFERENCE:
        info = TASKS[name]
        p = info.defaults()
        if (info.n_inputs(p), info.n_outputs(p), info.out_activation) == (
                n_in, n_out, out_activation):
            return name
    return None


def training_block(task: str | None, params: dict | None = None, **settings) -> dict[str, Any]:
    """A `training` block: {"task": {"name", "params"}, "loss", "optimizer", "lr", ...}."""
    block: dict[str, Any] = {}
    if task is not None:
        block["task"] = {"name": task, "params": dict(params or {})}
        block["loss"] = TASKS[task].loss
    block.update(TRAINING_DEFAULTS)
    block.update(settings)
    return block


def set_natural_training(net: Network, n_in: int, n_out: int, out_activation: str,
                         **settings) -> None:
    """Give the network a training block for its natural task, if it has one."""
    task = natural_task(n_in, n_out, out_activation)
    if task is not None:
        net.set_meta(training=training_block(task, **settings))
