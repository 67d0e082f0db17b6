"""``python -m rnnstudio import FILE OUT.rnn.json``: another tool's network as a network file
(SNNS .net, GraphML .graphml, PyTorch .pt/.pth)."""

from __future__ import annotations

import argparse

from .common import CLIError, plural

NAME = "import"
HELP = "Import an SNNS (.net), GraphML (.graphml) or PyTorch (.pt) network as .rnn.json."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the file to read: .net, .graphml, .pt or .pth")
    p.add_argument("out", help="the network file to write (.rnn.json)")


def run(args: argparse.Namespace) -> int:
    from ..interop.files import import_network
    from ..io import save
    try:
        net = import_network(args.file)
    except ImportError as exc:
        raise CLIError(f"{args.file}: reading PyTorch files needs the [torch] extra "
                       f"(pip install 'rnnstudio[torch]'): {exc}") from None
    save(net, args.out)
    print(f"{args.out}: {net.name}: {plural(len(net.inputs), 'input')}, "
          f"{plural(len(net.outputs), 'output')}, {plural(len(net), 'node')}, "
          f"{plural(net.graph.number_of_edges(), 'edge')}")
    return 0
