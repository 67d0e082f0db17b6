"""Engine speed: Elman, LSTM and GRU against torch (when installed), general graphs, the peak
memory of a training step, compile time.

    python benchmarks/engine.py [--quick] [--only elman,gated,graph,memory,compile]

One BLAS thread (set here before numpy is imported). Times are the best of several runs; ours
and torch's alternate in rounds within the same process, so machine noise hits both alike.
"step" is one training step: forward, BPTT and an Adam update (torch: the same with its
autograd and torch.optim.Adam). Ratios below 1 mean RNN Studio is faster.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import gc  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnstudio import templates  # noqa: E402
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
SECTIONS = ("elman", "gated", "graph", "memory", "compile")


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


# ---------------------------------------------------------------------- networks
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


# ---------------------------------------------------------------------- torch
def _torch_fns(kind: str, H: int, X, Y, dtype: str) -> dict:
    tdt = torch.float64 if dtype == "float64" else torch.float32
    layer = {"elman": lambda: torch.nn.RNN(N_IN, H, nonlinearity="tanh"),
             "lstm": lambda: torch.nn.LSTM(N_IN, H), "gru": lambda: torch.nn.GRU(N_IN, H)}
    rnn = layer[kind]().to(tdt)
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


def recurrent_row(kind: str, H: int, T: int, dtype: str, repeat: int) -> dict:
    rng = np.random.default_rng(0)
    net = {"elman": lambda: elman(N_IN, H, N_OUT), "lstm": lambda: templates.lstm(N_IN, H, N_OUT),
           "gru": lambda: templates.gru(N_IN, H, N_OUT)}[kind]()
    X = rng.normal(size=(T, BATCH, N_IN)).astype(dtype)
    Y = rng.normal(size=(T, BATCH, N_OUT)).astype(dtype)
    prog = compile(net, dtype)
    trainer = Trainer(net, lr=1e-4, dtype=dtype)
    fns = {"fwd": lambda: forward(prog, X), "step": lambda: trainer.train_step(X, Y)}
    if torch is not None:
        fns.update(_torch_fns(kind, H, X, Y, dtype))
    r = interleaved(fns, repeat)
    r["levels"] = prog.n_levels
    return r


def _print_recurrent(kind: str, sizes, Ts, repeat: int) -> None:
    print(f"{'net':>6} {'H':>4} {'T':>5} {'dtype':>7} {'lv':>3} | {'fwd':>8} {'torch':>8} "
          f"{'ratio':>6} | {'step':>8} {'torch':>8} {'ratio':>6}")
    for H in sizes:
        for T in Ts:
            for dtype in ("float64", "float32"):
                r = recurrent_row(kind, H, T, dtype, max(3, repeat // (4 if T >= 1000 else 1)))
                tf, ts = r.get("torch_fwd"), r.get("torch_step")
                print(f"{kind:>6} {H:>4} {T:>5} {dtype:>7} {r['levels']:>3} | {r['fwd']:8.2f} "
                      f"{_f(tf)} {_ratio(r['fwd'], tf)} | {r['step']:8.2f} {_f(ts)} "
                      f"{_ratio(r['step'], ts)}", flush=True)


# ---------------------------------------------------------------------- general graphs
def graph_row(n: int, T: int, N: int, repeat: int) -> dict:
    net = random_graph(n, 10 * n)
    prog = compile(net)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(T, N, len(net.inputs)))
    Y = rng.normal(size=(T, N, len(net.outputs)))
    trainer = Trainer(net, lr=1e-4)
    r = interleaved({"fwd": lambda: forward(prog, X),
                     "step": lambda: trainer.train_step(X, Y)}, repeat)
    return {"levels": prog.n_levels, "fwd": r["fwd"] / T, "step": r["step"] / T}


# ---------------------------------------------------------------------- memory
def memory_row(net: Network, T: int, N: int) -> dict:
    """Peak bytes numpy allocates during a fresh trainer's first two training steps (over
    what is already held: the network, X, Y), and the value array's size."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(T, N, len(net.inputs)))
    Y = rng.normal(size=(T, N, len(net.outputs)))
    gc.collect()
    tracemalloc.start()
    trainer = Trainer(net, lr=1e-4)
    base = tracemalloc.get_traced_memory()[0]
    trainer.train_step(X, Y)
    trainer.train_step(X, Y)
    held = tracemalloc.get_traced_memory()[0] - base
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    p = trainer.program
    values = (p.P + T + p.Q) * N * p.C * p.dtype.itemsize
    trainer.fit(X, Y, epochs=1)
    return {"values": values, "peak": peak, "held": held}


def _print_memory() -> None:
    print("\nPeak memory of a training step (tracemalloc; value array = (P+T+Q) x batch x "
          "columns), f64")
    cases = [("LSTM 128 cells, T=100, batch 32", templates.lstm(N_IN, 128, N_OUT), 100, 32),
             ("graph 5,000 nodes, T=100, batch 32", random_graph(5000, 50000), 100, 32)]
    for label, net, T, N in cases:
        r = memory_row(net, T, N)
        mb = 1 / 2 ** 20
        print(f"  {label}: values {r['values'] * mb:.0f} MB, peak {r['peak'] * mb:.0f} MB "
              f"({r['peak'] / r['values']:.2f}x), held after the step {r['held'] * mb:.0f} MB "
              f"({r['held'] / r['values']:.2f}x)", flush=True)


# ---------------------------------------------------------------------- compile
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


def main(quick: bool = False, only=SECTIONS) -> None:
    repeat = 5 if quick else 15
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}, batch {BATCH}, best of {repeat}")
    if "elman" in only:
        print("\nElman 4-H-1 (tanh hidden, identity out) vs torch.nn.RNN + Linear, ms; "
              "lv = levels per step")
        _print_recurrent("elman", (64, 256), (100,) if quick else (100, 1000), repeat)
    if "gated" in only:
        print("\nLSTM / GRU 4-H-1 (templates.lstm / gru) vs torch.nn.LSTM / GRU + Linear, ms")
        for kind in ("lstm", "gru"):
            _print_recurrent(kind, (64, 128), (100,), repeat)
    if "graph" in only:
        print("\nRandom general graphs (10 edges per node, auto ordering), batch 32, ms per "
              "time step")
        for n, T in ((1000, 50), (5000, 20)):
            r = graph_row(n, T, BATCH, max(3, repeat // 5))
            print(f"  {n} nodes, {10 * n} edges: {r['levels']} levels per step, forward "
                  f"{r['fwd']:.3f}, training step {r['step']:.3f}", flush=True)
    if "memory" in only:
        _print_memory()
    if "compile" in only:
        r = compile_row(repeat=3 if quick else 5)
        print(f"\nCompile 5,000 neurons / 50,000 edges: {r['compile']:.1f} ms "
              f"(the model's ordering + delays first: {r['ordering']:.0f} ms; building the "
              f"network {r['build_s']:.1f} s; {r['levels']} levels)")


def _f(x) -> str:
    return f"{x:8.2f}" if x is not None else f"{'-':>8}"


def _ratio(ours, theirs) -> str:
    return f"{ours / theirs:6.2f}" if theirs else f"{'-':>6}"


def _sections(argv: list[str]) -> tuple:
    if "--only" not in argv:
        return SECTIONS
    chosen = tuple(argv[argv.index("--only") + 1].split(","))
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    return chosen


if __name__ == "__main__":
    main(quick="--quick" in sys.argv, only=_sections(sys.argv))
