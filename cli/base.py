"""What every subcommand shares: the one-line error parser, argument types, the usage error."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any, NoReturn

from playbook.catalog import Catalog

Command = Callable[[argparse.Namespace, Catalog], int]
Commands = Any  # argparse's sub-parser action, which typeshed keeps private


class UsageError(ValueError):
    """A value the user gave is not valid; the message says what is."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with one line: the program, and what is wrong."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def positive_int(text: str) -> int:
    """Parse a whole number of at least 1, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def positive_float(text: str) -> float:
    """Parse a finite number greater than 0, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number greater than 0")
    return value
