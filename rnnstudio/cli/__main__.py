"""``python -m rnnstudio.cli``: the same as ``python -m rnnstudio``."""

import sys

from . import main

sys.exit(main())
