"""``python -m rnnstudio``: the command line (see rnnstudio/cli/)."""

import sys

from .cli import main

sys.exit(main())
