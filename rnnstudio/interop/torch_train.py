"""Training with PyTorch: ``python -m rnnstudio train NET --backend torch [--device cuda]``.

`TorchTrainer` has the engine Trainer's settings, rules and results: the same validation split
and batch order from the seed, the same losses, global-norm clipping and the textbook SGD,
momentum and Adam, so with the same seed, full batches and float64 it ends where the numpy
engine ends (to rounding). Under ``torchrun`` (WORLD_SIZE > 1) it trains data-parallel with
DistributedDataParallel (gloo on CPU, nccl on CUDA): every rank builds the same data, takes
its shard of every batch, divides its shard's loss sum by the whole batch's target count (so
DDP's averaging gives the whole batch's gradient); rank 0 alone saves and reports.
"""

from __future__ import annotations

import math
import os
import threading
import time

import numpy as np
import torch
import torch.distributed as dist

from .torch import NetModule, build_plan, loss as torch_loss, target_count

OPTIMIZERS = ("sgd", "momentum", "adam")


def world() -> tuple[int, int]:
    """(rank, world size) from torchrun's environment; (0, 1) when not under torchrun."""
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


class TorchTrainer:
    """`rs.Trainer`'s interface (fit, stop, write_back, params) on a torch module."""

    def __init__(self, net, loss: str = "mse", optimizer: str = "adam", lr: float = 0.01,
                 clip: float | None = None, tbptt: int | None = None,
                 batch_size: int | None = None, seed: int = 0, validation: float = 0.0,
                 momentum: float = 0.9, device: str = "cpu", dtype=torch.float64):
        from ..engine.trainer import _check_settings
        _check_settings(loss, optimizer, lr, clip, tbptt, batch_size, validation)
        if tbptt:
            raise ValueError("the torch backend trains on whole sequences: truncated BPTT "
                             "(tbptt) is the numpy engine's; drop --tbptt or use "
                             "--backend numpy")
        self.net, self.loss, self.clip = net, loss, clip
        self.batch_size, self.seed, self.validation = batch_size, seed, validation
        self.rank, self.world = world()
        self.device = torch.device(device)
        self.dtype = dtype
        self.module = NetModule(build_plan(net)).to(device=self.device, dtype=dtype)
        self.model = self._distributed(self.module)
        self.optimizer = _optimizer(optimizer, self.module.parameters(), lr, momentum)
        self.rng = np.random.default_rng(seed)
        self._stop = threading.Event()
        self.stopped_reason: str | None = None

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def _distributed(self, module):
        if self.world <= 1:
            return module
        if not dist.is_initialized():
            if self.device.type == "cuda":
                torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
                self.device = torch.device("cuda", torch.cuda.current_device())
                module.to(self.device)
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
        from torch.nn.parallel import DistributedDataParallel
        ids = [self.device.index] if self.device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=ids)

    # ------------------------------------------------------------------ control
    def stop(self) -> None:
        self._stop.set()

    def params(self) -> dict:
        return self.module.params()

    def write_back(self, net=None) -> None:
        self.module.write_back(self.net if net is None else net)

    # ------------------------------------------------------------------ training
    def fit(self, X, Y, epochs: int = 1, callback=None, write_back: bool = True) -> dict:
        """Train for `epochs`; the history and callback records of `rs.Trainer.fit`."""
        X = torch.as_tensor(np.asarray(X, dtype=np.float64), dtype=self.dtype)
        Y = torch.as_tensor(np.asarray(Y, dtype=np.float64), dtype=self.dtype)
        if X.dim() == 2:
            X, Y = X[:, None], Y[:, None]
        X, Y = X.to(self.device), Y.to(self.device)
        train, val = self._split(X.shape[1])
        history = {"loss": [], "val_loss": [], "grad_norm": [], "epochs": 0,
                   "stopped_reason": None, "seconds": 0.0}
        start = time.perf_counter()
        self.stopped_reason = None
        for epoch in range(epochs):
            if not self._epoch(epoch, X, Y, train, val, callback, history):
                break
        history["seconds"] = time.perf_counter() - start
        history["stopped_reason"] = self.stopped_reason
        self._stop.clear()
        if write_back:
            self.write_back()
        return history

    def _split(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        from ..engine.trainer import validation_split
        return validation_split(n, self.validation, self.seed)

    def _epoch(self, epoch, X, Y, train, val, callback, history) -> bool:
        perm = self.rng.permutation(train)
        size = self.batch_size or len(perm)
        total = count = 0.0
        gnorm = 0.0
        for b, begin in enumerate(range(0, len(perm), size)):
            if self._stop.is_set() and self.stopped_reason is None:
                self.stopped_reason = "stopped by request"
            if self.stopped_reason:
                break
            idx = np.sort(perm[begin:begin + size])
            loss, n, gnorm = self._batch(X, Y, idx)
            if not math.isfinite(loss):
                self.stopped_reason = f"the loss is not finite (epoch {epoch + 1}, batch {b + 1})"
                break
            total, count = total + loss * n, count + n
            record = {"kind": "batch", "epoch": epoch, "batch": b, "loss": loss,
                      "val_loss": None, "grad_norm": gnorm, "grad_norm_through_time": None}
            if callback is not None and callback(record) is False:
                self.stopped_reason = "stopped by the callback"
        if count == 0 and self.stopped_reason:
            return False
        val_loss = self._validation_loss(X, Y, val) if len(val) else None
        history["loss"].append(total / count if count else 0.0)
        history["val_loss"].append(val_loss)
        history["grad_norm"].append(gnorm)
        history["epochs"] = epoch + 1
        record = {"kind": "epoch", "epoch": epoch, "batch": None, "loss": history["loss"][-1],
                  "val_loss": val_loss, "grad_norm": gnorm, "grad_norm_through_time": None}
        if callback is not None and callback(record) is False and self.stopped_reason is None:
            self.stopped_reason = "stopped by the callback"
        return self.stopped_reason is None

    def _shard(self, idx: np.ndarray) -> np.ndarray:
        return np.array_split(idx, self.world)[self.rank] if self.world > 1 else idx

    def _batch(self, X, Y, idx) -> tuple[float, int, float]:
        """One update from the batch `idx` (this rank's shard of it); (loss, targets, norm)."""
        Yb = Y[:, torch.as_tensor(idx, device=Y.device)]
        n = int(target_count(Yb, self.loss))
        if n == 0:
            return 0.0, 0, 0.0
        mine = torch.as_tensor(self._shard(idx), device=X.device, dtype=torch.long)
        self.optimizer.zero_grad(set_to_none=True)
        out = self.model(X[:, mine])
        value = torch_loss(out, Y[:, mine], self.loss, denominator=n) * self.world
        value.backward()
        loss = value.detach() / self.world
        if self.world > 1:
            dist.all_reduce(loss)
        gnorm = self._clip()
        self.optimizer.step()
        return float(loss), n, gnorm

    def _clip(self) -> float:
        """The engine's global-norm clipping over the trainable entries (their gradients;
        the others are 0 here)."""
        grads = [p.grad for p in self.module.parameters() if p.grad is not None]
        norm = float(torch.sqrt(sum((g * g).sum() for g in grads))) if grads else 0.0
        if self.clip is not None and norm > self.clip:
            for g in grads:
                g.mul_(self.clip / norm)
        return norm

    @torch.no_grad()
    def _validation_loss(self, X, Y, val) -> float:
        idx = torch.as_tensor(val, device=X.device, dtype=torch.long)
        return float(torch_loss(self.module(X[:, idx]), Y[:, idx], self.loss))


class _Adam(torch.optim.Optimizer):
    """The engine's Adam, step for step: lr * m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                st["t"] += 1
                st["m"].mul_(b1).add_((1 - b1) * p.grad)
                st["v"].mul_(b2).add_((1 - b2) * (p.grad * p.grad))
                m_hat = st["m"] / (1 - b1 ** st["t"])
                v_hat = st["v"] / (1 - b2 ** st["t"])
                p.sub_(group["lr"] * m_hat / (torch.sqrt(v_hat) + group["eps"]))


def _optimizer(name, params, lr, momentum):
    if name == "adam":
        return _Adam(params, lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    return torch.optim.SGD(params, lr=lr)


def finish() -> None:
    """Leave the process group (when under torchrun)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
