"""Losses over the outputs, averaged over the targets that are present (NaN = no target).

Each loss returns (value, gradient w.r.t. the outputs); the gradient sits next to the value.
"""

from __future__ import annotations

import numpy as np

BCE_EPS = 1e-12
LOSSES = ("mse", "bce", "cross_entropy")


def mse(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of (y - target)^2 over the present target entries."""
    present = ~np.isnan(target)
    count = int(present.sum())
    if count == 0:
        return 0.0, np.zeros_like(y)
    diff = np.where(present, y - np.where(present, target, 0.0), 0.0)
    return float((diff * diff).sum() / count), diff * (2.0 / count)


def bce(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of -(t log y + (1-t) log(1-y)), y clipped to [1e-12, 1-1e-12]; the clip passes no
    gradient where it is active."""
    present = ~np.isnan(target)
    count = int(present.sum())
    if count == 0:
        return 0.0, np.zeros_like(y)
    t = np.where(present, target, 0.0)
    yc = np.clip(y, BCE_EPS, 1.0 - BCE_EPS)
    terms = -(t * np.log(yc) + (1.0 - t) * np.log1p(-yc))
    value = float(np.where(present, terms, 0.0).sum() / count)
    inside = (y >= BCE_EPS) & (y <= 1.0 - BCE_EPS)
    grad = np.where(present & inside, (yc - t) / (yc * (1.0 - yc)), 0.0) / count
    return value, grad.astype(y.dtype, copy=False)


def cross_entropy(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax over the output columns at each (t, n) whose target row is present (no NaN);
    mean over those rows of -sum_c target_c log softmax_c (one-hot targets: -log p[class])."""
    rows = ~np.isnan(target).any(axis=-1)
    count = int(rows.sum())
    if count == 0:
        return 0.0, np.zeros_like(y)
    t = np.where(rows[..., None], target, 0.0)
    shifted = y - y.max(axis=-1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    log_p = shifted - log_z
    value = float(-(t * log_p).sum() / count)
    p = np.exp(log_p)
    grad = (p * t.sum(axis=-1, keepdims=True) - t) * rows[..., None] / count
    return value, grad.astype(y.dtype, copy=False)


FUNCTIONS = {"mse": mse, "bce": bce, "cross_entropy": cross_entropy}


def loss_and_grad(name: str, y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """(loss, d loss / d y) for the named loss."""
    if name not in FUNCTIONS:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    if target.shape != y.shape:
        raise ValueError(f"targets have shape {target.shape}, outputs {y.shape}")
    return FUNCTIONS[name](y, target)


def loss_value(name: str, y: np.ndarray, target: np.ndarray) -> float:
    return loss_and_grad(name, y, target)[0]


def target_count(name: str, target: np.ndarray) -> int:
    """How many targets the loss averages over (rows for cross_entropy, entries otherwise)."""
    if name == "cross_entropy":
        return int((~np.isnan(target).any(axis=-1)).sum())
    return int((~np.isnan(target)).sum())
