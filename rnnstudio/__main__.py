"""``python -m rnnstudio``: the command line (see rnnstudio/cli.py)."""

import sys

from .cli import main

sys.exit(main())
