"""Optimizers over a flat parameter vector (the textbook forms), updating it in place.

Only the entries listed in `index` (the trainable ones) are touched.
"""

from __future__ import annotations

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")


class SGD:
    def __init__(self, index: np.ndarray, lr: float):
        self.index, self.lr = index, lr

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        theta[self.index] -= self.lr * grad[self.index]


class Momentum(SGD):
    """v = momentum * v + g; theta -= lr * v."""

    def __init__(self, index: np.ndarray, lr: float, momentum: float = 0.9):
        super().__init__(index, lr)
        self.momentum = momentum
        self.velocity = np.zeros(len(index))

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self.velocity *= self.momentum
        self.velocity += grad[self.index]
        theta[self.index] -= self.lr * self.velocity


class Adam(SGD):
    """Kingma & Ba, with bias correction (beta1 0.9, beta2 0.999, eps 1e-8)."""

    def __init__(self, index: np.ndarray, lr: float, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(index, lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(len(index))
        self.v = np.zeros(len(index))
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        g = grad[self.index]
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * (g * g)
        m_hat = self.m / (1.0 - self.beta1 ** self.t)
        v_hat = self.v / (1.0 - self.beta2 ** self.t)
        theta[self.index] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def make(name: str, index: np.ndarray, lr: float, momentum: float = 0.9):
    if name == "sgd":
        return SGD(index, lr)
    if name == "momentum":
        return Momentum(index, lr, momentum)
    if name == "adam":
        return Adam(index, lr)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")


def clip_global_norm(grad: np.ndarray, index: np.ndarray, clip: float | None) -> float:
    """Scale grad[index] so its L2 norm is at most clip; return the norm before clipping."""
    norm = float(np.sqrt(np.dot(grad[index], grad[index])))
    if clip is not None and norm > clip:
        grad[index] *= clip / norm
    return norm
