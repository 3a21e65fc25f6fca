"""`python -m db`: the command line lives in `cli.db` (entry points sit above storage); this shim
keeps the command's name."""

import sys

from cli.db import main

sys.exit(main())
