"""Training settings of a network (no Qt): read them, choose defaults that fit it, and say
what the training dock shows about them (problems, fit, the CSV note, steps per epoch)."""

from __future__ import annotations

import math

from rnnstudio import tasks

from .data import DataError, Dataset, check_columns
from .settings import SettingsError, TrainingSettings, known_task


def settings_of(net) -> TrainingSettings:
    """The network's stored settings; a missing loss takes the task's loss; an empty dict gives
    `default_settings_for(net)`. Raises SettingsError on a malformed dict."""
    if not net.training:
        return default_settings_for(net)
    s = TrainingSettings.from_dict(net.training)
    if "loss" not in net.training and known_task(s.task):
        s.loss = tasks.TASKS[s.task].loss
    return s


def default_settings_for(net) -> TrainingSettings:
    """Defaults with the first built-in task whose inputs and outputs fit the network."""
    s = TrainingSettings()
    for name, info in tasks.TASKS.items():
        try:
            info.check_network(net)
        except tasks.TaskError:
            continue
        s.task, s.loss = name, info.loss
        break
    return s


def problems_text(problems: list, every: bool = False) -> str:
    """'lr: expected a number, got '0.1' (text)' (and how many more, or all of them)."""
    if every:
        head = "Fix these training settings to train (the file keeps its values until you do):"
        return head + "".join(f"\n• {p}" for p in problems)
    more = len(problems) - 1
    return str(problems[0]) + (f" (and {more} more)" if more else "")


def fit_problem(s: TrainingSettings, net) -> str | None:
    """Why the data does not fit the network's inputs/outputs, or None."""
    try:
        if s.csv is not None:
            check_columns(s.csv.get("inputs") or [], s.csv.get("targets") or [], net)
        elif known_task(s.task) and isinstance(s.task_params, dict):
            tasks.check_fit(net, s.task, **s.task_params)
    except (DataError, tasks.TaskError) as exc:
        return str(exc)
    return None


def same_settings(training: dict | None, s: TrainingSettings) -> bool:
    """Whether the stored block already means `s` (task parameters left at their defaults, or
    keys missing that take their default values, count as the same)."""
    try:
        stored = TrainingSettings.from_dict(training)
    except SettingsError:
        return False
    if not training or "loss" not in training:
        return False
    return normalised(stored) == normalised(s)


def normalised(s: TrainingSettings) -> dict:
    d = s.to_dict()
    if s.csv is None and known_task(s.task):
        try:
            d["task"]["params"] = tasks.TASKS[s.task].resolve(s.task_params)
        except tasks.TaskError:
            pass
    return d


def csv_note(csv: dict) -> str:
    window = csv.get("window") or "whole file"
    stride = csv.get("stride") or "= window"
    return (f"{csv.get('path')}\ninputs {', '.join(csv.get('inputs') or [])} → targets "
            f"{', '.join(csv.get('targets') or [])}; window {window}, stride {stride}; "
            f"inputs normalised: {tasks.scaling.describe(csv)}")


def steps_per_epoch(s: TrainingSettings, data: Dataset) -> int:
    """Optimizer steps plotted per epoch: one per batch (its truncated-BPTT windows are one
    record)."""
    n = data.n_train
    return math.ceil(n / min(s.batch_size or n, n)) if n else 0
