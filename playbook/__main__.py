"""`python -m playbook`: the command line lives in the top-level `cli` package (entry points sit
above the domain); this shim keeps the command's name, which outside checks call."""

import signal
import sys

from cli import main

# Piped into `head`, the command stops quietly when the reader goes, as Unix tools do.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
