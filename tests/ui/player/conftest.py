"""Player fixtures: the editor's isolated window, opened on a network with a known sequence."""

from __future__ import annotations

from tests.ui.editor.conftest import small_net, window  # noqa: F401
