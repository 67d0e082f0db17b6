"""Engine speed: Elman nets against torch (when installed), a general graph, compile time.

    python benchmarks/engine.py [--quick]

One BLAS thread (set here before numpy is imported). Times are the best of several runs; ours
and torch's alternate in rounds within the same process, so machine noise hits both alike.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnstudio.engine import Trainer, compile  # noqa: E402
from rnnstudio.engine.compiler import build  # noqa: E402
from rnnstudio.engine.forward import forward  # noqa: E402
from rnnstudio.model import Network  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None

BATCH, N_IN, N_OUT = 32, 4, 1


def elman(n_in: int, n_hidden: int, n_out: int, seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    net = Network(f"elman {n_in}-{n_hidden}-{n_out}")
    with net.batch():
        xs = [net.add_input(f"x{i}") for i in range(n_in)]
        hs = [net.add_neuron(f"h{i}", activation="tanh") for i in range(n_hidden)]
        ys = [net.add_output(f"y{i}") for i in range(n_out)]
        s = 1 / np.sqrt(n_hidden)
        for h in hs:
            for x in xs:
                net.add_edge(x, h, weight=float(rng.uniform(-s, s)))
            for u in hs:
                net.add_edge(u, h, weight=float(rng.uniform(-s, s)), delay=1)
        for y in ys:
            for h in hs:
                net.add_edge(h, y, weight=float(rng.uniform(-s, s)))
    return net


def best(fn, repeat: int) -> float:
    """Best time in ms of `repeat` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times)


def interleaved(fns: dict, repeat: int, rounds: int = 3) -> dict:
    """Best times in ms of several functions: in each round every function runs `repeat`
    times in a row (warm caches), and the rounds alternate between them, so slow phases of a
    noisy machine hit all of them alike."""
    best_ms = {k: float("inf") for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            best_ms[k] = min(best_ms[k], best(fn, max(1, repeat // rounds)))
    return best_ms


def elman_row(H: int, T: int, dtype: str, repeat: int) -> dict:
    rng = np.random.default_rng(0)
    net = elman(N_IN, H, N_OUT)
    X = rng.normal(size=(T, BATCH, N_IN)).astype(dtype)
    Y = rng.normal(size=(T, BATCH, N_OUT)).astype(dtype)
    prog = compile(net, dtype)
    trainer = Trainer(net, lr=1e-4, dtype=dtype)
    fns = {"fwd": lambda: forward(prog, X), "step": lambda: trainer.train_step(X, Y)}
    if torch is not None:
        fns.update(_torch_fns(H, X, Y, dtype))
    return interleaved(fns, repeat)


def _torch_fns(H: int, X, Y, dtype: str) -> dict:
    tdt = torch.float64 if dtype == "float64" else torch.float32
    rnn = torch.nn.RNN(N_IN, H, nonlinearity="tanh").to(tdt)
    lin = torch.nn.Linear(H, N_OUT).to(tdt)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(lin.parameters()), lr=1e-4)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

    def fwd():
        with torch.no_grad():
            lin(rnn(Xt)[0])

    def step():
        opt.zero_grad()
        loss = ((lin(rnn(Xt)[0]) - Yt) ** 2).mean()
        loss.backward()
        opt.step()

    return {"torch_fwd": fwd, "torch_step": step}


def random_graph(n: int, m: int, n_in: int = 10, n_out: int = 10, seed: int = 0) -> Network:
    """n nodes (n_in inputs, n_out outputs), m random edges, auto ordering."""
    rng = np.random.default_rng(seed)
    net = Network("random")
    acts = ("tanh", "sigmoid", "identity", "relu")
    with net.batch():
        nodes = [net.add_input(f"x{i}") for i in range(n_in)]
        others = [net.add_neuron(f"h{i}", activation=acts[i % 4])
                  for i in range(n - n_in - n_out)]
        others += [net.add_output(f"y{i}") for i in range(n_out)]
        nodes += others
        seen = set()
        while len(seen) < m:
            u, v = nodes[rng.integers(len(nodes))], others[rng.integers(len(others))]
            if (u, v) not in seen:
                seen.add((u, v))
                net.add_edge(u, v, weight=float(rng.normal(0, 0.3)))
    return net


def general_row(n: int, m: int, T: int, N: int, repeat: int) -> dict:
    net = random_graph(n, m)
    prog = compile(net)
    X = np.random.default_rng(1).normal(size=(T, N, len(net.inputs)))
    ms = best(lambda: forward(prog, X), repeat)
    return {"levels": prog.n_levels, "fwd": ms, "per_step": ms / T}


def compile_row(n: int = 5000, m: int = 50000, repeat: int = 5) -> dict:
    t0 = time.perf_counter()
    net = random_graph(n, m)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    net.ordering()
    net.delays()
    order_ms = 1e3 * (time.perf_counter() - t0)
    return {"build_s": made, "ordering": order_ms, "compile": best(lambda: build(net), repeat),
            "levels": build(net).n_levels}


def main(quick: bool = False) -> None:
    repeat = 5 if quick else 15
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}, batch {BATCH}, best of {repeat}")
    print("\nElman 4-H-1 (tanh hidden, identity out); step = forward + BPTT + Adam, ms")
    print(f"{'H':>4} {'T':>5} {'dtype':>7} | {'fwd':>8} {'torch':>8} {'ratio':>6} | "
          f"{'step':>8} {'torch':>8} {'ratio':>6}")
    for H in (64, 256):
        for T in (100, 1000):
            for dtype in ("float64", "float32"):
                r = elman_row(H, T, dtype, max(3, repeat // (4 if T == 1000 else 1)))
                tf, ts = r.get("torch_fwd"), r.get("torch_step")
                print(f"{H:>4} {T:>5} {dtype:>7} | {r['fwd']:8.2f} {_f(tf)} {_ratio(r['fwd'], tf)} | "
                      f"{r['step']:8.2f} {_f(ts)} {_ratio(r['step'], ts)}")
    print("\nRandom general graphs (auto ordering), forward, batch 8, T = 50")
    for n, m in ((200, 1000), (1000, 5000)):
        r = general_row(n, m, 50, 8, max(3, repeat // 3))
        print(f"  {n} nodes, {m} edges: {r['levels']} levels per step, {r['fwd']:.1f} ms, "
              f"{r['per_step']:.3f} ms per step")
    r = compile_row(repeat=3 if quick else 5)
    print(f"\nCompile 5,000 neurons / 50,000 edges: {r['compile']:.1f} ms "
          f"(the model's ordering + delays first: {r['ordering']:.0f} ms; building the network "
          f"{r['build_s']:.1f} s; {r['levels']} levels)")


def _f(x) -> str:
    return f"{x:8.2f}" if x is not None else f"{'-':>8}"


def _ratio(ours, theirs) -> str:
    return f"{ours / theirs:6.2f}" if theirs else f"{'-':>6}"


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
