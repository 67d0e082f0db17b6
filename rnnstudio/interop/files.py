"""Import and export by file type, for the command line and File › Import / Export. No Qt.

    net = import_network("eight.net")          # .net (SNNS), .graphml, .pt / .pth (torch)
    export_network(net, "net.onnx", "onnx")   # "torch", "onnx" or "graphml"

A torch export is a file of plain data for ``torch.load(..., weights_only=True)``:
{"rnnstudio_network": the .rnn.json text, "state_dict": the to_module() parameters}.
"""

from __future__ import annotations

import io
from pathlib import Path

IMPORT_TYPES = {".net": "SNNS network", ".graphml": "GraphML", ".pt": "PyTorch",
                ".pth": "PyTorch"}
EXPORT_TYPES = {"torch": ".pt", "onnx": ".onnx", "graphml": ".graphml"}
IMPORT_FILTER = ("Networks of other tools (*.net *.graphml *.pt *.pth);;SNNS networks (*.net);;"
                 "GraphML (*.graphml);;PyTorch files (*.pt *.pth);;All files (*)")
EXPORT_FILTERS = {"torch": "PyTorch file (*.pt)", "onnx": "ONNX model (*.onnx)",
                  "graphml": "GraphML (*.graphml)"}


def import_network(path):
    """The network of another tool's file, chosen by its extension; FileFormatError (a
    ValueError) names the file and the place; ImportError when the extra is missing."""
    suffix = Path(path).suffix.lower()
    if suffix == ".net":
        from . import snns
        return snns.load_network(path)
    if suffix == ".graphml":
        from . import graphml
        net = graphml.load(path)
        if all(d.get("x", 0) == 0 and d.get("y", 0) == 0 for _, d in net.graph.nodes(data=True)):
            arrange(net)  # a plain graph without positions
        return net
    if suffix in (".pt", ".pth"):
        from .torch import load_module_file
        net = load_module_file(path)
        arrange(net)
        return net
    raise ValueError(f"{path}: cannot import {suffix or 'a file without an extension'} files "
                     f"(only {', '.join(IMPORT_TYPES)})")


def export_network(net, path, to: str) -> Path:
    """Write `net` for another tool: to "torch", "onnx" or "graphml"."""
    path = Path(path)
    if to == "graphml":
        from . import graphml
        return graphml.save(net, path)
    if to == "onnx":
        from . import onnx as ro
        return ro.export(net, path)
    if to == "torch":
        return _save_torch(net, path)
    raise ValueError(f"cannot export to {to!r} (only {', '.join(EXPORT_TYPES)})")


def _save_torch(net, path: Path) -> Path:
    import torch
    from ..io import dumps
    from ..io.netfile import write_atomic
    from .torch import to_module
    buf = io.BytesIO()
    torch.save({"rnnstudio_network": dumps(net),
                "state_dict": to_module(net).state_dict()}, buf)
    write_atomic(str(path), buf.getvalue())
    return path


def arrange(net) -> None:
    """Lay the network out (one step: each node moved once)."""
    from .. import layout
    layout.apply(net, layout.arrange(net))
