"""Write the examples the Help pages open, and check they show what they promise:
python examples/build_teaching_examples.py [--check]

bidirectional.rnn.json        the output is the input 2 steps *later*: only a layer that runs
                              backward in time can know it
gru-adding.rnn.json           a GRU on the adding problem (compare lstm-adding)
exploding-gradients.rnn.json  recurrent weights too large: the gradient grows with the lag;
                              clipping keeps training stable
truncation.rnn.json           truncated BPTT (2 steps) on an echo of 4 steps: the error never
                              reaches the step that matters

Each file has a description, a training block and the groups of its template. With --check
the script trains each network with its file's settings (and with the setting the description
asks the reader to change) and prints the losses, so every claim is checked by numbers when
the files are rebuilt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import rnnstudio as rs  # noqa: E402
from rnnstudio import layout, tasks  # noqa: E402
from rnnstudio import templates as tpl  # noqa: E402
from rnnstudio.io import save  # noqa: E402
from rnnstudio.templates import training_block  # noqa: E402

EXPLODE_SCALE = 3.0  # recurrent weights of the exploding example, times the template's


def bidirectional() -> rs.Network:
    net = tpl.bidirectional(1, 3, 1, seed=0)
    for gid in ("forward", "backward"):  # the textbook figure: two layers, one input, one output
        net.set_group_collapsed(gid, True)
    layout.apply(net, layout.arrange(net))
    net.set_meta(name="bidirectional", description=(
        "A bidirectional network on a task no ordinary recurrent network can do: the output at "
        "step t must be the input of step t+2, two steps in the future (the echo task with "
        "k = -2). The forward layer (f0-f2; double-click a block to see its neurons) remembers "
        "the past through its z⁻¹ loop; the backward layer (b0-b2) has direction 'reverse': it "
        "is computed from the last step to the first, so its delay-1 edges read the next step "
        "(z⁺¹), and the outputs see both. Press Train: the loss "
        "falls to about 0.001. An Elman network of the same size stays near 0.33 on this task, "
        "the variance of the answer, because at step t it has not seen the input it must "
        "give. Step through a sequence: the backward layer's values are all known from the "
        "start, computed in one sweep from the end."),
        training=training_block("echo", {"k": -2}, lr=0.02, epochs=150, batch_size=16,
                                clip=1.0))
    return net


def gru_adding() -> rs.Network:
    net = tpl.gru(2, 4, 1, seed=0)
    for gid in net.groups:
        if gid != "outputs":  # the cell diagram; the output keeps its node (and target)
            net.set_group_collapsed(gid, True)
    layout.apply(net, layout.arrange(net))
    net.set_meta(name="gru-adding", description=(
        "A GRU of 4 cells built from neurons, drawn as the usual cell diagram: each block is a "
        "family of 4 neurons, one per cell (double-click a block to see them). On the adding "
        "problem (two marked numbers in a sequence of 50; the answer at the end is their "
        "sum). Each cell has two gates: the "
        "update gate z mixes the old state and the new candidate, h(t) = n + z * (h(t-1) - n), "
        "so with z near 1 the cell keeps its value unchanged for as long as needed; the reset "
        "gate r decides how much of the old state the candidate n reads. Fewer parts than the "
        "LSTM (no separate cell and output gate). Press Train: the loss stays near 0.16 "
        "(always answering 1) for a while, then drops below 0.01 once the gates learn to hold "
        "the marked values. Compare lstm-adding."),
        training=training_block("adding", {"T": 50}, lr=0.01, epochs=150, batch_size=32,
                                clip=1.0))
    return net


def exploding_gradients() -> rs.Network:
    net = tpl.elman(1, 8, 1, seed=0)
    hidden = [n for n in net.graph if net.kind(n) == "neuron"]
    with net.batch():
        for u in hidden:
            for v in hidden:
                if net.has_edge(u, v):
                    w = net.edge_attrs(u, v)["weight"]
                    net.set_edge_attrs(u, v, weight=round(w * EXPLODE_SCALE, 6))
    net.set_meta(name="exploding-gradients", description=(
        "An Elman network (8 tanh neurons) whose recurrent weights were made 3 times too "
        "large, on the sine task with sequences of 100 steps. Each step back in time now "
        "multiplies the gradient by more than 1, so the 'Gradient through time' plot rises "
        "with the lag: the error signal from the end is thousands of times larger 99 steps "
        "back than at the end. The file trains with plain SGD (lr 0.3) and clip 1: whenever "
        "the gradient's norm is above 1 it is scaled down to 1 (the dashed line in the "
        "'Gradient norm' plot), and the loss falls to about 0.02. Now set 'Clip' to off (0) and "
        "train again: in the first epochs one huge step throws the weights far away, the loss "
        "jumps by many orders of magnitude, and the run either stops as diverged or ends far "
        "worse than with clipping. Undo (Ctrl+Z) takes a run back. Compare "
        "vanishing-gradients, the opposite problem."),
        training=training_block("sine", {"T": 100}, optimizer="sgd", lr=0.3, epochs=60,
                                batch_size=16, clip=1.0))
    return net


def truncation() -> rs.Network:
    net = tpl.elman(1, 8, 1, seed=0)
    net.set_meta(name="truncation", description=(
        "Backpropagation through time, truncated. The task: output the input of 4 steps ago "
        "(the echo task with k = 4), for an Elman network of 8 neurons. The file's training "
        "settings truncate BPTT to 2 steps (tbptt = 2): the sequence is cut into pieces of 2 "
        "steps, the state still flows forward from piece to piece, but the error of a step is "
        "sent back at most to the start of its piece. The input that matters lies 4 steps "
        "back, where no error ever arrives: press Train and the loss stays near 0.33, no "
        "better than always answering the mean. Set 'TBPTT window' to full (0) and train "
        "again: the loss falls below 0.001 within 150 epochs. Truncation makes long "
        "sequences cheap, at the price of every dependency longer than the window."),
        training=training_block("echo", {"k": 4}, lr=0.02, epochs=150, batch_size=16,
                                clip=1.0, tbptt=2))
    return net


EXAMPLES = {"bidirectional": bidirectional, "gru-adding": gru_adding,
            "exploding-gradients": exploding_gradients, "truncation": truncation}
# the setting each description asks the reader to change, and what it becomes
VARIANTS = {"exploding-gradients": {"clip": None}, "truncation": {"tbptt": None}}


def main(out_dir: Path = HERE) -> list[Path]:
    paths = []
    for name, build in EXAMPLES.items():
        net = build()
        net.validate()
        path = Path(out_dir) / f"{name}.rnn.json"
        save(net, path)
        paths.append(path)
    return paths


def train(net: rs.Network, **changes) -> list[float]:
    """Losses per epoch with the file's settings (and `changes`); stops early on divergence."""
    s = {**net.training, **changes}
    task = s["task"]
    X, Y = tasks.make_task(task["name"], **task["params"])
    trainer = rs.Trainer(net.copy(), loss=s["loss"], optimizer=s["optimizer"], lr=s["lr"],
                         clip=s["clip"], tbptt=s["tbptt"], batch_size=s["batch_size"],
                         seed=s["seed"], validation=s["validation"])
    losses: list[float] = []
    trainer.fit(X, Y, epochs=s["epochs"],
                callback=lambda r: losses.append(r["loss"]) if r["batch"] is None else None)
    return losses


def check() -> None:
    for name, build in EXAMPLES.items():
        net = build()
        for label, changes in (("as saved", {}), ("changed", VARIANTS.get(name))):
            if changes is None:
                continue
            losses = train(net, **changes)
            shown = ", ".join(f"{v:.3g}" for v in losses[::max(1, len(losses) // 5)])
            print(f"{name} ({label} {changes or ''}): {len(losses)} epochs, loss {shown} ... "
                  f"{losses[-1]:.3g}")
    net = tpl.elman(1, 6, 1, seed=0)  # the claim of the bidirectional example
    net.set_meta(training=bidirectional().training)
    print(f"elman 1-6-1 on the bidirectional task: final loss {train(net)[-1]:.3g}")
    net = exploding_gradients()
    _, grads = rs.gradients(net, *tasks.make_task("sine", T=100), loss="mse")
    lags = np.asarray(grads.through_time)[::-1]
    print(f"exploding-gradients: ||dL/dy(t)|| lag 0 {lags[0]:.2e}, lag 99 {lags[99]:.2e}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="train and print the losses")
    args = parser.parse_args()
    for p in main():
        print("wrote", p)
    if args.check:
        check()
