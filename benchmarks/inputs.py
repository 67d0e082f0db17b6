"""Hostile inputs: how long each takes to open or be refused, and how much memory it takes.

    python benchmarks/inputs.py [--only NAME ...] [--cap-gb 6] [--timeout 60]

Each case runs in its own child process with its address space capped (`--cap-gb`, so a case
that would take all memory fails there with a MemoryError instead of taking the machine) and a
time limit. One line per case: the outcome (the error's type and message, or what was built),
the wall time and the child's peak resident memory. Issue 14, items 5-8; the 5,000-node load is
the yardstick that the checks must not make loading slower.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 2 ** 20


# ---------------------------------------------------------------------- the cases (child side)
def _net_file(folder: Path, view=None, training=None, nodes: int = 1, edges: int = 0) -> Path:
    """A network file; with `view` or `training` text spliced in verbatim (no Python objects
    of that size are built here, so the child's memory is the loader's)."""
    import rnnstudio as rs
    if nodes > 1:
        from benchmarks.canvas import random_network
        net = random_network(nodes, edges)
    else:
        net = rs.Network("hostile")
        net.add_input("x")
        net.add_output("y")
        net.add_edge("x", "y", weight=0.5)
    text = rs.io.dumps(net)
    for key, block in (("view", view), ("training", training)):
        if block is not None:
            text = text.replace(f'"{key}": {{}}', f'"{key}": {block}', 1)
    path = folder / "net.rnn.json"
    path.write_text(text)
    return path


def _numbers(n: int) -> str:
    return '{"data": [' + ",".join(["0.5"] * n) + "]}"


def case_load_5k(folder: Path) -> str:
    import rnnstudio as rs
    path = _net_file(folder, nodes=5000, edges=50000)
    _reset_peak()
    t = time.perf_counter()
    net = rs.load(path)
    return _timed(t, f"loaded {len(net.graph)} nodes, {net.graph.number_of_edges()} edges "
                     f"({path.stat().st_size / MB:.1f} MB)")


def case_view_10m(folder: Path) -> str:
    return _load_big_block(folder, "view", 10_000_000)


def case_view_50m(folder: Path) -> str:
    return _load_big_block(folder, "view", 50_000_000)


def case_training_10m(folder: Path) -> str:
    return _load_big_block(folder, "training", 10_000_000)


def _load_big_block(folder: Path, key: str, n: int) -> str:
    import rnnstudio as rs
    path = _net_file(folder, **{key: _numbers(n)})
    size = path.stat().st_size / MB
    _reset_peak()
    t = time.perf_counter()
    net = rs.load(path)
    return _timed(t, f"{size:.0f} MB file loaded, {key} kept ({len(getattr(net, key)['data'])} "
                     "numbers)")


def case_load_fifo(folder: Path) -> str:
    import rnnstudio as rs
    fifo = folder / "net.rnn.json"
    os.mkfifo(fifo)
    t = time.perf_counter()
    rs.load(fifo)
    return _timed(t, "returned")


def case_task_big(folder: Path) -> str:
    return _task("sine", T=100_000, n_seq=5_000)


def case_task_huge(folder: Path) -> str:
    return _task("sine", T=100_000, n_seq=100_000)


def _task(name: str, **params) -> str:
    from rnnstudio.ui.training.data import load_sequences
    from rnnstudio.ui.training.settings import TrainingSettings
    import rnnstudio as rs
    net = rs.Network()
    net.add_input("x")
    net.add_output("y")
    s = TrainingSettings(task=name, task_params=params)
    t = time.perf_counter()
    X, Y, _ = load_sequences(s, net)
    return _timed(t, f"built X {X.shape} ({X.nbytes / MB:.0f} MB)")


def case_csv_dev_zero(folder: Path) -> str:
    return _csv("/dev/zero")


def case_csv_fifo(folder: Path) -> str:
    fifo = folder / "data.csv"
    os.mkfifo(fifo)
    return _csv(fifo)


def _csv(path, **kw) -> str:
    from rnnstudio import tasks
    t = time.perf_counter()
    X, Y = tasks.from_csv(path, inputs=["a"], targets=["b"], **kw)
    return _timed(t, f"built X {X.shape}")


def _rows_csv(folder: Path, rows: int) -> Path:
    import numpy as np
    path = folder / "rows.csv"
    with open(path, "w") as f:
        f.write("a,b\n")
        step = 100_000
        for start in range(0, rows, step):
            i = np.arange(start, min(start + step, rows))
            f.write("".join(f"{a:.4f},{b:.4f}\n" for a, b in zip(np.sin(i * 0.01),
                                                               np.cos(i * 0.01))))
    return path


def case_csv_1m_w1000_s1(folder: Path) -> str:
    path = _rows_csv(folder, 1_000_000)
    _reset_peak()
    return _csv(path, window=1000, stride=1)


def case_csv_1m_w1000_s500(folder: Path) -> str:
    path = _rows_csv(folder, 1_000_000)
    _reset_peak()
    return _csv(path, window=1000, stride=500)


def case_csv_100k_w100_s1(folder: Path) -> str:
    """Overlapping windows within the budget (their copy: 160 MB): views share the rows."""
    path = _rows_csv(folder, 100_000)
    _reset_peak()
    return _csv(path, window=100, stride=1)


def case_cli_dev_zero(folder: Path) -> str:
    return _cli(folder, "/dev/zero")


def case_cli_fifo(folder: Path) -> str:
    fifo = folder / "data.csv"
    os.mkfifo(fifo)
    return _cli(folder, str(fifo))


def _cli(folder: Path, csv: str) -> str:
    path = _net_file(folder)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rnnstudio", "train", str(path), "--csv", csv,
                          "--inputs", "a", "--targets", "b", "--epochs", "1"],
                         capture_output=True, text=True, timeout=TIMEOUT[0])
    message = (out.stderr.strip().splitlines() or [""])[-1]
    return _timed(t, f"exit {out.returncode}: {message[:150]}")


CASES = {name[5:]: func for name, func in globals().items() if name.startswith("case_")}
TIMEOUT = [60.0]


def _reset_peak() -> None:
    """Peak RSS counts from here (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _timed(t0: float, text: str) -> str:
    return f"{time.perf_counter() - t0:.2f} s: {text}"


def _peak_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def child(name: str, cap_gb: float) -> None:
    cap = int(cap_gb * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        try:
            result = "ok, " + CASES[name](Path(tmp))
        except BaseException as exc:  # the outcome is the point: report whatever escaped
            result = (f"{time.perf_counter() - t:.2f} s: {type(exc).__name__}: "
                      f"{str(exc)[:200]}")
        print(json.dumps({"result": result, "peak_mb": _peak_mb()}), flush=True)


# ---------------------------------------------------------------------- the parent side
def run_case(name: str, cap_gb: float, timeout: float) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, __file__, "--child", name, "--cap-gb", str(cap_gb),
                             "--timeout", str(timeout)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    t = time.perf_counter()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = _peak_mb(proc.pid)
        proc.kill()
        proc.communicate()
        return f"{name}: HANG (killed after {timeout:.0f} s), peak RSS {peak:.0f} MB"
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if not lines:
        return f"{name}: child died ({proc.returncode}) after {time.perf_counter() - t:.1f} s: " \
               f"{err.strip()[-200:]}"
    data = json.loads(lines[-1])
    return f"{name}: {data['result']}; peak RSS {data['peak_mb']:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run (default all)")
    p.add_argument("--cap-gb", type=float, default=6.0, help="address-space cap per case")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    TIMEOUT[0] = args.timeout
    if args.child:
        child(args.child, args.cap_gb)
        return 0
    for name in args.only or CASES:
        print(run_case(name, args.cap_gb, args.timeout), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
