"""Engine speed: Elman, LSTM and GRU against torch (when installed), general graphs, the peak
memory of a training step, compile time.

    python benchmarks/engine.py [--quick] [--cpu] [--only elman,gated,graph,memory,compile]
                                [--baseline DIR]

One BLAS thread (set here before numpy is imported). Times are the best of several runs; ours
and torch's alternate in rounds within the same process, so machine noise hits both alike.
"step" is one training step: forward, BPTT and an Adam update (torch: the same with its
autograd and torch.optim.Adam). Ratios below 1 mean RNN Studio is faster.

--cpu times with the process's CPU time instead of the wall clock: on a machine shared with
other work, time spent waiting for a core then does not count (cache contention still does).
--baseline DIR also times the general graphs and the compile with the RNN Studio checkout in DIR
(e.g. `git worktree add /tmp/base <commit>`), each in fresh processes alternating with this one,
and prints the ratios (below 1: this checkout is faster).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import gc  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.environ.get("RNNSTUDIO_BENCH_ROOT", str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, ROOT)

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
GRAPHS = ((1000, 50), (5000, 20))           # nodes (10 edges each), time steps
clock = time.perf_counter


def best(fn, repeat: int) -> float:
    """Best time in ms of `repeat` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
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


def _child(root: str, args: list[str]) -> dict:
    """This script's --json mode run with the RNN Studio checkout in `root`."""
    env = dict(os.environ, RNNSTUDIO_BENCH_ROOT=root, PYTHONPATH=root)
    out = subprocess.run([sys.executable, __file__, "--json"] + args, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def against_baseline(baseline: str, args: list[str], rounds: int = 3) -> tuple[dict, dict]:
    """Best figures of this checkout and the baseline, each measured in fresh processes,
    alternating."""
    ours: dict = {}
    theirs: dict = {}
    for _ in range(rounds):
        for store, root in ((ours, ROOT), (theirs, baseline)):
            for k, v in _child(root, args).items():
                store[k] = min(store.get(k, v), v) if isinstance(v, float) else v
    return ours, theirs


def _print_graphs(repeat: int, baseline: str | None) -> None:
    print(f"\nRandom general graphs (10 edges per node, auto ordering), batch {BATCH}, ms per "
          "time step" + (f"; baseline {baseline}" if baseline else ""))
    for n, T in GRAPHS:
        if baseline:
            r, b = against_baseline(baseline, _flags() + ["graph", str(n), str(T)])
            print(f"  {n} nodes, {10 * n} edges: {r['levels']} levels per step, forward "
                  f"{r['fwd']:.3f} (baseline {b['fwd']:.3f}, {b['fwd'] / r['fwd']:.2f}x faster), "
                  f"training step {r['step']:.3f} (baseline {b['step']:.3f}, "
                  f"{b['step'] / r['step']:.2f}x faster)", flush=True)
        else:
            r = graph_row(n, T, BATCH, max(3, repeat // 5))
            print(f"  {n} nodes, {10 * n} edges: {r['levels']} levels per step, forward "
                  f"{r['fwd']:.3f}, training step {r['step']:.3f}", flush=True)


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


def _print_compile(quick: bool, baseline: str | None) -> None:
    repeat = 3 if quick else 5
    if baseline:
        r, b = against_baseline(baseline, _flags() + ["compile", str(repeat)])
        extra = f" (baseline {b['compile']:.1f} ms)"
    else:
        r, extra = compile_row(repeat=repeat), ""
    print(f"\nCompile 5,000 neurons / 50,000 edges: {r['compile']:.1f} ms{extra} (the model's "
          f"ordering + delays first: {r['ordering']:.0f} ms; building the network "
          f"{r['build_s']:.1f} s; {r['levels']} levels)")


def main(quick: bool = False, only=SECTIONS, baseline: str | None = None) -> None:
    repeat = 5 if quick else 15
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"BLAS threads {os.environ['OPENBLAS_NUM_THREADS']} ({_blas_kernels()}), batch {BATCH}, "
          f"best of {repeat}, {'CPU time' if clock is time.process_time else 'wall clock'}")
    if "elman" in only:
        print("\nElman 4-H-1 (tanh hidden, identity out) vs torch.nn.RNN + Linear, ms; "
              "lv = levels per step")
        _print_recurrent("elman", (64, 256), (100,) if quick else (100, 1000), repeat)
    if "gated" in only:
        print("\nLSTM / GRU 4-H-1 (templates.lstm / gru) vs torch.nn.LSTM / GRU + Linear, ms")
        for kind in ("lstm", "gru"):
            _print_recurrent(kind, (64, 128), (100,), repeat)
    if "graph" in only:
        _print_graphs(repeat, baseline)
    if "memory" in only:
        _print_memory()
    if "compile" in only:
        _print_compile(quick, baseline)


def _json(args: list[str]) -> dict:
    """One measurement for against_baseline, with whatever rnnstudio is importable."""
    if args[0] == "graph":
        return graph_row(int(args[1]), int(args[2]), BATCH, 3)
    return compile_row(repeat=int(args[1]))


def _blas_kernels() -> str:
    """numpy's BLAS and the kernels it picked (OpenBLAS: AVX2 "Haswell" kernels run the small
    GEMMs about half as fast as AVX-512 "SkylakeX" ones; OPENBLAS_CORETYPE forces a choice)."""
    from threadpoolctl import threadpool_info
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        return "BLAS unknown"
    info = blas[0]
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return (f"{info.get('internal_api')} {info.get('architecture') or ''}".strip()
            + (f", OPENBLAS_CORETYPE={forced}" if forced is not None else ""))


def _f(x) -> str:
    return f"{x:8.2f}" if x is not None else f"{'-':>8}"


def _ratio(ours, theirs) -> str:
    return f"{ours / theirs:6.2f}" if theirs else f"{'-':>6}"


def _flags() -> list[str]:
    return ["--cpu"] if clock is time.process_time else []


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def _sections(argv: list[str]) -> tuple:
    chosen = _option(argv, "--only")
    if chosen is None:
        return SECTIONS
    chosen = tuple(chosen.split(","))
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    return chosen


if __name__ == "__main__":
    if "--cpu" in sys.argv:
        clock = time.process_time
    if "--json" in sys.argv:
        rest = [a for a in sys.argv[sys.argv.index("--json") + 1:] if a != "--cpu"]
        print(json.dumps(_json(rest)))
    else:
        main(quick="--quick" in sys.argv, only=_sections(sys.argv),
             baseline=_option(sys.argv, "--baseline"))
