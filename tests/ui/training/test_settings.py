"""TrainingSettings (no Qt): the one canonical training block, older forms, validation."""

from __future__ import annotations

import pytest

from rnnstudio.ui.training.settings import SettingsError, TrainingSettings


def test_to_dict_writes_the_source_at_the_top_level():
    s = TrainingSettings(task="adding", task_params={"T": 60}, lr=0.003, clip=1.0, tbptt=20)
    d = s.to_dict()
    assert d["task"] == {"name": "adding", "params": {"T": 60}}
    assert "data" not in d and "csv" not in d
    assert (d["lr"], d["clip"], d["tbptt"]) == (0.003, 1.0, 20)
    csv = {"path": "a.csv", "inputs": ["u"], "targets": ["v"], "window": 10, "stride": 5}
    d = TrainingSettings(task=None, csv=csv).to_dict()
    assert d["csv"] == csv and "task" not in d and "data" not in d


def test_round_trip_keeps_every_field_and_unknown_keys():
    s = TrainingSettings(task="echo", task_params={"k": 2}, loss="mse", optimizer="momentum",
                         lr=0.2, momentum=0.5, epochs=7, batch_size=3, clip=2.5, tbptt=4,
                         seed=11, validation=0.3, extra={"last_run": {"epochs": 7}})
    back = TrainingSettings.from_dict(s.to_dict())
    assert back == s
    assert back.to_dict()["last_run"] == {"epochs": 7}


def test_the_older_nested_data_form_is_read_and_written_canonically():
    old = {"data": {"csv": {"path": "x.csv", "inputs": ["a"], "targets": ["b"], "window": 4,
                            "stride": 2}}, "lr": 0.1}
    s = TrainingSettings.from_dict(old)
    assert s.csv["path"] == "x.csv" and s.task is None and s.lr == 0.1
    d = s.to_dict()
    assert d["csv"] == old["data"]["csv"] and "data" not in d
    s = TrainingSettings.from_dict({"data": {"task": {"name": "parity", "params": {"T": 5}}}})
    assert (s.task, s.task_params) == ("parity", {"T": 5})


def test_missing_keys_take_defaults():
    s = TrainingSettings.from_dict({"task": {"name": "sine", "params": {}}, "epochs": 3})
    assert s.epochs == 3 and s.lr == TrainingSettings().lr and s.validate() is s


def test_both_sources_at_once_are_refused():
    with pytest.raises(SettingsError) as err:
        TrainingSettings.from_dict({"task": {"name": "sine"}, "csv": {"path": "a.csv"}})
    assert "exactly one" in str(err.value)


@pytest.mark.parametrize("field, value", [
    ("lr", 0.0), ("lr", float("nan")), ("epochs", 0), ("batch_size", 0), ("clip", -1.0),
    ("tbptt", 0), ("validation", 1.0), ("loss", "hinge"), ("optimizer", "rmsprop"),
])
def test_validate_names_the_bad_field(field, value):
    s = TrainingSettings()
    setattr(s, field, value)
    with pytest.raises(SettingsError) as err:
        s.validate()
    assert err.value.field == field


def test_csv_settings_need_path_columns_and_window():
    s = TrainingSettings(task=None, csv={"path": "a.csv", "inputs": ["u"], "targets": [],
                                         "window": 5, "stride": 1})
    with pytest.raises(SettingsError) as err:
        s.validate()
    assert err.value.field == "csv.targets"
    s.csv["targets"], s.csv["stride"] = ["v"], None
    assert s.validate() is s  # no stride: the windows follow each other
    s.csv["window"] = 0
    with pytest.raises(SettingsError) as err:
        s.validate()
    assert err.value.field == "csv.window"


def test_problems_lists_every_bad_field_of_a_malformed_block():
    """Issue 14, item 9: values as the file has them (text is not a number), every key named."""
    s = TrainingSettings.from_dict({"task": {"name": "sine", "params": {"T": "50", "k": 3}},
                                    "lr": "0.1", "epochs": -5, "seed": 10 ** 30,
                                    "validation": 0.95})
    fields = [p.field for p in s.problems()]
    assert fields == ["task.params.T", "task.params.k", "lr", "epochs", "seed", "validation"]
    with pytest.raises(SettingsError, match="task.params.T: expected a number, got '50'"):
        s.validate()


@pytest.mark.parametrize("block, field", [
    ({"task": {"name": "sinus", "params": {}}}, "task.name"),
    ({"task": {"name": ["sine"], "params": {}}}, "task.name"),
    ({"task": {"name": "sine", "params": {"T": 100_000, "n_seq": 5000}}}, "task.params.n_seq"),
    ({"csv": {"path": "a.csv", "inputs": ["u"], "targets": ["v"], "window": "5"}},
     "csv.window"),
    ({"task": {"name": "sine", "params": {}}, "lr": 1e-9}, "lr"),
    ({"task": {"name": "sine", "params": {}}, "momentum": 0.9995}, "momentum"),
])
def test_values_the_forms_cannot_show_are_problems(block, field):
    assert [p.field for p in TrainingSettings.from_dict(block).problems()] == [field]
