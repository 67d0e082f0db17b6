"""Activation functions: each forward next to its derivative.

Forwards write into `out` and may clobber their argument `a` (a scratch buffer). Every derivative
is computed from the activation's value y, so the forward pass never needs to keep the
pre-activations.
"""

from __future__ import annotations

import numpy as np


def tanh_forward(a: np.ndarray, out: np.ndarray) -> None:
    """tanh; for float64 `1 - 2/(exp(2a)+1)`, which is 2-3x faster than np.tanh here."""
    if a.dtype != np.float64:
        np.tanh(a, out=out)
        return
    np.multiply(a, 2.0, out=a)
    np.exp(a, out=a)  # overflow to inf gives 1.0 (callers silence the warning)
    a += 1.0
    np.divide(-2.0, a, out=a)
    np.add(a, 1.0, out=out)


def tanh_folded(a2: np.ndarray, out: np.ndarray) -> None:
    """tanh(a) from a2 = 2a (the weights and bias were doubled): 1 - 2/(exp(2a)+1)."""
    np.exp(a2, out=a2)
    a2 += 1.0
    np.divide(-2.0, a2, out=a2)
    np.add(a2, 1.0, out=out)


def tanh_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.multiply(y, y, out=out)
    np.subtract(1.0, out, out=out)


def sigmoid_forward(a: np.ndarray, out: np.ndarray) -> None:
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.divide(1.0, a, out=out)


def sigmoid_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.subtract(1.0, y, out=out)
    np.multiply(out, y, out=out)


def relu_forward(a: np.ndarray, out: np.ndarray) -> None:
    np.maximum(a, 0.0, out=out)


def relu_derivative(y: np.ndarray, out: np.ndarray) -> None:
    np.greater(y, 0.0, out=out)  # casts the booleans to 0.0 / 1.0


def identity_forward(a: np.ndarray, out: np.ndarray) -> None:
    if out is not a:
        np.copyto(out, a)


def identity_derivative(y: np.ndarray, out: np.ndarray) -> None:
    out.fill(1.0)


FORWARD = {"identity": identity_forward, "tanh": tanh_forward, "sigmoid": sigmoid_forward,
           "relu": relu_forward}
DERIVATIVE = {"identity": identity_derivative, "tanh": tanh_derivative,
              "sigmoid": sigmoid_derivative, "relu": relu_derivative}


def apply(name: str, a: np.ndarray, out: np.ndarray) -> None:
    """y = activation(a) into out (a may be clobbered)."""
    FORWARD[name](a, out)


def derivative(name: str, y: np.ndarray, out: np.ndarray) -> None:
    """dy/da as a function of y, into out."""
    DERIVATIVE[name](y, out)
