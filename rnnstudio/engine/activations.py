"""Activation functions: each forward next to its derivative.

A level computes some pre-activations times a constant fold (`fold`): float64 sigmoid columns
get -a, so sigmoid(a) = 1 / (1 + exp(-a)) needs no negation per step (multiplying by -1 is
exact); float32 ones get a / 2, as sigmoid(a) = 0.5 * tanh(a / 2) + 0.5 (exact scaling too).
Forwards take that folded pre-activation `a` and write into `out` (which may be `a`; `a` may be
clobbered). Every derivative is computed from the activation's value y, so the forward pass
never keeps the pre-activations.
"""

from __future__ import annotations

import numpy as np


def half_tanh(dtype) -> bool:
    """float32 sigmoids are computed as 0.5 * tanh(a / 2) + 0.5 (numpy's float32 tanh is
    vectorised and ~2x faster than exp + add + divide; adjacent tanh columns share the call);
    float64 ones as 1 / (1 + exp(-a)), faster there."""
    return np.dtype(dtype) == np.float32


def fold(name: str, dtype) -> float:
    """The factor a level computes a column's pre-activation times (see the module
    docstring)."""
    if name == "sigmoid":
        return 0.5 if half_tanh(dtype) else -1.0
    return 1.0


def sigmoid_folded(a: np.ndarray, out: np.ndarray) -> None:
    """sigmoid from the folded pre-activation: a = pre-activation / 2 in float32 (0.5 * tanh(a)
    + 0.5), else a = -(pre-activation): 1 / (1 + exp(a)); exp overflowing to inf gives 0
    (callers silence the warning)."""
    if half_tanh(a.dtype):
        np.tanh(a, out=out)
        np.multiply(out, 0.5, out=out)
        np.add(out, 0.5, out=out)
        return
    np.exp(a, out=out)
    np.add(out, 1.0, out=out)
    np.divide(1.0, out, out=out)


def tanh_forward(a: np.ndarray, out: np.ndarray) -> None:
    np.tanh(a, out=out)


def relu_forward(a: np.ndarray, out: np.ndarray) -> None:
    np.maximum(a, 0.0, out=out)


def identity_forward(a: np.ndarray, out: np.ndarray) -> None:
    if out is not a:
        np.copyto(out, a)


def sigmoid_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.subtract(1.0, y, out=out)
    np.multiply(out, y, out=out)


def tanh_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.multiply(y, y, out=out)
    np.subtract(1.0, out, out=out)


def relu_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.greater(y, 0.0, out=out)  # casts the booleans to 0.0 / 1.0


def identity_derivative(y: np.ndarray, out: np.ndarray) -> None:
    out.fill(1.0)


FORWARD = {"identity": identity_forward, "tanh": tanh_forward, "sigmoid": sigmoid_folded,
           "relu": relu_forward}
DERIVATIVE = {"identity": identity_derivative, "tanh": tanh_derivative,
              "sigmoid": sigmoid_derivative, "relu": relu_derivative}


def apply(name: str, a: np.ndarray, out: np.ndarray) -> None:
    """y = activation from the folded pre-activation a, into out (a may be clobbered)."""
    FORWARD[name](a, out)


def derivative(name: str, y: np.ndarray, out: np.ndarray) -> None:
    """dy/da as a function of y, into out."""
    DERIVATIVE[name](y, out)
