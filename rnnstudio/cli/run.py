"""``python -m rnnstudio run NET --csv data.csv``: the network's outputs for a CSV time series,
as CSV."""

from __future__ import annotations

import argparse
import csv
import io
import sys

import numpy as np

from .common import CLIError, csv_failure, csv_of, load_net, names, plural

NAME = "run"
HELP = "Run a network on a CSV time series; write its outputs as CSV."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("net", help="a .rnn.json network file")
    p.add_argument("--csv", required=True, help="a CSV time series with a header row")
    p.add_argument("--inputs", help="comma-separated input columns (names or 0-based indices); "
                   "default: the columns named like the network's inputs, else the first ones")
    p.add_argument("--delimiter", help="CSV delimiter (default: guessed)")
    p.add_argument("--out", help="output CSV file (default: standard output)")


def _default_inputs(net, header: list[str]) -> list:
    for cols in (net.inputs, [net.graph.nodes[n]["label"] for n in net.inputs]):
        if all(n in header for n in cols):
            return list(cols)
    if len(header) < len(net.inputs):
        raise CLIError(f"the CSV has {plural(len(header), 'column')}; the network needs "
                       f"{plural(len(net.inputs), 'input')}")
    return list(range(len(net.inputs)))


def _output_csv(net, Y: np.ndarray) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([net.graph.nodes[o]["label"] for o in net.outputs])
    for row in Y:
        w.writerow([repr(float(v)) for v in row])
    return buf.getvalue()


def _scaled(net, X: np.ndarray) -> np.ndarray:
    """X scaled as the network's training data was (its training block's CSV source says how,
    with the numbers fitted on the training split); as it is when the source says none."""
    from ..tasks import scaling
    source = csv_of(net.training or {})
    method = scaling.method_of(source)
    fitted = scaling.saved(source, X.shape[-1])
    if method != "none" and fitted is None:
        raise CLIError(f"the network was trained on {method} inputs but its file holds no "
                       "fitted scaling (train it first: rnnstudio train)")
    return scaling.apply(X, fitted)


def run(args: argparse.Namespace) -> int:
    from ..engine import run as run_net
    from ..tasks import CSVError, from_csv, read_csv_table
    net = load_net(args.net)
    try:
        header, _ = read_csv_table(args.csv, max_rows=1, delimiter=args.delimiter)
        inputs = names(args.inputs) or _default_inputs(net, header)
        if len(inputs) != len(net.inputs):
            raise CLIError(f"{plural(len(inputs), 'input column')} chosen; the network has "
                           f"{plural(len(net.inputs), 'input')}")
        X, _ = from_csv(args.csv, inputs=inputs, delimiter=args.delimiter)
    except CSVError as exc:
        raise CLIError(csv_failure(exc)) from None
    text = _output_csv(net, run_net(net, _scaled(net, X))[:, 0, :])
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0
