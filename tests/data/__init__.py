"""Data the tests need, carried by the repository (the suite runs from a bare clone).

`golden/` holds the golden cases: worked examples of what a network computes, each computed by
an independent float64 implementation. Copied byte for byte from the project's specification;
do not edit them (an engine is right when it reproduces every case to 1e-9). A case:

    name, description
    network:  nodes:    [{id, kind: input|neuron|output, activation, bias, initial, aggregate?}]
              edges:    [{source, target, weight, delay: "auto" | integer}]
              ordering: [node ids, inputs first]     (used as a manual ordering)
    inputs, outputs:  node ids in the column order of X and Y
    X:        (T, N, n_inputs)
    Y:        (T, N, n_outputs) with null for "no target", or null when the case has no targets
    loss:     "mse" | "bce"
    expected: outputs, backward_edges, loss (when Y is given), grad_weights, grad_biases
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent
GOLDEN = DATA / "golden"


def golden_cases() -> list[Path]:
    """The golden case files, sorted by name."""
    return sorted(GOLDEN.glob("*.json"))
