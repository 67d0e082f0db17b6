"""Write the template examples: python examples/build_examples.py

elman-sine.rnn.json                       an Elman network for the sine task
rain.rnn.json                             many-to-one: the chance of rain after 8 events
echo-memory.rnn.json                      hand-built: the input comes out 3 steps later
window-vs-recurrent-windowed.rnn.json     the sine task by a feedforward net over a window ...
window-vs-recurrent-recurrent.rnn.json    ... and by a recurrent net of about the same size
jordan.rnn.json                           outputs fed back (Jordan) on the sine task
unit-3-5-4.rnn.json                       the textbook recurrent unit imitating a teacher
lstm-adding.rnn.json                      an LSTM on the adding problem (long-range memory)

Each file has a description and a training block (task and settings), so that
``python -m rnnstudio train examples/NAME.rnn.json`` or the Train panel can start at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rnnstudio import layout  # noqa: E402
from rnnstudio import templates as tpl  # noqa: E402
from rnnstudio.io import save  # noqa: E402
from rnnstudio.model import Network  # noqa: E402
from rnnstudio.templates import training_block  # noqa: E402


def _describe(net: Network, name: str, text: str, training: dict | None = None) -> Network:
    net.set_meta(name=name, description=text, **({"training": training} if training else {}))
    return net


def elman_sine() -> Network:
    net = tpl.elman(1, 4, 1, seed=0)  # the first screen: small enough to read every edge
    return _describe(net, "elman-sine", (
        "An Elman network (1 input, 4 tanh neurons, 1 output) that learns to predict the next "
        "value of noisy sine waves of random frequency. One value alone cannot tell whether the "
        "wave is rising or falling: the hidden state, fed back through the delay-1 edges, "
        "remembers where the wave came from. Train it and watch the loss fall below 0.02 "
        "(the noise alone costs 0.0025)."),
        training_block("sine", {}, lr=0.02, epochs=150, batch_size=16, clip=1.0))


def rain() -> Network:
    net = tpl.many_to_one(8, 6, 1, seed=0)
    training = training_block("rain", {}, lr=0.02, epochs=100, batch_size=32, clip=1.0)
    training["targets"] = "last"
    return _describe(net, "rain", (
        "Many-to-one: each of 8 steps an everyday event happens (dog barking, white shirt, "
        "apple pie, knee hurts, getting dark, ...), one input per event. Only at the last step "
        "does the network answer: the chance of rain. A hidden rule makes some events raise it, "
        "some lower it, 'apple pie' irrelevant, and recent events count more. The loss comes "
        "from the last step only and flows back through time to every event."), training)


def echo_memory(k: int = 3) -> Network:
    """x -> m1 -> m2 -> y, each edge an explicit delay of 1 step: y(t) = x(t - 3)."""
    net = Network()
    chain = ["x"] + [f"m{i}" for i in range(1, k)] + ["y"]
    with net.batch():
        net.add_input("x", x=0.0, y=0.0, label="x (input)")
        for i, node in enumerate(chain[1:-1], start=1):
            net.add_neuron(node, x=120.0 * i, y=0.0, activation="identity",
                           label=f"memory {i}")
        net.add_output("y", x=120.0 * k, y=0.0, activation="identity", label="y (output)")
        for u, v in zip(chain, chain[1:]):
            net.add_edge(u, v, weight=1.0, delay=1)
        net.add_group("delay_line", chain[1:-1], label="delay line")
    return _describe(net, "echo-memory", (
        f"A delay line built by hand: the input x passes through memory neurons, one step per "
        f"edge (each edge has an explicit delay of 1), and comes out at y {k} steps later: "
        f"y(t) = x(t-{k}). Step through a sequence and watch each value travel one neuron to "
        f"the right per time step. The weights already solve the echo task (loss 0)."),
        training_block("echo", {"k": k}, lr=0.01, epochs=50, batch_size=None, clip=None))


WINDOW_TASK = ("sine", {})


def window_windowed() -> Network:
    net = tpl.windowed(1, 4, 6, 1, seed=0)
    return _describe(net, "window-vs-recurrent-windowed", (
        "A feedforward network over a window: the tap neurons hold the input 1, 2 and 3 steps "
        "back (explicit delays, fixed weights), so the hidden layer sees the last 4 inputs at "
        "once. No cycle, no state: anything older than the window is forgotten. It learns the "
        "sine task well because 4 recent values pin down a sine wave. Compare with "
        "window-vs-recurrent-recurrent.rnn.json, which solves the same task with a state."),
        training_block(*WINDOW_TASK, lr=0.02, epochs=150, batch_size=16, clip=1.0))


def window_recurrent() -> Network:
    net = tpl.elman(1, 6, 1, seed=0)
    return _describe(net, "window-vs-recurrent-recurrent", (
        "The same sine task as window-vs-recurrent-windowed.rnn.json, solved by a recurrent "
        "(Elman) network of 6 neurons: instead of a fixed window of past inputs it keeps a "
        "state, fed back through delay-1 edges, that can in principle remember arbitrarily far "
        "back. Compare the number of parameters, the loss after training, and what each does "
        "when the wave changes."),
        training_block(*WINDOW_TASK, lr=0.02, epochs=150, batch_size=16, clip=1.0))


def jordan() -> Network:
    net = tpl.jordan(1, 6, 1, seed=0)
    return _describe(net, "jordan", (
        "A Jordan network: the output of the previous step is fed back to the hidden layer "
        "(the delay-1 edges from y0 back to the left). Its only memory is what it said last. "
        "On the sine task its own last prediction is a good summary of the wave so far."),
        training_block("sine", {}, lr=0.02, epochs=150, batch_size=16, clip=1.0))


def unit_3_5_4() -> Network:
    net = tpl.unit_3_5_4(seed=0)
    return _describe(net, "unit-3-5-4", net.description + (
        " It is trained to imitate a hidden random unit of the same shape (task 'teacher'): "
        "the loss can go close to 0 because a solution exists."), net.training)


def lstm_adding() -> Network:
    net = tpl.lstm(2, 4, 1, seed=0)
    collapse(net, [g for g in net.groups if g != "outputs"])
    return _describe(net, "lstm-adding", (
        "An LSTM of 4 cells built from neurons, drawn as the usual cell diagram: each block is "
        "a family of 4 neurons, one per cell (double-click a block to see them). The inputs x "
        "and the previous h feed the gates i, f, o and the candidate g; the cell c adds i · g "
        "to f · c(t-1), and h = o · tanh(c). On the adding problem two numbers are marked "
        "somewhere in a sequence of 50 and the network must output their sum at the end. "
        "Always answering 1 gives a loss of about 0.17; an LSTM gets far below that because "
        "its cells hold a value through the gated self-loop from c through f · c(t-1) back to "
        "c (forget gate near 1) for as long as needed. Watch the gates' strips in the "
        "step-through view."),
        training_block("adding", {"T": 50}, lr=0.01, epochs=300, batch_size=32, clip=1.0))


def collapse(net: Network, gids) -> None:
    """Open with these groups collapsed (the examples' scripts arrange them afterwards)."""
    for gid in gids:
        net.set_group_collapsed(gid, True)


EXAMPLES = {
    "elman-sine": elman_sine, "rain": rain, "echo-memory": echo_memory,
    "window-vs-recurrent-windowed": window_windowed,
    "window-vs-recurrent-recurrent": window_recurrent, "jordan": jordan,
    "unit-3-5-4": unit_3_5_4, "lstm-adding": lstm_adding,
}


def main(out_dir: Path = HERE) -> list[Path]:
    paths = []
    for name, build in EXAMPLES.items():
        net = build()
        layout.apply(net, layout.arrange(net))  # templates are arranged; hand-built ones too
        net.validate()
        path = Path(out_dir) / f"{name}.rnn.json"
        save(net, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in main():
        print(p.relative_to(HERE.parent) if p.is_relative_to(HERE.parent) else p)
