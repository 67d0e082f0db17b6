"""Fixtures of the teaching features: the main window (as in the editor tests) and a small
network."""

from tests.ui.editor.conftest import small_net, window  # noqa: F401 - fixtures re-exported
