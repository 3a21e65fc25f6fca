"""`python -m playbook`: the command line lives in the top-level `cli` package (entry points sit
above the domain); this shim keeps the command's name, which outside checks call."""

import sys

from cli import main

sys.exit(main())
