#!/usr/bin/env python3
"""Start RNN Studio: `python main.py [FILE]` (see `python main.py --help`)."""

import sys

from rnnstudio.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
