"""PyTorch both ways (extra ``[torch]``): a network as an ``nn.Module`` and back.

    m = to_module(net, dtype=torch.float64, device="cpu")   # m(X): what rs.run(net, X) gives
    loss = m.loss(m(X), Y, "mse"); loss.backward()
    m.grads()          # the engine's Grads: .weights[(u, v)], .biases[id], .initials[id]
    m.write_back(net)  # the module's parameters into the network
    net = from_module(rnn, readout=None)    # nn.RNN / nn.LSTM / nn.GRU (+ nn.Linear)

The module runs the step plan of `rnnstudio.interop.plan`: per time step and level one matrix
product, one gathered product for product neurons and a few activation calls, so it runs on
CUDA as well. Its parameters are `weight` (one per edge, in the graph's edge order), `bias`
and `initial` (one per neuron, in the plan's column order). Non-trainable entries keep their
values: a gradient hook zeroes their gradient before any optimizer sees it (`grads()` still
reports the full gradient, as `rs.gradients` does).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .plan import Plan, build_plan

__all__ = ["to_module", "NetModule", "from_module", "loss", "load_module_file"]

_ACT = {"identity": lambda a: a, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
        "relu": torch.relu}
_PARAMS = ("weight", "bias", "initial")


def to_module(net, dtype=torch.float64, device="cpu") -> "NetModule":
    """An nn.Module computing exactly what rs.run(net, X) computes: (T, N, n_in) ->
    (T, N, n_out); a single (T, n_in) sequence gives (T, n_out)."""
    return NetModule(build_plan(net)).to(device=device, dtype=dtype)


class NetModule(nn.Module):
    """A network's step plan with its weights, biases and initial values as parameters."""

    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan
        self.weight = nn.Parameter(torch.tensor(plan.weights))
        self.bias = nn.Parameter(torch.tensor(plan.biases))
        self.initial = nn.Parameter(torch.tensor(plan.initials))
        masks = (plan.weight_trainable, plan.bias_trainable, plan.initial_trainable)
        for name, mask in zip(_PARAMS, masks):
            self.register_buffer(f"{name}_mask", torch.tensor(mask), persistent=False)
            getattr(self, name).register_hook(self._hook(name))
        self._raw: dict[str, torch.Tensor] = {}
        self._index = {k: torch.from_numpy(v) for k, v in _index_arrays(plan).items()}

    # ---------------------------------------------------------------- gradients
    def _hook(self, name: str):
        def hook(grad):
            p = getattr(self, name)
            raw = grad.detach().clone()
            self._raw[name] = raw if p.grad is None or name not in self._raw \
                else self._raw[name] + raw
            return grad * getattr(self, f"{name}_mask").to(grad.dtype)
        return hook

    def grads(self):
        """The gradients of the last backward() as the engine's Grads (every parameter, the
        non-trainable ones too, like rs.gradients)."""
        from ..engine import Grads
        if not self._raw:
            raise RuntimeError("no gradients yet: call backward() on a loss of this module")
        plan = self.plan
        raw = {k: self._raw.get(k, torch.zeros_like(getattr(self, k))).detach().cpu()
               .to(torch.float64).numpy() for k in _PARAMS}
        flat = np.concatenate([raw["weight"], raw["bias"], raw["initial"]])
        return Grads(weights={e: float(g) for e, g in zip(plan.edges, raw["weight"])},
                     biases={n: float(g) for n, g in zip(plan.neurons, raw["bias"])},
                     initials={n: float(g) for n, g in zip(plan.neurons, raw["initial"])},
                     flat=flat)

    def params(self) -> dict:
        """The module's parameters in Network.set_params form."""
        plan = self.plan
        w, b, i = (getattr(self, k).detach().cpu().to(torch.float64).numpy() for k in _PARAMS)
        return {"weights": {e: float(x) for e, x in zip(plan.edges, w)},
                "biases": {n: float(x) for n, x in zip(plan.neurons, b)},
                "initials": {n: float(x) for n, x in zip(plan.neurons, i)}}

    def write_back(self, net) -> None:
        """Copy the parameters into `net` (which must have the module's nodes and edges)."""
        net.set_params(self.params())

    # ---------------------------------------------------------------- running
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        single = X.dim() == 2
        if single:
            X = X.unsqueeze(1)
        if X.dim() != 3 or X.shape[2] != self.plan.n_in:
            raise ValueError(f"X must have shape (T, N, {self.plan.n_in}) or "
                             f"(T, {self.plan.n_in}); got {tuple(X.shape)}")
        X = X.to(self.weight.dtype)
        values = self.values(X)
        out = values[:, :, self._index["out_cols"].to(X.device)]
        return out[:, 0, :] if single else out

    def values(self, X: torch.Tensor) -> torch.Tensor:
        """Every column's value at every step: (T, N, n_in + neurons)."""
        T, N, _ = X.shape
        plan, dev = self.plan, X.device
        ix = {k: v.to(dev) for k, v in self._index.items()}
        init = torch.cat([X.new_zeros(plan.n_in), self.initial])
        steps = [X[t] for t in range(T)]
        for s, sw in enumerate(plan.sweeps):
            wd = self._delay_matrix(sw, s, ix)
            order = range(T - 1, -1, -1) if sw.reverse else range(T)
            hist: dict[int, torch.Tensor] = {}
            for t in order:
                cur = self._step(sw, s, ix, steps[t], hist, t, T, init, wd, N)
                hist[t] = cur
                steps[t] = cur
        return torch.stack(steps) if T else X.new_zeros((0, N, plan.M))

    def _delay_matrix(self, sw, s, ix):
        if not len(sw.wd_edge):
            return None
        w = self.weight.new_zeros((sw.pool_size, sw.c1 - sw.c0))
        return w.index_put((ix[f"wd_rows{s}"], ix[f"wd_cols{s}"]),
                           self.weight[ix[f"wd_edge{s}"]], accumulate=True)

    def _pool(self, sw, s, ix, hist, t, T, init, N):
        parts = []
        for k, (d, _) in enumerate(sw.delays):
            src = t + d if sw.reverse else t - d
            cols = ix[f"pool{s}_{k}"]
            if 0 <= src < T:
                parts.append(hist[src].index_select(1, cols))
            else:
                parts.append(init.index_select(0, cols).expand(N, -1))
        return torch.cat(parts, 1) if parts else init.new_zeros((N, 0))

    def _step(self, sw, s, ix, cur, hist, t, T, init, wd, N):
        pool = self._pool(sw, s, ix, hist, t, T, init, N)
        dsum = pool @ wd if wd is not None else None
        for k, lv in enumerate(sw.levels):
            parts = []
            if lv.n_sum:
                a = self.bias[lv.c0 - self.plan.n_in:lv.c0 - self.plan.n_in + lv.n_sum]
                a = a.expand(N, -1)
                if dsum is not None:
                    a = a + dsum[:, lv.c0 - sw.c0:lv.c0 - sw.c0 + lv.n_sum]
                if len(lv.w0_edge):
                    w0 = self.weight.new_zeros((lv.c0, lv.n_sum)).index_put(
                        (ix[f"w0r{s}_{k}"], ix[f"w0c{s}_{k}"]),
                        self.weight[ix[f"w0e{s}_{k}"]], accumulate=True)
                    a = a + cur[:, :lv.c0] @ w0
                parts.append(a)
            if lv.c1 - lv.c0 > lv.n_sum:
                parts.append(self._products(lv, s, k, ix, cur, pool, N))
            a = torch.cat(parts, 1) if len(parts) > 1 else parts[0]
            y = [_ACT[act](a[:, i:j]) for i, j, act in lv.runs]
            cur = torch.cat([cur] + y, 1)
        return cur

    def _products(self, lv, s, k, ix, cur, pool, N):
        src = torch.cat([cur[:, :lv.c0], pool, cur.new_ones((N, 1))], 1)
        idx = ix[f"pi{s}_{k}"]
        terms = src[:, idx.reshape(-1)].reshape(N, *idx.shape)
        w = torch.cat([self.weight, self.weight.new_ones(1)])[ix[f"pe{s}_{k}"]]
        return (terms * w).prod(-1)

    # ---------------------------------------------------------------- losses
    @staticmethod
    def loss(Y_hat: torch.Tensor, Y, name: str = "mse", denominator=None) -> torch.Tensor:
        """The engine's loss (SEMANTICS.md; NaN targets are absent), see `loss`."""
        return loss(Y_hat, Y, name, denominator)


def _index_arrays(plan: Plan) -> dict[str, np.ndarray]:
    out = {"out_cols": plan.out_cols}
    for s, sw in enumerate(plan.sweeps):
        out.update({f"wd_rows{s}": sw.wd_rows, f"wd_cols{s}": sw.wd_cols,
                    f"wd_edge{s}": sw.wd_edge})
        for k, (_, cols) in enumerate(sw.delays):
            out[f"pool{s}_{k}"] = cols
        for k, lv in enumerate(sw.levels):
            out.update({f"w0r{s}_{k}": lv.w0_rows, f"w0c{s}_{k}": lv.w0_cols,
                        f"w0e{s}_{k}": lv.w0_edge, f"pi{s}_{k}": lv.prod_idx,
                        f"pe{s}_{k}": np.where(lv.prod_edge < 0, len(plan.edges),
                                               lv.prod_edge)})
    return out


def target_count(Y: torch.Tensor, name: str) -> torch.Tensor:
    """How many targets a loss averages over (rows for cross_entropy, entries otherwise)."""
    present = ~torch.isnan(Y)
    return (present.all(-1) if name == "cross_entropy" else present).sum()


def loss(Y_hat: torch.Tensor, Y, name: str = "mse", denominator=None) -> torch.Tensor:
    """mse, bce or cross_entropy as the engine computes them, summed over the present targets
    and divided by their count (or by `denominator`: the data-parallel backend divides each
    shard's sum by the whole batch's count)."""
    Y = torch.as_tensor(Y, dtype=Y_hat.dtype, device=Y_hat.device)
    if Y.shape != Y_hat.shape:
        raise ValueError(f"targets have shape {tuple(Y.shape)}, outputs {tuple(Y_hat.shape)}")
    present = ~torch.isnan(Y)
    t = torch.where(present, Y, torch.zeros_like(Y))
    if name == "mse":
        terms = torch.where(present, (Y_hat - t) ** 2, torch.zeros_like(Y))
    elif name == "bce":
        yc = Y_hat.clamp(1e-12, 1.0 - 1e-12)
        terms = torch.where(present, -(t * torch.log(yc) + (1 - t) * torch.log1p(-yc)),
                            torch.zeros_like(Y))
    elif name == "cross_entropy":
        rows = present.all(-1, keepdim=True)
        logp = torch.log_softmax(Y_hat, -1)
        terms = torch.where(rows, -(torch.where(rows, Y, torch.zeros_like(Y)) * logp),
                            torch.zeros_like(Y))
    else:
        raise ValueError(f"unknown loss {name!r}; expected one of mse, bce, cross_entropy")
    count = target_count(Y, name) if denominator is None else denominator
    return terms.sum() / max(int(count), 1) if int(count) else terms.sum() * 0.0


# ---------------------------------------------------------------- from torch
def from_module(rnn, readout=None):
    """A network computing what `rnn` (nn.RNN tanh/relu, nn.LSTM, nn.GRU; any num_layers,
    bidirectional for one layer, batch_first or not) and then `readout` (an nn.Linear or
    None) compute, with the templates' node names and groups. The network takes
    (T, N, n_in) whatever batch_first says. Without a readout its outputs are the last
    layer's h (both directions: forward first), as rnn(X)[0]."""
    from .torch_import import build_from_weights, module_spec
    spec = module_spec(rnn, readout)
    return build_from_weights(spec)


def load_module_file(path):
    """A network from a saved torch file (a state_dict or a dict of them), read with
    torch.load(weights_only=True): nothing is unpickled but tensors and plain containers."""
    from .torch_import import network_from_file
    return network_from_file(path)
