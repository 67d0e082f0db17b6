"""Training settings of a network (no Qt): read them, or choose defaults that fit it."""

from __future__ import annotations

from rnnstudio import tasks

from .settings import TrainingSettings, known_task


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
