"""`python -m playbook`: the catalog, estimates, planner and more, from a terminal.

Each module of this package adds its subcommands in a `register(commands)` function and runs
them as `command(args, catalog) -> exit code`. Bad input exits 2 with one line naming the valid
choices. The command-line entry points sit above the domain, beside `ui`: they may call
`diagrams` and `db`; `playbook` and `db` keep their `python -m` names through `__main__` shims.
"""

from __future__ import annotations

import importlib
import sys

from cli.base import Command, Parser, UsageError
from playbook.catalog import UnknownEntryError, load_catalog

# Imported when the parser is built, not with the package, so that `cli.base` stays
# cheap to import for other entry points (the critique module loads the LLM client).
MODULES = ("estimates", "rubric", "critique", "scenarios")


def _parser() -> Parser:
    parser = Parser(prog="python -m playbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name in MODULES:
        importlib.import_module(f"cli.{name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; return the exit code (2 for bad input, with a one-line message)."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Command = args.run
    try:
        return command(args, load_catalog())
    except (UnknownEntryError, UsageError) as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
