"""The migration mechanism, exercised with a synthetic version 0."""

import json

import pytest

import rnnstudio.io.migrations as migrations
from rnnstudio.io import FileFormatError, MIGRATIONS, VERSION, dumps, loads
from rnnstudio.model import Network


def v0_text() -> str:
    """A made-up version 0: nodes as a mapping id -> attributes, edges as [source, target, w]."""
    return json.dumps({"format": "rnnstudio-network", "version": 0, "title": "old",
                       "nodes": {"x": {"kind": "input"}, "h": {"kind": "neuron", "bias": 0.5}},
                       "edges": [["x", "h", 2.0]]})


def v0_to_v1(record: dict) -> dict:
    return {"format": record["format"], "version": 0, "name": record.pop("title"),
            "nodes": [{"id": n, **attrs} for n, attrs in record["nodes"].items()],
            "edges": [{"source": u, "target": v, "weight": w} for u, v, w in record["edges"]]}


def test_version_1_files_open_with_no_groups_and_save_as_the_current_version():
    assert VERSION == 2 and set(MIGRATIONS) == {1}
    v1 = json.dumps({"format": "rnnstudio-network", "version": 1, "name": "v1",
                     "nodes": [{"id": "x", "kind": "input"}, {"id": "h", "kind": "neuron"}],
                     "edges": [{"source": "x", "target": "h", "weight": 0.5}]})
    net = loads(v1)
    assert net.groups == {} and net.has_edge("x", "h")
    saved = json.loads(dumps(net))
    assert saved["version"] == VERSION and saved["groups"] == []


def test_a_version_1_file_with_groups_is_refused_naming_the_key():
    v1 = {"format": "rnnstudio-network", "version": 1, "nodes": [], "edges": [],
          "groups": []}
    with pytest.raises(FileFormatError, match="groups: a version-1 file cannot have groups"):
        loads(json.dumps(v1))


def test_a_registered_migration_upgrades_old_files(monkeypatch):
    # version 0 -> 1 made up here, then the real 1 -> 2
    monkeypatch.setitem(migrations.MIGRATIONS, 0, v0_to_v1)
    net = loads(v0_text())
    expected = Network(name="old")
    expected.add_input("x")
    expected.add_neuron("h", bias=0.5)
    expected.add_edge("x", "h", weight=2.0)
    assert net == expected
    assert json.loads(dumps(net))["version"] == VERSION  # saved in the current version


def test_migrations_chain_in_order(monkeypatch):
    calls = []

    def step(version):
        def migrate(record):
            calls.append(version)
            return record
        return migrate
    monkeypatch.setattr(migrations, "VERSION", 3)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: step(1), 2: step(2)})
    record = migrations.migrate({"version": 1}, 1)
    assert calls == [1, 2] and record["version"] == 3


def test_without_a_migration_old_versions_are_refused():
    with pytest.raises(FileFormatError, match="version: format version 0 is not supported"):
        loads(v0_text())


def test_a_broken_old_file_fails_its_migration_cleanly(monkeypatch):
    monkeypatch.setitem(migrations.MIGRATIONS, 0, v0_to_v1)
    broken = json.loads(v0_text())
    del broken["title"]
    with pytest.raises(FileFormatError, match="cannot upgrade from format version 0: KeyError"):
        loads(json.dumps(broken), source="old.rnn.json")
