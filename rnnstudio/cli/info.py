"""``python -m rnnstudio info NET``: ordering, backward edges and delays, levels per step,
parameters and training settings."""

from __future__ import annotations

import argparse

from .common import load_net, plural, task_of

NAME = "info"
HELP = "Describe a network: ordering, backward edges, levels per step, parameters."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--all", action="store_true", help="list every backward edge")


def param_counts(net) -> dict[str, int]:
    """Trainable weights, biases (sum neurons) and initial values."""
    g = net.graph
    neurons = [d for _, d in g.nodes(data=True) if d["kind"] != "input"]
    return {
        "weights": sum(1 for *_, t in g.edges(data="trainable") if t),
        "biases": sum(1 for d in neurons if d["trainable"] and d["aggregate"] == "sum"),
        "initials": sum(1 for d in neurons if d.get("initial_trainable")),
        "fixed_weights": sum(1 for *_, t in g.edges(data="trainable") if not t),
    }


def info_lines(net, limit: int | None = 40) -> list[str]:
    from ..engine import compile as compile_net
    g = net.graph
    hidden = sum(1 for _, k in g.nodes(data="kind") if k == "neuron")
    lines = [f"{net.name}: {plural(len(net.inputs), 'input')}, {hidden} hidden, "
             f"{plural(len(net.outputs), 'output')}, {plural(g.number_of_edges(), 'edge')}"]
    if net.description:
        lines.append(f"  {net.description}")
    lines.append(f"ordering ({net.ordering_mode}): {', '.join(net.ordering())}")
    lines += _backward_lines(net, limit)
    lines += level_lines(compile_net(net).level_nodes())
    c = param_counts(net)
    total = c["weights"] + c["biases"] + c["initials"]
    lines.append(f"parameters: {total} trainable ({plural(c['weights'], 'weight')}, "
                 f"{plural(c['biases'], 'bias', 'biases')}, "
                 f"{plural(c['initials'], 'initial value')}); "
                 f"{plural(c['fixed_weights'], 'fixed weight')}")
    lines += _training_lines(net.training)
    return lines


def _backward_lines(net, limit: int | None) -> list[str]:
    back = net.backward_edges()
    lines = [f"backward edges (read an earlier step): {len(back)}"]
    for u, v in back[:limit] if limit else back:
        d = net.resolved_delay(u, v)
        how = "explicit" if net.edge_attrs(u, v)["delay"] != "auto" else "auto"
        if net.graph.nodes[v].get("direction") == "reverse":
            how += ", reverse time: reads a later step"
        lines.append(f"  {u} -> {v}  delay {d} ({how})")
    if limit and len(back) > limit:
        lines.append(f"  ... and {len(back) - limit} more (--all lists them)")
    return lines


def level_lines(phases: list[dict]) -> list[str]:
    """The levels of each phase of a step. Only the step-by-step phases run inside the time
    loop (their levels are the cost of a step); the others are computed for every step at
    once, so the headline counts them apart."""
    looped = sum(len(ph["levels"]) for ph in phases if ph["kind"] != "parallel")
    hoisted = sum(len(ph["levels"]) for ph in phases if ph["kind"] == "parallel")
    head = f"levels per step: {looped} in the time loop"
    if hoisted:
        head += f", {plural(hoisted, 'level')} computed for all steps at once"
    lines = [head]
    for phase in phases:
        when = "all steps at once" if phase["kind"] == "parallel" else "step by step"
        rev = ", reverse time" if phase["reverse"] else ""
        lines.append(f"  {when}{rev}: {plural(len(phase['levels']), 'level')}")
        for k, nodes in enumerate(phase["levels"], start=1):
            shown = ", ".join(nodes[:12]) + (f", ... ({len(nodes)})" if len(nodes) > 12 else "")
            lines.append(f"    level {k}: {shown}")
    return lines


def _training_lines(training: dict) -> list[str]:
    if not training:
        return ["training: no settings in the file"]
    task = task_of(training)
    what = f"task {task[0]} {task[1] or ''}".rstrip() if task else "no task"
    keys = ("loss", "optimizer", "lr", "epochs", "batch_size", "clip", "tbptt")
    rest = ", ".join(f"{k} {training[k]}" for k in keys if training.get(k) is not None)
    return [f"training: {what}; {rest}"]


def run(args: argparse.Namespace) -> int:
    net = load_net(args.net)
    print("\n".join(info_lines(net, None if args.all else 40)))
    return 0
