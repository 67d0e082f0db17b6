"""Top-level test setup: Qt runs offscreen (set before any Qt import)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings  # noqa: E402 - after the Qt platform is set

# CI runs the property tests on the same examples every time (a red CI must mean a change
# broke something, not that a random draw found an old corner); locally they explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
