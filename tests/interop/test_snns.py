"""SNNS .net and .pat files: the semantics of JE_Order and Topological_Order against a small
reference written here, errors naming the line, and SNNS's own example nets when present."""

import os
from pathlib import Path

import numpy as np
import pytest

import rnnstudio as rs
from rnnstudio.interop import snns

HEADER = """SNNS network definition file V1.4-3D
generated at Mon Apr 25 17:49:00 1994

network name : {name}
source files :
no. of units : {units}
no. of connections : 0
no. of unit types : 0
no. of site types : 0


learning function : JE_Rprop
update function   : {update}

"""
DEFAULTS = """
unit default section :

act      | bias     | st | subnet | layer | act func     | out func
---------|----------|----|--------|-------|--------------|-------------
 0.00000 |  0.00000 | h  |      0 |     1 | Act_Logistic | Out_Identity
---------|----------|----|--------|-------|--------------|-------------

"""
UNITS_HEAD = """
unit definition section :

no. | typeName | unitName | act      | bias     | st | position | act func     | out func | sites
----|----------|----------|----------|----------|----|----------|--------------|----------|-------
"""
CONN_HEAD = """----|----------|----------|----------|----------|----|----------|--------------|----------|-------


connection definition section :

target | site | source:weight
-------|------|----------------------------------------------------------------
"""
END = "-------|------|----------------------------------------------------------------\n"

ELMAN_UNITS = """  1 |          | in1      |  0.30000 |  0.70000 | i  |  1, 1, 0 | Act_Identity |          |
  2 |          | in2      |  0.00000 |  0.10000 | i  |  1, 2, 0 |||
  3 |          | hid      |  0.90000 | -0.40000 | h  |  5, 1, 0 |||
  4 |          | hid      |  0.10000 |  0.20000 | h  |  5, 2, 0 | Act_TanH |          |
  5 |          | out      |  0.00000 |  0.30000 | o  |  9, 1, 0 |||
  6 |          | con1     |  0.50000 |  0.50000 | sh |  3, 4, 0 | Act_Identity |          |
  7 |          | con2     |  0.25000 |  0.90000 | sh |  3, 5, 0 | Act_Identity |          |
"""
ELMAN_CONNS = """     3 |      |  6: 0.70000,  7:-1.20000,  1: 2.00000,
                 2:-0.50000
     4 |      |  6: 0.30000,  1:-1.00000,  2: 1.50000, 3: 0.25000
     5 |      |  3: 1.10000,  4:-0.90000
     6 |      |  6: 0.50000,  3: 1.00000
     7 |      |  7: 0.50000,  4: 1.00000
"""


def net_text(units, conns, update="JE_Order", defaults=DEFAULTS, name="t"):
    return (HEADER.format(name=name, units=units.count("\n"), update=update) + defaults
            + UNITS_HEAD + units + CONN_HEAD + conns + END)


def write(tmp_path, text, name="n.net"):
    path = tmp_path / name
    path.write_text(text)
    return path


def reference_elman(X):
    """SNNS JE_Order for ELMAN_UNITS/ELMAN_CONNS, written out by hand."""
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    c1, c2, out = 0.5, 0.25, []
    for x1, x2 in X:
        h1 = sig(0.7 * c1 - 1.2 * c2 + 2.0 * x1 - 0.5 * x2 - 0.4)
        h2 = np.tanh(0.3 * c1 - 1.0 * x1 + 1.5 * x2 + 0.25 * h1 + 0.2)
        out.append(sig(1.1 * h1 - 0.9 * h2 + 0.3))
        c1, c2 = 0.5 * c1 + h1, 0.5 * c2 + h2  # identity: the bias is ignored
    return np.array(out)


def test_je_order_elman_equals_snns(tmp_path):
    net = snns.load_network(write(tmp_path, net_text(ELMAN_UNITS, ELMAN_CONNS)))
    assert net.inputs == ["in1", "in2"] and net.outputs == ["out"]
    assert set(net.graph.nodes) == {"in1", "in2", "hid", "hid_2", "out", "con1", "con2"}
    X = np.random.default_rng(0).uniform(-1, 1, (12, 2))
    np.testing.assert_allclose(rs.run(net, X)[:, 0], reference_elman(X), rtol=0, atol=1e-14)
    assert net.resolved_delay("con1", "hid") == 1 and net.resolved_delay("hid", "con1") == 0
    assert not net.edge_attrs("hid", "con1")["trainable"]  # context wiring stays fixed
    assert net.node_attrs("con2")["initial"] == 0.25 and net.node_attrs("con2")["bias"] == 0
    # drawn as layers: hid_2 reads hid in the same step, con1/con2 copy hid/hid_2
    assert {g: r["members"] for g, r in net.groups.items()} == {
        "inputs": ["in1", "in2"], "hidden1": ["hid"], "hidden2": ["hid_2"], "outputs": ["out"],
        "context1": ["con1"], "context2": ["con2"]}
    x = {n: d["x"] for n, d in net.graph.nodes(data=True)}
    assert x["in1"] < x["hid"] < x["hid_2"] < x["out"]


def test_topological_order_types_and_defaults(tmp_path):
    defaults = DEFAULTS.replace("Act_Logistic", "Act_TanH    ")
    types = """
type definition section :

name     | act func             | out func     |sites
---------|----------------------|--------------|---------
plusType | Act_IdentityPlusBias | Out_Identity |
---------|----------------------|--------------|---------
"""
    units = """  1 |          | a        |  0.00000 |  0.00000 | i  | 1,1,0    |||
  2 |          | h        |  0.00000 | -0.50000 |    | 4,1,0    |||
  3 | plusType | y        |  0.00000 |  0.25000 | o  | 8,1,0    |||
"""
    conns = "     2 |      | 1: 2.00000\n     3 |      | 2: 3.00000, 1:-1.00000\n"
    path = write(tmp_path, net_text(units, conns, "Topological_Order", defaults + types))
    net = snns.load_network(path)
    assert net.backward_edges() == []
    X = np.linspace(-1, 1, 5)[:, None]
    expected = 3.0 * np.tanh(2.0 * X[:, 0] - 0.5) - X[:, 0] + 0.25
    np.testing.assert_allclose(rs.run(net, X)[:, 0], expected, atol=1e-15)


def test_patterns_one_sequence_in_file_order(tmp_path):
    path = write(tmp_path, """SNNS pattern definition file V3.2
generated at Mon Apr 25 17:47:01 1994


No. of patterns : 3
No. of input units : 2
No. of output units : 1

# Input pattern 1:
0 1
# Output pattern 1:
1
# Input pattern 2:
0.5 -2e-1 # a comment
# Output pattern 2:
0
# Input pattern 3:
1
1
# Output pattern 3:
0.25
""", "p.pat")
    X, Y = snns.load_patterns(path)
    assert X.shape == (3, 1, 2) and Y.shape == (3, 1, 1)
    np.testing.assert_array_equal(X[:, 0], [[0, 1], [0.5, -0.2], [1, 1]])
    np.testing.assert_array_equal(Y[:, 0, 0], [1, 0, 0.25])
    path.write_text(path.read_text().replace("0.25\n", ""))
    with pytest.raises(rs.FileFormatError, match=r"p.pat: line \d+: 3 patterns .* need 9 "
                                                 r"numbers; the file has 8"):
        snns.load_patterns(path)
    path.write_text(path.read_text().replace("0.5", "zero"))
    with pytest.raises(rs.FileFormatError, match=r"p.pat: line 14: pattern value: 'zero'"):
        snns.load_patterns(path)


@pytest.mark.parametrize("change,message", [
    (("JE_Order", "BPTT_Order"), r"line 13: update function 'BPTT_Order' cannot be mapped"),
    (("| Act_TanH |", "| Act_Signum |"), r"line 31: unit 4 \(hid\): activation function "
                                         r"'Act_Signum' cannot be mapped"),
    (("| o  |", "| d  |"), r"line 32: unit 5 \(out\): unit type 'd' cannot be mapped"),
    (("     5 |      |", "     5 | excite |"), r"line 45: unit 5: the site 'excite' cannot be"),
    (("6: 0.50000,  3: 1.00000", "7: 0.50000,  3: 1.00000"), r"line 46: context unit 6 reads "
                                                              r"context unit 7"),
    (("3: 0.25000", "5: 0.25000"), r"line 4[45]: the units form a cycle within one step"),
    (("  2: 1.50000", " 9: 1.50000"), r"line 44: no unit 9"),
    (("  1: 2.00000", "  1: lots"), r"line 42: weight 1: lots: 'lots' is not a number"),
])
def test_errors_name_the_line_and_what_cannot_be_mapped(tmp_path, change, message):
    text = net_text(ELMAN_UNITS, ELMAN_CONNS)
    assert change[0] in text
    path = write(tmp_path, text.replace(change[0], change[1], 1), "bad.net")
    with pytest.raises(rs.FileFormatError, match="bad.net: " + message):
        snns.load_network(path)


def test_not_an_snns_file(tmp_path):
    with pytest.raises(rs.FileFormatError, match="x.net: line 1: not an SNNS network"):
        snns.load_network(write(tmp_path, "hello\n", "x.net"))


# ---------------------------------------------------------------- SNNS's own examples
def shared_snns() -> Path:
    env = os.environ.get("RNNSTUDIO_SHARED_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    return root / "snns" if (root / "snns").is_dir() else root


SHARED = shared_snns()
needs_shared = pytest.mark.skipif(not (SHARED / "eight_jordan.net").is_file(),
                                  reason="SNNS's example files are not here "
                                         "(set RNNSTUDIO_SHARED_DATA)")


@needs_shared
def test_figure_eight_jordan_net_reproduces_its_task():
    net = snns.load_network(SHARED / "eight_jordan.net")
    X, Y = snns.load_patterns(SHARED / "eight_016.pat")
    mse = float(np.mean((rs.run(net, X) - Y) ** 2))
    assert mse < 1e-3, mse  # measured 9.2e-5 on the file's one lap of 16 points


@needs_shared
def test_letter_sequence_elman_net_predicts_vowels_not_consonants():
    net = snns.load_network(SHARED / "letseq_h_elm.net")
    X, Y = snns.load_patterns(SHARED / "letseq_train.pat")
    right = (np.round(rs.run(net, X)) == Y).all(-1)[:, 0]
    vowel = Y[:, 0, 0] == 0  # feature 1 is "consonant"
    assert right[vowel].mean() > 0.99  # measured 1.0 (vowels follow from the consonant)
    assert right[~vowel].mean() < 0.6  # measured 0.34: the next consonant is a guess of 3


@needs_shared
def test_a_big_elman_net_opens_as_blocks_by_layer():
    """letseq_h_elm (SNNS's example: 6 inputs, two hidden layers of 10 with a context layer
    each, 6 outputs; 52 units, 460 connections) opens as six blocks, inputs to outputs left
    to right: at its SNNS grid positions it was a picture of crossing fans with the context
    layers under the hidden ones (tiny at any zoom that shows it whole)."""
    net = snns.load_network(SHARED / "letseq_h_elm.net")
    groups = net.groups
    assert [(g, len(r["members"]), r["collapsed"]) for g, r in groups.items()] == [
        ("inputs", 6, True), ("hidden1", 10, True), ("hidden2", 10, True),
        ("outputs", 6, True), ("context1", 10, True), ("context2", 10, True)]
    assert all(m.startswith("con1") for m in groups["context1"]["members"])
    x = {n: d["x"] for n, d in net.graph.nodes(data=True)}
    assert max(x[m] for m in groups["inputs"]["members"]) < min(
        x[m] for m in groups["hidden1"]["members"])
    assert max(x[m] for m in groups["hidden2"]["members"]) < min(
        x[m] for m in groups["outputs"]["members"])


@needs_shared
def test_xor_feedforward_and_an_unmappable_update_function():
    net = snns.load_network(SHARED / "xor.net")
    X, Y = snns.load_patterns(SHARED / "xor.pat")
    assert (np.round(rs.run(net, X)) == Y).all()
    with pytest.raises(rs.FileFormatError, match="xor_rec.net: line 13: update function "
                                                 "'BPTT_Order'"):
        snns.load_network(SHARED / "xor_rec.net")


PAT = """SNNS pattern definition file V3.2
generated at Mon Apr 25 17:47:01 1994


No. of patterns : 6
No. of input units : 2
No. of output units : 1

""" + "".join(f"# Input pattern {p + 1}:\n{p % 2} {(p // 2) % 2}\n# Output pattern {p + 1}:\n"
              f"{(p + 1) % 2}\n" for p in range(6))


def test_patterns_are_training_data_for_the_cli_and_the_csv_reader(tmp_path):
    from rnnstudio import cli, tasks
    pat = write(tmp_path, PAT, "seq.pat")
    header, rows = tasks.read_csv_table(pat, max_rows=2)
    assert header == ["in1", "in2", "out1"] and rows[1] == ["1.0", "0.0", "0.0"]
    X, Y = tasks.from_csv(pat, targets=["out1"])
    X2, Y2 = snns.load_patterns(pat)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    net_path = tmp_path / "n.rnn.json"
    rs.save(snns.load_network(write(tmp_path, net_text(ELMAN_UNITS, ELMAN_CONNS))), net_path)
    out = tmp_path / "trained.rnn.json"
    assert cli.main(["train", str(net_path), "--pat", str(pat), "--epochs", "3",
                     "--validation", "0", "--quiet", "--out", str(out)]) == 0
    block = rs.load(out).training["csv"]
    assert block["path"].endswith("seq.pat") and block["targets"] == ["out1"]
    bad = write(tmp_path, PAT.replace("No. of patterns : 6", "No. of patterns : 7"), "bad.pat")
    with pytest.raises(tasks.CSVError, match="bad.pat: line"):
        tasks.from_csv(bad)
