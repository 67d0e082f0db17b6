"""ONNX export checked with onnxruntime: several T and N from one model, float32 and float64,
golden cases and random graphs (skipped without onnx/onnxruntime)."""

import numpy as np
import pytest

import rnnstudio as rs
from tests.engine import netgen

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
ro = pytest.importorskip("rnnstudio.interop.onnx")

TOL = {"float32": 2e-6, "float64": 1e-12}  # relative to the outputs' size (at least 1)


def _session(net, dtype, tmp_path):
    path = ro.export(net, tmp_path / "net.onnx", dtype=dtype)
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _check(net, dtype, tmp_path, shapes=((1, 1), (4, 3), (17, 2)), seed=0):
    sess = _session(net, dtype, tmp_path)
    rng = np.random.default_rng(seed)
    worst = 0.0
    for T, N in shapes:
        X = rng.normal(size=(T, N, len(net.inputs)))
        ref = rs.run(net, X)
        (out,) = sess.run(None, {"X": X.astype(dtype)})
        assert out.shape == ref.shape and out.dtype == np.dtype(dtype)
        worst = max(worst, float(np.abs(out - ref).max() / max(1.0, np.abs(ref).max())))
    assert worst < TOL[dtype], worst
    return worst


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("path", netgen.golden_cases(), ids=lambda p: p.stem)
def test_golden_cases(path, dtype, tmp_path):
    case = netgen.load_case(path)
    net = netgen.golden_network(case)
    net.set_io_order(case["inputs"], case["outputs"])
    _check(net, dtype, tmp_path)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", range(10))
def test_random_graphs(seed, dtype, tmp_path):
    rng = np.random.default_rng(seed)
    net = netgen.random_network(rng, n_in=2, n_hidden=5, n_out=2,
                                p_reverse=0.3 if seed % 2 else 0.0, manual=seed % 3 == 0,
                                activations=("identity", "tanh", "sigmoid", "relu"))
    _check(net, dtype, tmp_path, seed=seed)


@pytest.mark.parametrize("name", ["lstm", "gru", "bidirectional", "windowed"])
def test_templates(name, tmp_path):
    make = rs.templates.TEMPLATES[name]
    net = make(2, 3, 3, 1) if name == "windowed" else make(2, 3, 1)
    _check(net, "float64", tmp_path)


def test_model_declares_free_time_and_batch(tmp_path):
    import onnx
    model = onnx.load(ro.export(rs.templates.elman(2, 3, 1), tmp_path / "e.onnx"))
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["T", "N", 2]
    assert any(n.op_type == "Scan" for n in model.graph.node)
    with pytest.raises(ValueError, match="dtype"):
        ro.export(rs.templates.elman(1, 1, 1), tmp_path / "x.onnx", dtype="float16")
