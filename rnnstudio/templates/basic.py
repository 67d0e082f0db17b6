"""Simple recurrent templates: Elman, Jordan, the 3-5-4 unit, windowed feedforward,
many-to-one and bidirectional networks. Inputs on the left, outputs on the right."""

from __future__ import annotations

from ..model import Network
from .common import Builder, check_sizes, ids, set_natural_training, training_block
from .init import init_weights


def elman(n_in: int, n_hidden: int, n_out: int, activation: str = "tanh",
          out_activation: str = "identity", seed: int = 0) -> Network:
    """An Elman network: a layer of hidden neurons that reads the inputs and, through explicit
    delay-1 edges (self-loops included), the whole layer's previous state; outputs read it."""
    check_sizes(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    net = Network(name=f"Elman {n_in}-{n_hidden}-{n_out}", description=(
        "An Elman network: each hidden neuron reads the inputs of this step and every hidden "
        "neuron's value of the previous step (the delay-1 edges, self-loops included). That "
        "state is the network's memory; the outputs read it."))
    xs, hs, ys = ids("x", n_in), ids("h", n_hidden), ids("y", n_out)
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        b.neurons(hs, activation=activation)
        b.outputs(ys, activation=out_activation)
        b.dense(xs, hs)
        b.dense(hs, hs, delay=1)
        b.dense(hs, ys)
        b.groups(("inputs", "inputs", xs), ("hidden", "hidden", hs), ("outputs", "outputs", ys))
        b.arrange()
        init_weights(net, seed)
    set_natural_training(net, n_in, n_out, out_activation)
    return net


def jordan(n_in: int, n_hidden: int, n_out: int, activation: str = "tanh",
           out_activation: str = "identity", seed: int = 0) -> Network:
    """A Jordan network: the outputs of the previous step are fed back to the hidden layer
    (delay-1 edges from outputs to hidden neurons); no hidden-to-hidden edges."""
    check_sizes(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    net = Network(name=f"Jordan {n_in}-{n_hidden}-{n_out}", description=(
        "A Jordan network: the hidden layer reads the inputs and the network's own outputs of "
        "the previous step (delay-1 edges from right to left). Its only memory is what it "
        "said."))
    xs, hs, ys = ids("x", n_in), ids("h", n_hidden), ids("y", n_out)
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        b.neurons(hs, activation=activation)
        b.outputs(ys, activation=out_activation)
        b.dense(xs, hs)
        b.dense(hs, ys)
        b.dense(ys, hs, delay=1)
        b.groups(("inputs", "inputs", xs), ("hidden", "hidden", hs), ("outputs", "outputs", ys))
        b.arrange()
        init_weights(net, seed)
    set_natural_training(net, n_in, n_out, out_activation)
    return net


def unit_3_5_4(seed: int = 0) -> Network:
    """The textbook recurrent unit: 3 inputs, a state of 5 tanh neurons, 4 outputs (an Elman
    layer), trained to imitate a hidden random unit of the same shape (task "teacher")."""
    net = elman(3, 5, 4, seed=seed)
    net.set_meta(name="Recurrent unit 3-5-4", description=(
        "The textbook recurrent unit: 3 inputs x(t), a state h(t) = tanh(W x(t) + U h(t-1) + b) "
        "of 5 neurons, and 4 linear outputs y(t) = V h(t) + c. The 25 delay-1 edges between "
        "state neurons are the matrix U."),
        training=training_block("teacher", {"n_in": 3, "n_hidden": 5, "n_out": 4},
                                lr=0.02, epochs=300))
    return net


def _taps(b: Builder, xs: list[str], window: int) -> dict[str, list[str]]:
    """For each input, identity relay neurons reading it 1 .. window-1 steps back."""
    taps = {}
    for x in xs:
        taps[x] = [f"{x}_d{d}" for d in range(1, window)]
        b.neurons(taps[x], activation="identity", trainable=False)
        for d, tap in enumerate(taps[x], start=1):
            b.fixed(x, tap, 1.0, delay=d)
    return taps


def windowed(n_in: int, window: int, n_hidden: int, n_out: int, activation: str = "tanh",
             out_activation: str = "identity", seed: int = 0) -> Network:
    """A feedforward network over the last `window` inputs: each input feeds fixed relay ("tap")
    neurons that read it 1 .. window-1 steps back (explicit delays, weight 1, not trainable);
    the input and its taps feed a hidden layer, which feeds the outputs. No state."""
    check_sizes(n_in=n_in, window=window, n_hidden=n_hidden, n_out=n_out)
    net = Network(name=f"Windowed {n_in}x{window}-{n_hidden}-{n_out}", description=(
        f"A feedforward network that sees a window of the last {window} inputs: tap neurons "
        "read each input 1, 2, ... steps back through explicit delays. No cycles and no state: "
        "it forgets anything older than the window, unlike a recurrent network."))
    xs, hs, ys = ids("x", n_in), ids("h", n_hidden), ids("y", n_out)
    tap_ids = [f"{x}_d{d}" for x in xs for d in range(1, window)]
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        taps = _taps(b, xs, window)
        b.neurons(hs, activation=activation)
        b.outputs(ys, activation=out_activation)
        b.dense([n for x in xs for n in [x] + taps[x]], hs)
        b.dense(hs, ys)
        b.groups(("inputs", "inputs", xs), ("taps", "taps", tap_ids),
                 ("hidden", "hidden", hs), ("outputs", "outputs", ys))
        b.arrange()
        init_weights(net, seed)
    set_natural_training(net, n_in, n_out, out_activation)
    return net


def many_to_one(n_in: int = 8, n_hidden: int = 8, n_out: int = 1, activation: str = "tanh",
                out_activation: str = "sigmoid", seed: int = 0) -> Network:
    """An Elman network read at the last step only: the same graph as `elman`, with training
    hints for a many-to-one task (by default "rain": 8 one-hot events in, a chance out)."""
    net = elman(n_in, n_hidden, n_out, activation, out_activation, seed)
    net.set_meta(name=f"Many-to-one {n_in}-{n_hidden}-{n_out}", description=(
        "Many-to-one: the network reads a whole sequence and answers once, at the last step. "
        "The targets before it are empty (NaN), so the loss and its gradients come from the "
        "last step only and travel back through the delay-1 edges to every earlier step."))
    training = dict(net.training) or training_block(
        None, loss="bce" if out_activation == "sigmoid" else "mse")
    training["targets"] = "last"
    net.set_meta(training=training)
    return net


def bidirectional(n_in: int, n_hidden: int, n_out: int, activation: str = "tanh",
                  out_activation: str = "identity", seed: int = 0) -> Network:
    """A bidirectional network: a forward hidden layer (f*) that reads the past and a
    reverse-time hidden layer (b*, direction "reverse") that reads the future; the outputs read
    both at the same step."""
    check_sizes(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    net = Network(name=f"Bidirectional {n_in}-{n_hidden}+{n_hidden}-{n_out}", description=(
        "A bidirectional network: the forward layer (f0, f1, ...) remembers the past; the "
        "reverse-time layer (b0, b1, ...) is swept from the last step to the first, so its "
        "delay-1 edges read "
        "the *next* step. The outputs see both, so they can answer with the future in view."))
    xs, fs, bs, ys = ids("x", n_in), ids("f", n_hidden), ids("b", n_hidden), ids("y", n_out)
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        b.neurons(fs, activation=activation)
        b.neurons(bs, activation=activation, direction="reverse")
        b.outputs(ys, activation=out_activation)
        for layer in (fs, bs):
            b.dense(xs, layer)
            b.dense(layer, layer, delay=1)
        b.dense(fs + bs, ys)
        b.groups(("inputs", "inputs", xs), ("forward", "forward layer", fs),
                 ("backward", "backward layer (reverse time)", bs), ("outputs", "outputs", ys))
        b.arrange()
        init_weights(net, seed)
    if (n_in, n_out, out_activation) == (1, 1, "identity"):
        net.set_meta(training=training_block("echo", {"k": -2}))
    return net
