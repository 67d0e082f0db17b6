"""Training: BPTT (optionally truncated), clipping, SGD / momentum / Adam, mini-batches.

A Trainer works on its own compiled program and its own copy of the parameters, so fit() may
run in a worker thread without touching the network; the weights are written back into the
network at the end (write_back=True), or by the UI thread with trainer.write_back(). stop() may
be called from any thread: training stops before the next chunk. A non-finite loss or gradient,
or parameters beyond 1e12, stop training and restore the last parameters that gave a finite loss
and gradient; history["stopped_reason"] says why. The same seed gives the same result.

Memory: a training step needs the values of every step, their gradients and a chunk of
derivatives (about twice the value array, T x batch x nodes numbers). train_step keeps those
buffers while the trainer lives (the next step reuses them); fit releases them when it returns.
Only the gradients of trainable parameters are computed.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from . import optimizers
from .api import as_batch
from .backward import backward
from .compiler import build
from .forward import forward
from .losses import LOSSES, loss_and_grad, target_count

MAX_PARAM = 1e12  # the model refuses larger values


class Diverged(Exception):
    """Training left the finite range (the message says where)."""


class Trainer:
    def __init__(self, net, loss: str = "mse", optimizer: str = "adam", lr: float = 0.01,
                 clip: float | None = None, tbptt: int | None = None,
                 batch_size: int | None = None, seed: int = 0, dtype="float64",
                 momentum: float = 0.9, validation: float = 0.0, train_initials: bool = False):
        _check_settings(loss, optimizer, lr, clip, tbptt, batch_size, validation)
        self.net = net
        self.loss, self.clip, self.tbptt = loss, clip, tbptt
        self.batch_size, self.seed, self.validation = batch_size, seed, validation
        self.program = build(net, dtype)
        self.theta = self.program.theta.copy()
        mask = self.program.trainable.copy()
        if train_initials:
            mask[self.program.E + self.program.S:] = True
        self.index = np.flatnonzero(mask)
        self._need = mask               # gradients of the other parameters are not computed
        self.optimizer = optimizers.make(optimizer, self.index, lr, momentum)
        self.rng = np.random.default_rng(seed)
        self._stop = threading.Event()
        self._last_good = self.theta.copy()
        self.stopped_reason: str | None = None

    # ------------------------------------------------------------------ control
    def stop(self) -> None:
        """Ask a running fit() to stop (thread-safe; it stops before the next chunk)."""
        self._stop.set()

    def params(self) -> dict[str, dict]:
        """The trainer's current parameters in Network.set_params form."""
        return self.program.params_dict(self.theta)

    def write_back(self, net=None) -> None:
        """Write the trained parameters into the network (call from the thread that owns it)."""
        net = self.net if net is None else net
        if net.structure_version != self.program.structure_version:
            raise ValueError("the network's structure changed since training started; "
                             "its parameters no longer match")
        net.set_params(self.params())

    # ------------------------------------------------------------------ training
    def fit(self, X, Y, epochs: int = 1, callback=None, write_back: bool = True) -> dict:
        """Train for `epochs`; return the history: per-epoch "loss", "val_loss", "grad_norm",
        plus "epochs" done, "stopped_reason" (None when all epochs ran) and "seconds".
        callback(record) is called after every batch and every epoch; returning False stops."""
        X, _ = as_batch(self.program, X)
        Y, _ = as_batch(self.program, Y, "Y", self.program.n_out)
        if Y.shape[:2] != X.shape[:2]:
            raise ValueError(f"Y covers {Y.shape[:2]} (T, N) but X covers {X.shape[:2]}")
        train, val = self._split(X.shape[1])
        history = {"loss": [], "val_loss": [], "grad_norm": [], "epochs": 0,
                   "stopped_reason": None, "seconds": 0.0}
        start = time.perf_counter()
        self.stopped_reason = None
        try:
            for epoch in range(epochs):
                if not self._epoch(epoch, X, Y, train, val, callback, history):
                    break
        finally:
            self._stop.clear()
            self.program.release()
            history["seconds"] = time.perf_counter() - start
            history["stopped_reason"] = self.stopped_reason
        if write_back:
            self.write_back()
        return history

    def train_step(self, X, Y) -> float:
        """One batch: forward, BPTT and an update per truncation window; returns the loss.
        Raises Diverged (after restoring the last finite parameters) if it blows up."""
        X, _ = as_batch(self.program, X)
        Y, _ = as_batch(self.program, Y, "Y", self.program.n_out)
        return self._batch(X, Y)[0]

    def _split(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        return validation_split(n, self.validation, self.seed)

    def _epoch(self, epoch, X, Y, train, val, callback, history) -> bool:
        """One pass over the training sequences; False when training must stop."""
        perm = self.rng.permutation(train)
        size = self.batch_size or len(perm)
        total = count = 0.0
        gnorm = 0.0
        for b, start in enumerate(range(0, len(perm), size)):
            idx = np.sort(perm[start:start + size])
            if self._should_stop():
                return self._finish_epoch(epoch, total, count, gnorm, val, X, Y, callback,
                                          history, partial=True)
            try:
                loss, n, gnorm, ttime = self._batch(X[:, idx], Y[:, idx])
            except Diverged as exc:
                self.stopped_reason = f"{exc} (epoch {epoch + 1}, batch {b + 1}); the last " \
                                      "finite parameters were restored"
                return self._finish_epoch(epoch, total, count, gnorm, val, X, Y, callback,
                                          history, partial=True)
            total, count = total + loss * n, count + n
            record = {"kind": "batch", "epoch": epoch, "batch": b, "loss": loss,
                      "val_loss": None, "grad_norm": gnorm, "grad_norm_through_time": ttime}
            if callback is not None and callback(record) is False:
                self.stopped_reason = "stopped by the callback"
        return self._finish_epoch(epoch, total, count, gnorm, val, X, Y, callback, history)

    def _should_stop(self) -> bool:
        if self._stop.is_set() and self.stopped_reason is None:
            self.stopped_reason = "stopped by request"
        return self.stopped_reason is not None

    def _finish_epoch(self, epoch, total, count, gnorm, val, X, Y, callback, history,
                      partial: bool = False) -> bool:
        if count == 0 and partial:
            return False
        loss = total / count if count else 0.0
        val_loss = self._validation_loss(X[:, val], Y[:, val]) if len(val) else None
        history["loss"].append(loss)
        history["val_loss"].append(val_loss)
        history["grad_norm"].append(gnorm)
        history["epochs"] = epoch + 1
        record = {"kind": "epoch", "epoch": epoch, "batch": None, "loss": loss,
                  "val_loss": val_loss, "grad_norm": gnorm, "grad_norm_through_time": None}
        if callback is not None and callback(record) is False and self.stopped_reason is None:
            self.stopped_reason = "stopped by the callback"
        return not partial and not self._should_stop()

    def _validation_loss(self, X, Y) -> float:
        tr = forward(self.program, X)
        return loss_and_grad(self.loss, tr.outputs(), Y)[0]

    def _batch(self, X, Y) -> tuple[float, int, float, np.ndarray]:
        """Forward, backward and update for each chunk; (loss, targets, grad norm, norms
        through time)."""
        T = X.shape[0]
        k = self.tbptt or T
        carry, total, count, gnorm, norms = None, 0.0, 0, 0.0, []
        for t0 in range(0, T, k):
            tr = forward(self.program, X[t0:t0 + k], carry)
            Yc = Y[t0:t0 + k]
            loss, dY = loss_and_grad(self.loss, tr.outputs(), Yc)
            n = target_count(self.loss, Yc)
            carry = tr.carry() if self.tbptt else None
            if n == 0:
                norms.append(np.zeros(tr.T))
                continue
            g, _, through_time = backward(tr, dY, self._need)
            norms.append(through_time)
            gnorm = self._update(loss, g)
            total, count = total + loss * n, count + n
        return (total / count if count else 0.0), count, gnorm, np.concatenate(norms)

    def _update(self, loss: float, g: np.ndarray) -> float:
        """One optimizer step; raises Diverged (after restoring) when anything is not finite."""
        if not np.isfinite(loss):
            self._restore()
            raise Diverged("the loss is not finite")
        if not np.isfinite(g[self.index]).all():
            self._restore()
            raise Diverged("a gradient is not finite")
        self._last_good = self.theta.copy()
        norm = optimizers.clip_global_norm(g, self.index, self.clip)
        self.optimizer.step(self.theta, g)
        if not (np.abs(self.theta) <= MAX_PARAM).all():  # also catches NaN
            self._restore()
            raise Diverged("the parameters left the finite range (|value| > 1e12)")
        self.program.set_theta(self.theta)
        return norm

    def _restore(self) -> None:
        self.theta = self._last_good.copy()
        self.program.set_theta(self.theta)


def validation_split(n: int, validation: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation sequence indices of n sequences (the split depends only on the
    seed; the torch backend uses it too, so both train on the same sequences)."""
    order = np.random.default_rng([seed, 1]).permutation(n)
    n_val = int(round(validation * n)) if n > 1 else 0
    if validation > 0 and n > 1:
        n_val = min(max(n_val, 1), n - 1)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def _check_settings(loss, optimizer, lr, clip, tbptt, batch_size, validation) -> None:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
    if optimizer not in optimizers.OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; expected one of "
                         f"{', '.join(optimizers.OPTIMIZERS)}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if clip is not None and not clip > 0:
        raise ValueError(f"clip must be positive or None, got {clip!r}")
    for name, value in (("tbptt", tbptt), ("batch_size", batch_size)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"{name} must be a positive whole number or None, got {value!r}")
    if not 0.0 <= validation < 1.0:
        raise ValueError(f"validation must be a fraction in [0, 1), got {validation!r}")
