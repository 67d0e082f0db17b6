"""ONNX export (extra ``[onnx]``): the network as an ONNX model with time as a Scan.

    export(net, "net.onnx", dtype="float32")

Input "X" (T, N, n_in) and output "Y" (T, N, n_out), with T and N free. Each sweep of the step
plan (`rnnstudio.interop.plan`) is one Scan over time (the reverse-time neurons' Scan runs
backwards); its state is the values of the last D steps (D the sweep's longest delay), started
from the initial values, so a delayed read is a Gather from that history. Inside a step each
level is a MatMul, a gathered ReduceProd for product neurons and the activations: the same work
as the torch module and the engine. Weights are baked in as constants (opset 17).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .plan import Level, Plan, Sweep, build_plan

OPSET = 17
DTYPES = {"float32": (np.float32, TensorProto.FLOAT), "float64": (np.float64, TensorProto.DOUBLE)}
ACT_OPS = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu", "identity": "Identity"}

__all__ = ["export", "to_model"]


class _Graph:
    """Nodes and constants of one ONNX graph, with fresh names."""

    def __init__(self, prefix: str, np_dtype):
        self.prefix, self.dtype = prefix, np_dtype
        self.nodes: list = []
        self.consts: list = []
        self.count = 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{self.prefix}{hint}_{self.count}"

    def const(self, value, hint="c", dtype=None) -> str:
        name = self.name(hint)
        arr = np.asarray(value, dtype=dtype or self.dtype)
        self.nodes.append(helper.make_node("Constant", [], [name],
                                           value=numpy_helper.from_array(arr, name)))
        return name

    def ints(self, values, hint="i") -> str:
        return self.const(np.asarray(values, dtype=np.int64), hint, np.int64)

    def op(self, op_type: str, inputs: list, hint: str | None = None, **attrs) -> str:
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out

    def cols(self, x: str, start: int, stop: int, axis: int = 1) -> str:
        return self.op("Slice", [x, self.ints([start]), self.ints([stop]), self.ints([axis])])


def to_model(net, dtype: str = "float32") -> "onnx.ModelProto":
    """The ONNX model of a network (see the module doc)."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    np_dtype, elem = DTYPES[dtype]
    plan = build_plan(net)
    if plan.n_in == 0:
        raise ValueError("ONNX export needs a network with at least one input")
    g = _Graph("", np_dtype)
    n_rows = g.op("Shape", ["X"], "shape")
    batch = g.op("Slice", [n_rows, g.ints([1]), g.ints([2]), g.ints([0])], "N")
    theta = _values(plan)
    reverse_out = None
    current = "X"
    for s, sw in enumerate(plan.sweeps):
        scanned = _scan(g, plan, sw, s, theta, batch, current, reverse_out, np_dtype, elem)
        if sw.reverse:
            reverse_out = scanned
        else:
            current = scanned
    if plan.sweeps and not plan.sweeps[-1].reverse:
        values = current
    else:  # no forward neurons: the inputs and reverse values are all there is
        values = g.op("Concat", ["X", reverse_out], axis=2) if reverse_out else "X"
    g.nodes.append(helper.make_node("Gather", [values, g.ints(plan.out_cols)], ["Y"], axis=2))
    graph = helper.make_graph(
        g.nodes, net.name or "network",
        [helper.make_tensor_value_info("X", elem, ["T", "N", plan.n_in])],
        [helper.make_tensor_value_info("Y", elem, ["T", "N", len(plan.out_cols)])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="rnnstudio")
    model.doc_string = f"RNN Studio network {net.name!r}: X (T, N, {plan.n_in}) -> Y (T, N, " \
                       f"{len(plan.out_cols)})"
    onnx.checker.check_model(model)
    return model


def export(net, path, dtype: str = "float32") -> Path:
    """Write the network's ONNX model to `path` (atomically)."""
    from ..io.netfile import write_atomic
    path = Path(path)
    write_atomic(str(path), to_model(net, dtype).SerializeToString())
    return path


def _values(plan: Plan) -> dict:
    return {"w": plan.weights, "b": plan.biases,
            "init": np.concatenate([np.zeros(plan.n_in), plan.initials])}


def _scan(g, plan, sw: Sweep, s: int, theta, batch, current, reverse_out, np_dtype, elem):
    """One sweep as a Scan over time; returns the (T, N, width) values it gives."""
    D = max(1, max((d for d, _ in sw.delays), default=0))
    width = sw.c1  # the columns known once the sweep's step is done
    init = theta["init"][:width].reshape(1, 1, width).repeat(D, 0)
    shape = g.op("Concat", [g.ints([D]), batch, g.ints([width])], "hshape", axis=0)
    h0 = g.op("Expand", [g.const(init, "init"), shape], "h0")
    body, outputs = _body(plan, sw, s, theta, D, np_dtype, elem, reverse_out is not None)
    scan_inputs = [current] + ([reverse_out] if reverse_out and not sw.reverse else [])
    n_scan = len(scan_inputs)
    direction = [1 if sw.reverse else 0]
    h_last, out = g.name("h_last"), g.name("sweep")
    g.nodes.append(helper.make_node(
        "Scan", [h0] + scan_inputs, [h_last, out], body=body, num_scan_inputs=n_scan,
        scan_input_directions=direction * n_scan, scan_output_directions=direction))
    return out


def _body(plan, sw, s, theta, D, np_dtype, elem, has_reverse):
    b = _Graph(f"s{s}_", np_dtype)
    inputs = [helper.make_tensor_value_info("H", elem, [D, "N", sw.c1]),
              helper.make_tensor_value_info("x_t", elem, ["N", None])]
    if has_reverse and not sw.reverse:
        inputs.append(helper.make_tensor_value_info("r_t", elem, ["N", None]))
        cur = b.op("Concat", ["x_t", "r_t"], "cur", axis=1)
        cur = b.cols(cur, 0, sw.c0)  # inputs and reverse values
    else:
        cur = b.cols("x_t", 0, plan.n_in)
    pool = _pool(b, sw)
    dsum = None
    if len(sw.wd_edge):
        wd = np.zeros((sw.pool_size, sw.c1 - sw.c0))
        np.add.at(wd, (sw.wd_rows, sw.wd_cols), theta["w"][sw.wd_edge])
        dsum = b.op("MatMul", [pool, b.const(wd, "wd")], "dsum")
    for lv in sw.levels:
        a = _level_input(b, plan, sw, lv, cur, pool, dsum, theta)
        ys = [b.op(ACT_OPS[act], [b.cols(a, i, j)]) for i, j, act in lv.runs]
        cur = b.op("Concat", [cur] + ys, "cur", axis=1)
    keep = b.cols("H", 0, D - 1, axis=0) if D > 1 else None
    now = b.op("Unsqueeze", [cur, b.ints([0])], "now")
    b.nodes.append(helper.make_node("Concat", [now, keep], ["H_next"], axis=0) if keep
                   else helper.make_node("Identity", [now], ["H_next"]))
    out_val = b.cols(cur, sw.c0, sw.c1) if sw.reverse else cur
    b.nodes.append(helper.make_node("Identity", [out_val], ["y_t"]))
    outputs = [helper.make_tensor_value_info("H_next", elem, [D, "N", sw.c1]),
               helper.make_tensor_value_info("y_t", elem, ["N", None])]
    return helper.make_graph(b.nodes, f"sweep{s}", inputs, outputs), outputs


def _pool(b: _Graph, sw: Sweep) -> str | None:
    parts = []
    for d, cols in sw.delays:
        past = b.op("Gather", ["H", b.ints(d - 1)], "past", axis=0)
        parts.append(b.op("Gather", [past, b.ints(cols)], "read", axis=1))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else b.op("Concat", parts, "pool", axis=1)


def _level_input(b: _Graph, plan, sw, lv: Level, cur, pool, dsum, theta) -> str:
    """The level's net input a (N, level size): sums first, then products."""
    n_in = plan.n_in
    parts = []
    if lv.n_sum:
        a = b.const(theta["b"][lv.c0 - n_in:lv.c0 - n_in + lv.n_sum].reshape(1, -1), "bias")
        if dsum is not None:
            a = b.op("Add", [a, b.cols(dsum, lv.c0 - sw.c0, lv.c0 - sw.c0 + lv.n_sum)])
        if len(lv.w0_edge):
            w0 = np.zeros((lv.c0, lv.n_sum))
            np.add.at(w0, (lv.w0_rows, lv.w0_cols), theta["w"][lv.w0_edge])
            a = b.op("Add", [a, b.op("MatMul", [cur, b.const(w0, "w0")])])
        zero = b.op("Mul", [b.cols(cur, 0, 1), b.const([[0.0]])]) if lv.c0 else None
        parts.append(b.op("Add", [a, zero]) if zero else a)  # broadcast to N rows
    if lv.c1 - lv.c0 > lv.n_sum:
        parts.append(_products(b, lv, cur, pool, theta))
    return parts[0] if len(parts) == 1 else b.op("Concat", parts, "a", axis=1)


def _products(b: _Graph, lv: Level, cur, pool, theta) -> str:
    ones = b.op("Add", [b.op("Mul", [b.cols(cur, 0, 1), b.const([[0.0]])]), b.const([[1.0]])])
    src = b.op("Concat", [cur] + ([pool] if pool else []) + [ones], "src", axis=1)
    P, K = lv.prod_idx.shape
    if K == 0:
        return b.op("Add", [b.op("Mul", [b.cols(cur, 0, 1), b.const(np.zeros((1, P)))]),
                            b.const(np.ones((1, P)))])
    terms = b.op("Gather", [src, b.ints(lv.prod_idx.reshape(-1))], "terms", axis=1)
    terms = b.op("Reshape", [terms, b.ints([0, P, K])])
    w = np.where(lv.prod_edge < 0, 1.0, theta["w"][np.maximum(lv.prod_edge, 0)])
    terms = b.op("Mul", [terms, b.const(w.reshape(1, P, K), "wprod")])
    return b.op("ReduceProd", [terms], "prod", axes=[2], keepdims=0)
