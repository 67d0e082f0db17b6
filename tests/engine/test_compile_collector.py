"""Compiling holds the cyclic collector off with the app's other holders, counted (issue 14: a
compile in the player's worker turned the collector back on under the ordering's worker, which
then ran a full collection holding the GIL)."""

from __future__ import annotations

import gc

import rnnstudio as rs
from rnnstudio.collector import QuietCollector
from rnnstudio.engine import compiler


def test_a_compile_ending_leaves_the_collector_off_while_another_holds_it(monkeypatch):
    real = compiler._build
    entered = []

    def build_while_another_holds(*args):
        QuietCollector.hold()  # another thread's worker starts meanwhile
        entered.append(True)
        return real(*args)
    monkeypatch.setattr(compiler, "_build", build_while_another_holds)
    assert gc.isenabled()
    try:
        compiler.build(rs.templates.elman(1, 3, 1))
        assert entered and not gc.isenabled()  # the other holder still holds it
    finally:
        QuietCollector.release()
    assert gc.isenabled()
