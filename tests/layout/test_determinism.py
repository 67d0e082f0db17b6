"""The same file gives the same picture in every process: arrange and the rendered canvas
do not depend on the hash seed (set and dict order of strings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("1", "2", "3")
ARRANGE = """
import json, random, rnnstudio as rs
nets = [rs.load(p) for p in sorted(__import__("pathlib").Path("examples").glob("*.rnn.json"))]
nets += [rs.templates.lstm(2, 4, 1), rs.templates.bidirectional(1, 4, 1)]
rng = random.Random(7)
net = rs.Network()
for i in range(80):
    net.add_node(f"n{i}", "input" if i < 4 else "output" if i > 76 else "neuron")
for _ in range(400):
    u, v = rng.randrange(80), rng.randrange(4, 80)
    if u != v and not net.has_edge(f"n{u}", f"n{v}"):
        net.add_edge(f"n{u}", f"n{v}")
for k in range(0, 60, 12):
    net.add_group(f"g{k}", [f"n{i}" for i in range(4 + k, 16 + k)])
nets.append(net)
out = [rs.layout.arrange(n) for n in nets]
routes = [rs.layout.route_arcs(p, n.backward_edges()) for p, n in zip(out, nets)]
print(json.dumps([sorted(p.items()) for p in out]))
print(repr([sorted(r.items()) for r in routes]))
"""


def run(args, seed: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=240, check=True)


def test_arrange_and_routes_do_not_depend_on_the_hash_seed():
    outs = {run(["-c", ARRANGE], s, ROOT).stdout for s in SEEDS}
    assert len(outs) == 1


@pytest.mark.parametrize("name", ["elman-sine", "lstm-adding", "jordan"])
def test_a_file_renders_to_the_same_png_under_any_hash_seed(tmp_path, name):
    pytest.importorskip("PySide6")
    net = ROOT / "examples" / f"{name}.rnn.json"
    images = set()
    for seed in SEEDS:
        out = tmp_path / f"{seed}.png"
        run(["-m", "rnnstudio", "render", str(net), str(out), "--scale", "1"], seed, tmp_path)
        images.add(out.read_bytes())
    assert len(images) == 1
