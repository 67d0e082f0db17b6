"""Torch recurrent layers as networks: the weights as plain numpy arrays (a *spec*), then a
network built from the templates' cells with the templates' node names and groups.

Node names: inputs x0.., readout outputs y0..; each cell as its template names it (Elman h0..,
LSTM i0 f0 g0 o0 ig0 fc0 c0 tc0 h0.., GRU r0 z0 hn0 rh0 n0 d0 zd0 h0..). A bidirectional
nn.RNN takes the bidirectional template's f0.. / b0..; a bidirectional LSTM or GRU adds "_b" to
its backward cells' names; layers after the first add "_l1", "_l2", ... The torch module
itself is imported only by `network_from_file` (torch.load with weights_only=True).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import templates
from ..io import FileFormatError, from_record, to_record

KINDS = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
GATE_ROWS = {"lstm": {"i": 0, "f": 1, "g": 2, "o": 3}, "gru": {"r": 0, "z": 1}}
LAYER_DX = 6 * templates.DX
IMPORT_ERROR = ValueError


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy()


def module_spec(rnn, readout=None) -> dict:
    """The weights of an nn.RNN / nn.LSTM / nn.GRU (and an nn.Linear readout) as numpy."""
    kind = KINDS.get(type(rnn).__name__)
    if kind is None:
        raise ValueError(f"from_module: {type(rnn).__name__} is not nn.RNN, nn.LSTM or nn.GRU")
    if getattr(rnn, "proj_size", 0):
        raise ValueError("from_module: an LSTM with proj_size has no network form here")
    act = getattr(rnn, "nonlinearity", "tanh") if kind == "rnn" else None
    state = {k: _np(v) for k, v in rnn.state_dict().items()}
    spec = _spec_from_state(kind, state, rnn.num_layers, rnn.bidirectional, act)
    if readout is not None:
        spec["readout"] = _readout(readout.weight, getattr(readout, "bias", None), spec)
    return spec


def _readout(weight, bias, spec) -> dict:
    W = _np(weight) if not isinstance(weight, np.ndarray) else weight
    width = spec["hidden"] * (2 if spec["bidirectional"] else 1)
    if W.ndim != 2 or W.shape[1] != width:
        raise ValueError(f"the readout reads {W.shape[-1]} values; the recurrent layer gives "
                         f"{width}")
    b = np.zeros(W.shape[0]) if bias is None else (
        _np(bias) if not isinstance(bias, np.ndarray) else bias)
    return {"W": W, "b": b}


def _spec_from_state(kind, state, layers, bidirectional, act) -> dict:
    H = state["weight_hh_l0"].shape[1]
    spec = {"kind": kind, "hidden": H, "n_in": state["weight_ih_l0"].shape[1],
            "layers": [], "bidirectional": bool(bidirectional), "activation": act}
    for lay in range(layers):
        dirs = []
        for suffix in ("", "_reverse") if bidirectional else ("",):
            w = {k: state.get(f"{k}_l{lay}{suffix}") for k in
                 ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            rows = w["weight_hh"].shape[0]
            for k in ("bias_ih", "bias_hh"):
                if w[k] is None:
                    w[k] = np.zeros(rows)
            dirs.append(w)
        spec["layers"].append(dirs)
    return spec


# ---------------------------------------------------------------------- building
def build_from_weights(spec: dict):
    """The network of a spec (see module_spec)."""
    kind, H = spec["kind"], spec["hidden"]
    if spec["bidirectional"] and len(spec["layers"]) > 1:
        raise ValueError(
            "from_module: a bidirectional module with more than one layer has no network form: "
            "the second layer's backward direction would read the first layer's forward "
            "direction, and a reverse-time neuron reads only inputs and reverse-time neurons")
    xs = [f"x{k}" for k in range(spec["n_in"])]
    rec = _empty_record(spec, xs)
    sources = xs
    for lay, dirs in enumerate(spec["layers"]):
        outs = []
        for d, weights in enumerate(dirs):
            names = _namer(kind, lay, d, spec["bidirectional"])
            _add_piece(rec, kind, sources, H, names, weights, spec, lay, d)
            outs += [names(f"h{j}") for j in range(H)]
        sources = outs
    _add_outputs(rec, sources, spec)
    return from_record(rec)


def _empty_record(spec, xs) -> dict:
    from ..io import FORMAT, VERSION
    label = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[spec["kind"]]
    shape = f"{spec['n_in']}-{spec['hidden']}" + (f"x{len(spec['layers'])}"
                                                   if len(spec["layers"]) > 1 else "")
    bi = " bidirectional" if spec["bidirectional"] else ""
    desc = (f"Imported from torch.nn.{label}{bi} ({len(spec['layers'])} layer(s), "
            f"{spec['hidden']} cells); it computes what the torch module computes.")
    return {"format": FORMAT, "version": VERSION, "name": f"torch {label}{bi} {shape}",
            "description": desc, "inputs": xs, "outputs": [],
            "ordering": {"mode": "auto", "manual": []},
            "nodes": [{"id": x, "kind": "input", "label": x, "x": 0.0,
                       "y": (k - (len(xs) - 1) / 2) * templates.DY} for k, x in enumerate(xs)],
            "edges": [], "groups": [{"id": "inputs", "label": "inputs", "members": xs,
                                     "collapsed": False}],
            "training": {}, "view": {}}


def _namer(kind, lay, d, bidirectional):
    def name(base: str) -> str:
        if kind == "rnn" and bidirectional:
            base = ("f" if d == 0 else "b") + base[1:]
        elif d == 1:
            base += "_b"
        return base + (f"_l{lay}" if lay else "")
    return name


def _template(kind, n_in, H, act):
    if kind == "rnn":
        return templates.elman(n_in, H, 1, activation=act)
    return templates.lstm(n_in, H, 1) if kind == "lstm" else templates.gru(n_in, H, 1)


def _add_piece(rec, kind, sources, H, names, w, spec, lay, d) -> None:
    """One layer and direction: the template's cells, renamed, reading `sources`."""
    tpl = to_record(_template(kind, len(sources), H, spec["activation"]))
    cells = {n["id"] for n in tpl["nodes"] if n["kind"] == "neuron"}
    rename = {f"x{k}": s for k, s in enumerate(sources)}
    rename.update({c: names(c) for c in cells})
    dx = (lay + 1) * LAYER_DX - templates.DX
    dy = d * (H * 4 + 2) * templates.DY
    cell_of = _cell_map(kind, names, H)
    source_index = {s: k for k, s in enumerate(sources)}
    for node in tpl["nodes"]:
        if node["id"] in cells:
            node.update(id=rename[node["id"]], label=rename[node["id"]],
                        x=node["x"] + dx, y=node["y"] + dy,
                        direction="reverse" if d == 1 else "forward")
            node["bias"] = _bias(kind, cell_of.get(node["id"]), H, w)
            rec["nodes"].append(node)
    for e in tpl["edges"]:
        if e["source"] in rename and e["target"] in cells:
            e = dict(e, source=rename[e["source"]], target=rename[e["target"]])
            e["weight"] = _weight(kind, e, cell_of, source_index, H, w)
            rec["edges"].append(e)
    for grp in tpl.get("groups", []):
        if grp["id"] in ("inputs", "outputs"):
            continue
        gid = names(grp["id"]) if (d or lay) else grp["id"]
        if kind == "rnn" and spec["bidirectional"]:
            gid = "forward" if d == 0 else "backward"
        rec["groups"].append({"id": gid, "label": grp["label"] + _where(lay, d),
                              "members": [rename[m] for m in grp["members"]],
                              "collapsed": False})


def _where(lay, d) -> str:
    parts = ([f"layer {lay + 1}"] if lay else []) + (["backward"] if d else [])
    return f" ({', '.join(parts)})" if parts else ""


BASES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o", "h"), "gru": ("r", "z", "hn", "n", "h")}


def _cell_map(kind, names, H) -> dict[str, tuple[str, int]]:
    """{renamed node id: (template base like "i", cell j)}."""
    return {names(f"{base}{j}"): (base, j) for j in range(H) for base in BASES[kind]}


def _row(kind, base, j, H) -> int | None:
    if kind == "rnn":
        return j if base == "h" else None
    if kind == "gru" and base in ("n", "hn"):
        return 2 * H + j
    rows = GATE_ROWS[kind]
    return rows[base] * H + j if base in rows else None


def _bias(kind, cell, H, w) -> float:
    row = None if cell is None else _row(kind, cell[0], cell[1], H)
    if row is None:
        return 0.0
    if kind == "gru" and cell[0] == "n":
        return float(w["bias_ih"][row])
    if kind == "gru" and cell[0] == "hn":
        return float(w["bias_hh"][row])
    return float(w["bias_ih"][row] + w["bias_hh"][row])


def _weight(kind, e, cell_of, source_index, H, w) -> float:
    if not e["trainable"]:
        return e["weight"]  # the template's wiring (1 or -1)
    cell = cell_of[e["target"]]
    row = _row(kind, cell[0], cell[1], H)
    if e["source"] in source_index and e.get("delay", "auto") == "auto":
        return float(w["weight_ih"][row, source_index[e["source"]]])
    return float(w["weight_hh"][row, cell_of[e["source"]][1]])


def _add_outputs(rec, last, spec) -> None:
    readout = spec.get("readout")
    if readout is None:
        for node in rec["nodes"]:
            if node["id"] in last:
                node["kind"] = "output"
        rec["outputs"] = list(last)
        return
    W, b = readout["W"], readout["b"]
    ys = [f"y{k}" for k in range(W.shape[0])]
    x_out = max(n["x"] for n in rec["nodes"]) + templates.DX
    for k, y in enumerate(ys):
        rec["nodes"].append({"id": y, "kind": "output", "label": y, "x": x_out,
                             "y": (k - (len(ys) - 1) / 2) * templates.DY,
                             "activation": "identity", "bias": float(b[k])})
        for i, h in enumerate(last):
            rec["edges"].append({"source": h, "target": y, "weight": float(W[k, i])})
    rec["outputs"] = ys
    rec["groups"].append({"id": "outputs", "label": "outputs", "members": ys,
                          "collapsed": False})


# ---------------------------------------------------------------------- files
MAX_TORCH_FILE_BYTES = 2 ** 31


def network_from_file(path, nonlinearity: str = "tanh"):
    """A network from a torch file: one written by `rnnstudio export --to torch`, or the
    state_dict of an nn.RNN / nn.LSTM / nn.GRU, optionally with an nn.Linear readout (keys
    like "rnn.weight_ih_l0" and "fc.weight"). Read with torch.load(weights_only=True)."""
    import torch

    from ..io.safefile import UnreadableFile, open_regular
    path = Path(path)
    try:  # a named pipe or a device is refused before torch reads (it would wait or never end)
        f = open_regular(path, MAX_TORCH_FILE_BYTES, "torch file")
    except UnreadableFile as exc:
        raise FileFormatError(f"{path}: {exc}") from None
    try:
        with f:
            data = torch.load(f, map_location="cpu", weights_only=True)
    except Exception as exc:  # not a torch file, or one that holds arbitrary objects
        raise FileFormatError(f"{path}: not a torch file of tensors ({type(exc).__name__}: "
                              f"{' '.join(str(exc).split())[:200]})") from None
    if isinstance(data, dict) and isinstance(data.get("rnnstudio_network"), str):
        from ..io import loads
        net = loads(data["rnnstudio_network"], source=str(path))
        return net
    if not isinstance(data, dict) or not all(hasattr(v, "shape") for v in data.values()):
        raise FileFormatError(f"{path}: expected a state_dict (a mapping of names to tensors) "
                              "of an nn.RNN, nn.LSTM or nn.GRU")
    return build_from_weights(spec_from_state_dict(data, nonlinearity, str(path)))


def spec_from_state_dict(state: dict, nonlinearity: str = "tanh", source: str = "state_dict"):
    """A spec from a (possibly prefixed) recurrent state_dict plus an optional 2-D readout."""
    keys = [k for k in state if k.endswith("weight_ih_l0")]
    if len(keys) != 1:
        raise FileFormatError(f"{source}: expected one recurrent layer (a key ending in "
                              f"'weight_ih_l0'), found {len(keys)}")
    prefix = keys[0][:-len("weight_ih_l0")]
    rec = {k[len(prefix):]: state[k].detach().cpu().double().numpy()
           for k in state if k.startswith(prefix) and "_l" in k[len(prefix):]}
    H = rec["weight_hh_l0"].shape[1]
    kind = {1: "rnn", 4: "lstm", 3: "gru"}.get(rec["weight_ih_l0"].shape[0] // H)
    if kind is None or rec["weight_ih_l0"].shape[0] % H:
        raise FileFormatError(f"{source}: {prefix}weight_ih_l0 has {rec['weight_ih_l0'].shape[0]}"
                              f" rows for {H} cells; not an RNN, LSTM or GRU")
    layers = 1 + max(int(k.split("_l")[-1].split("_")[0]) for k in rec)
    spec = _spec_from_state(kind, rec, layers, any(k.endswith("_reverse") for k in rec),
                            nonlinearity if kind == "rnn" else None)
    rest = {k: v for k, v in state.items() if not k.startswith(prefix) or k not in
            {prefix + r for r in rec}}
    wkeys = [k for k, v in rest.items() if k.endswith("weight") and v.dim() == 2]
    if len(wkeys) == 1:
        bias = rest.get(wkeys[0][:-len("weight")] + "bias")
        spec["readout"] = _readout(rest[wkeys[0]].detach().cpu().double().numpy(),
                                   None if bias is None else bias.detach().cpu().double().numpy(),
                                   spec)
    return spec
