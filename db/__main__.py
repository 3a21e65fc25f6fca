"""`python -m db`: the command line lives in `cli.db` (entry points sit above storage); this shim
keeps the command's name."""

import signal
import sys

from cli.db import main

# Piped into `head`, the command stops quietly when the reader goes, as Unix tools do.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
