"""``python -m rnnstudio export NET --to torch|onnx|graphml OUT``: a network for another tool."""

from __future__ import annotations

import argparse

from .common import CLIError, load_net

NAME = "export"
HELP = "Export a network for PyTorch (.pt), ONNX (.onnx) or GraphML (.graphml)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--to", required=True, choices=("torch", "onnx", "graphml"),
                   help="torch: a file for torch.load(weights_only=True); onnx: time as a "
                   "Scan, any T and N; graphml: for Gephi, Cytoscape or yEd")
    p.add_argument("out", help="the file to write")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                   help="ONNX number type (default float32)")


def run(args: argparse.Namespace) -> int:
    from ..interop.files import export_network
    net = load_net(args.net)
    try:
        if args.to == "onnx":
            from ..interop import onnx as ro
            path = ro.export(net, args.out, dtype=args.dtype)
        else:
            path = export_network(net, args.out, args.to)
    except ImportError as exc:
        extra = "torch" if args.to == "torch" else "onnx"
        raise CLIError(f"--to {args.to} needs the [{extra}] extra "
                       f"(pip install 'rnnstudio[{extra}]'): {exc}") from None
    print(path)
    return 0
