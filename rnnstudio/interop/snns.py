"""SNNS network (.net) and pattern (.pat) files: the classic Elman and Jordan nets open here.

    net = load_network("eight.net")      # update functions JE_Order and Topological_Order
    X, Y = load_patterns("eight.pat")    # one sequence in file order: (P, 1, n_in), (P, 1, n_out)

Semantics (what SNNS computes, as a network of this program):
- input units (st "i") take the pattern values; their activation function is not applied;
- Act_Logistic: 1 / (1 + exp(-(net + bias))); Act_TanH: tanh(net + bias); Act_Identity: net
  (bias ignored); Act_IdentityPlusBias: net + bias; only the output function Out_Identity;
- JE_Order: hidden units (in topological order), then outputs, are computed from this step's
  inputs and the context units' previous values; then the context units (st "sh") from this
  step's hidden or output values and their own previous value. So an edge from a context unit
  has delay 1, an edge into one delay 0, a context self-loop delay 1; a context unit's initial
  value is its activation in the file; the edges into context units are fixed (not trained);
- Topological_Order: every unit from this step's values, in topological order (delay 0).
Blank fields take the unit type's, else the default section's values. Unit names become ids
(made unique where repeated). The units are grouped into their layers and arranged as this
program draws layers, not at their SNNS grid positions (see snns_layers). Anything else
(another update function, sites, another unit type or activation) is an error naming it and
its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np

from ..io import FileFormatError
from ..io.netfile import _read_bytes
from .snns_layers import group_and_arrange

UPDATE_FUNCTIONS = ("JE_Order", "Topological_Order")
ACTIVATIONS = {"Act_Logistic": ("sigmoid", True), "Act_TanH": ("tanh", True),
               "Act_Identity": ("identity", False), "Act_IdentityPlusBias": ("identity", True)}
UNIT_TYPES = {"i": "input", "o": "output", "h": "neuron", "sh": "context"}
IGNORED_SECTIONS = ("subnet definition section", "layer definition section",
                    "3D translation section")
_ID_BAD = re.compile(r"[\s\x00-\x1f\x7f]+")


class _Lines:
    """The file's lines with their numbers, for errors that name the line."""

    def __init__(self, path):
        self.name = str(path)
        self.lines = _read_bytes(path, self.name).decode("latin-1").splitlines()

    def error(self, lineno: int | None, message: str) -> FileFormatError:
        return FileFormatError(message, self.name, f"line {lineno}" if lineno else None)


# ---------------------------------------------------------------------- reading .net
def _header(src: _Lines) -> dict:
    out = {}
    for no, line in enumerate(src.lines, 1):
        key, sep, value = line.partition(":")
        if sep and "|" not in line and not line.strip().endswith("section :"):
            out.setdefault(key.strip().lower(), (value.strip(), no))
    return out


def _tables(src: _Lines) -> dict[str, tuple[list[str], list[tuple[int, list[str]]]]]:
    """{section title: (column names, [(line number, fields)])}; continuation lines (blank
    first field) are kept as rows of their own."""
    tables, no, lines = {}, 0, src.lines
    while no < len(lines):
        line = lines[no].strip()
        no += 1
        if not line.endswith("section :"):
            continue
        title = line[:-len(":")].strip()
        while no < len(lines) and not lines[no].strip():
            no += 1
        head = [h.strip() for h in lines[no].split("|")] if no < len(lines) else []
        no += 2  # the header and the line of dashes under it
        rows = []
        while no < len(lines) and lines[no].strip() and not lines[no].lstrip().startswith("-"):
            rows.append((no + 1, lines[no].split("|")))
            no += 1
        tables[title] = (head, rows)
    return tables


def _check_sections(src: _Lines, tables) -> None:
    known = ("unit default section", "unit definition section", "connection definition section",
             "type definition section", "site definition section") + IGNORED_SECTIONS
    for title in tables:
        if title not in known:
            no = next(i for i, line in enumerate(src.lines, 1) if line.strip().startswith(title))
            raise src.error(no, f"the {title} cannot be mapped to a network here")


def _unit_rows(src, tables) -> list[dict]:
    head, rows = tables.get("unit definition section", ([], []))
    if not rows:
        raise src.error(None, "no unit definition section")
    units = []
    for no, fields in rows:
        rec = {h: (fields[i].strip() if i < len(fields) else "") for i, h in enumerate(head)}
        rec["line"] = no
        units.append(rec)
    return units


def _defaults(tables) -> dict:
    head, rows = tables.get("unit default section", ([], []))
    if not rows:
        return {"act": "0", "bias": "0", "st": "h", "act func": "Act_Logistic",
                "out func": "Out_Identity"}
    return {h: rows[0][1][i].strip() for i, h in enumerate(head) if i < len(rows[0][1])}


def _types(tables) -> dict[str, dict]:
    head, rows = tables.get("type definition section", ([], []))
    out = {}
    for no, fields in rows:
        rec = {h: (fields[i].strip() if i < len(fields) else "") for i, h in enumerate(head)}
        rec["line"] = no
        out[rec.get("name", "")] = rec
    return out


def _number(src, no, text, what) -> float:
    try:
        value = float(text)
    except ValueError:
        raise src.error(no, f"{what}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise src.error(no, f"{what}: {text!r} is not a finite number")
    return value


def _resolve_unit(src, unit, types, defaults) -> dict:
    """The unit's fields with blanks filled from its type, then from the defaults."""
    no = unit["line"]
    tname = unit.get("typeName", "")
    if tname and tname not in types:
        raise src.error(no, f"unit {unit.get('no.')}: unknown unit type {tname!r}")
    typ = types.get(tname, {})
    if typ.get("sites"):
        raise src.error(typ["line"], f"type {tname}: sites ({typ['sites']}) cannot be mapped")
    if unit.get("sites"):
        raise src.error(no, f"unit {unit.get('no.')}: sites ({unit['sites']}) cannot be mapped")

    def field(key):
        return unit.get(key) or typ.get(key) or defaults.get(key, "")
    out = {"no": unit.get("no."), "name": unit.get("unitName", ""), "line": no,
           "act": _number(src, no, field("act") or "0", "act"),
           "bias": _number(src, no, field("bias") or "0", "bias"),
           "st": field("st"), "act func": field("act func"), "out func": field("out func"),
           "position": unit.get("position", "")}
    if out["st"] not in UNIT_TYPES:
        raise src.error(no, f"unit {out['no']} ({out['name']}): unit type {out['st']!r} cannot "
                            f"be mapped (only {', '.join(UNIT_TYPES)})")
    if out["out func"] not in ("", "Out_Identity"):
        raise src.error(no, f"unit {out['no']} ({out['name']}): output function "
                            f"{out['out func']} cannot be mapped (only Out_Identity)")
    if out["st"] != "i" and out["act func"] not in ACTIVATIONS:
        raise src.error(no, f"unit {out['no']} ({out['name']}): activation function "
                            f"{out['act func']!r} cannot be mapped (only "
                            f"{', '.join(ACTIVATIONS)})")
    return out


def _connections(src, tables, numbers) -> list[tuple[int, int, float, int]]:
    """[(source no, target no, weight, line)]."""
    head, rows = tables.get("connection definition section", ([], []))
    out, target = [], None
    for no, fields in rows:
        if len(fields) == 1:  # a continuation line: more sources of the same target
            fields = ["", "", fields[0]]
        if len(fields) < 3:
            raise src.error(no, "expected 'target | site | source:weight, ...'")
        if fields[0].strip():
            target = _int(src, no, fields[0], "target")
            if fields[1].strip():
                raise src.error(no, f"unit {target}: the site {fields[1].strip()!r} cannot be "
                                    "mapped (connections without sites only)")
        if target is None:
            raise src.error(no, "a continuation line before any target")
        for item in filter(None, (p.strip() for p in fields[2].split(","))):
            s, sep, w = item.partition(":")
            if not sep:
                raise src.error(no, f"expected source:weight, got {item!r}")
            source = _int(src, no, s, "source")
            for u in (source, target):
                if u not in numbers:
                    raise src.error(no, f"no unit {u}")
            out.append((source, target, _number(src, no, w.strip(), f"weight {item}"), no))
    return out


def _int(src, no, text, what) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise src.error(no, f"{what}: {text.strip()!r} is not a unit number") from None


def _ids(units) -> dict:
    """{unit number: unique id} from the unit names."""
    out, seen = {}, {}
    for u in units:
        base = _ID_BAD.sub("_", u["name"])[:56] or f"u{u['no']}"
        seen[base] = seen.get(base, 0) + 1
        out[u["no"]] = base if seen[base] == 1 else f"{base}_{seen[base]}"
        while list(out.values()).count(out[u["no"]]) > 1:  # "a_2" was a name of its own
            seen[base] += 1
            out[u["no"]] = f"{base}_{seen[base]}"
    return out


def load_network(path):
    """The network of an SNNS .net file (see the module doc); FileFormatError names the file,
    the line and what cannot be mapped."""
    src = _Lines(path)
    head = _header(src)
    if not src.lines or not src.lines[0].startswith("SNNS network definition file"):
        raise src.error(1, "not an SNNS network definition file")
    update, uline = head.get("update function", ("", None))
    if update not in UPDATE_FUNCTIONS:
        raise src.error(uline, f"update function {update or '(none)'!r} cannot be mapped "
                               f"(only {' and '.join(UPDATE_FUNCTIONS)})")
    tables = _tables(src)
    _check_sections(src, tables)
    defaults, types = _defaults(tables), _types(tables)
    units = [_resolve_unit(src, u, types, defaults) for u in _unit_rows(src, tables)]
    try:
        numbers = {int(u["no"]): u for u in units}
    except ValueError:
        bad = next(u for u in units if not u["no"].isdigit())
        raise src.error(bad["line"], f"unit number {bad['no']!r} is not a whole number") from None
    for u in units:
        u["no"] = int(u["no"])
    conns = _connections(src, tables, numbers)
    name = head.get("network name", (Path(path).stem, None))[0] or Path(path).stem
    return _build(src, name, units, numbers, conns, update == "JE_Order")


def _delay(src, su, tu, je: bool, no: int) -> int:
    if not je:
        return 0
    s_ctx, t_ctx = su["st"] == "sh", tu["st"] == "sh"
    if s_ctx and t_ctx and su is not tu:
        raise src.error(no, f"context unit {tu['no']} reads context unit {su['no']}: under "
                            "JE_Order a context unit reads hidden or output units and itself")
    return 1 if s_ctx else 0


def _build(src, name, units, numbers, conns, je: bool):
    from ..model import Network, NetworkError
    ids = _ids(units)
    net = Network(name=name, description=f"Imported from the SNNS file {Path(src.name).name} "
                  f"({'JE_Order' if je else 'Topological_Order'}).")
    _check_acyclic(src, numbers, conns, je, ids)
    try:
        with net.batch():
            for u in units:
                _add_unit(net, u, ids[u["no"]], je)
            for s, t, w, no in conns:
                su, tu = numbers[s], numbers[t]
                if tu["st"] == "i":
                    raise src.error(no, f"input unit {t} ({ids[t]}) has an incoming connection")
                net.add_edge(ids[s], ids[t], weight=w, delay=_delay(src, su, tu, je, no),
                             trainable=not (je and tu["st"] == "sh"))
            net.validate()
            group_and_arrange(net, {ids[u["no"]] for u in units if je and u["st"] == "sh"})
    except NetworkError as exc:
        raise src.error(None, str(exc)) from None
    return net


def _add_unit(net, u, uid, je) -> None:
    if u["st"] == "i":
        net.add_input(uid)
        return
    activation, has_bias = ACTIVATIONS[u["act func"]]
    attrs = dict(activation=activation, bias=u["bias"] if has_bias else 0.0)
    if u["st"] == "sh" and je:
        attrs.update(initial=u["act"], trainable=has_bias)
    (net.add_output if u["st"] == "o" else net.add_neuron)(uid, **attrs)


def _check_acyclic(src, numbers, conns, je, ids) -> None:
    g = nx.DiGraph()
    for s, t, _, no in conns:
        if je and (numbers[s]["st"] == "sh"):
            continue  # read from the previous step
        if je and numbers[t]["st"] == "sh":
            continue  # context units are computed after the others
        g.add_edge(s, t, line=no)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    loop = " -> ".join(ids[u] for u, _ in cycle) + f" -> {ids[cycle[0][0]]}"
    raise src.error(g.edges[cycle[0][:2]]["line"],
                    f"the units form a cycle within one step ({loop}); "
                    f"{'JE_Order' if je else 'Topological_Order'} needs them feedforward")


# ---------------------------------------------------------------------- reading .pat
def load_patterns(path) -> tuple[np.ndarray, np.ndarray]:
    """The patterns of an SNNS .pat file as one sequence in file order: X (P, 1, n_in) and
    Y (P, 1, n_out) (n_out may be 0)."""
    data, n_in, _ = _patterns(_Lines(path))
    return data[:, None, :n_in].copy(), data[:, None, n_in:].copy()


def pattern_table(path) -> tuple[list[str], list[list[str]], list[int]]:
    """A .pat file as a table for the CSV reader: header in1.. inN, out1.. outM, one row per
    pattern (the numbers as text) and the line each pattern starts on."""
    src = _Lines(path)
    data, n_in, lines = _patterns(src)
    n_out = data.shape[1] - n_in
    header = [f"in{j + 1}" for j in range(n_in)] + [f"out{j + 1}" for j in range(n_out)]
    width = max(data.shape[1], 1)
    return header, [[repr(float(v)) for v in row] for row in data], lines[::width]


def _patterns(src) -> tuple[np.ndarray, int, list[int]]:
    """(values (P, n_in + n_out), n_in, the line of every value)."""
    if not src.lines or not src.lines[0].startswith("SNNS pattern definition file"):
        raise src.error(1, "not an SNNS pattern definition file")
    head = _header(src)
    counts = {}
    for key in ("no. of patterns", "no. of input units", "no. of output units"):
        text, no = head.get(key, ("", None))
        if not text.isdigit():
            raise src.error(no, f"{key!r}: expected a whole number, got {text!r}")
        counts[key] = int(text)
    var, no = head.get("no. of variable input dimensions", ("0", None))
    if var.strip() not in ("0", ""):
        raise src.error(no, "variable-dimension patterns cannot be mapped")
    P, n_in = counts["no. of patterns"], counts["no. of input units"]
    n_out = counts["no. of output units"]
    values, lines = _pattern_values(src)
    need = P * (n_in + n_out)
    if len(values) != need:
        where = lines[min(len(lines), need) - 1] if lines else None
        raise src.error(where, f"{P} patterns of {n_in} inputs and {n_out} outputs need "
                               f"{need} numbers; the file has {len(values)}")
    return np.array(values, dtype=np.float64).reshape(P, n_in + n_out), n_in, lines


def _pattern_values(src) -> tuple[list[float], list[int]]:
    values, lines = [], []
    started = False
    for no, line in enumerate(src.lines, 1):
        text = line.split("#", 1)[0].strip()
        if not started:
            started = line.lower().startswith("no. of output units")
            continue
        if not text or ":" in text:  # blank, or a header line such as "No. of ..."
            continue
        for tok in text.split():
            values.append(_number(src, no, tok, "pattern value"))
            lines.append(no)
    return values, lines
