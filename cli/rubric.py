"""Subcommand `check`: the rubric's review of a design file; exit 1 when a finding blocks."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.base import Commands, UsageError
from playbook.catalog import Catalog
from playbook.codec import DesignError, parse_design
from playbook.design import Design
from playbook.labels import PHASES as PHASE_NAMES
from playbook.rubric import Finding, Review, review_design

BLOCKED_EXIT = 1


def register(commands: Commands) -> None:
    """Add the check subcommand."""
    check = commands.add_parser("check", help="review a design with the rubric")
    check.add_argument("design", type=Path, help="a design JSON file (as the app exports it)")
    check.add_argument("--json", action="store_true", help="the review as one JSON object")
    check.set_defaults(run=_check)


def read_design(path: Path) -> Design:
    """Return the design in the file at `path`, or raise `UsageError` with a one-line reason."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        return parse_design(text)
    except DesignError as error:
        reason = " ".join(str(error).split())  # one line, whatever the parser said
        raise UsageError(f"{path} is not a valid design: {reason}") from error


def _show_finding(finding: Finding) -> None:
    where = f" [{finding.component}]" if finding.component else ""
    print(f"  {finding.severity.upper():5} {finding.rule_id}{where}")
    print(f"        {finding.message}")
    if finding.constraint:
        print(f"        constraint: {finding.constraint}")
    for number in finding.numbers:
        print(f"        {number.name}: {number.shown(4)}")
        print(f"            = {number.formula}")
        if number.worked:
            print(f"            = {number.worked}")
    print(f"        fix: {finding.fix}")


def print_review(review: Review) -> None:
    """Print the findings grouped by phase, each phase's score, and the verdict."""
    for score in review.scores:
        print(f"{PHASE_NAMES[score.phase]}: {score.score}/4")
        if score.next_level:
            print(f"  {score.next_level}")
        for finding in review.findings:
            if finding.phase == score.phase:
                _show_finding(finding)
    print(f"Verdict: {review.verdict}")


def _check(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print the rubric's review of the design file; exit 1 when any finding blocks."""
    design = read_design(args.design)
    review = review_design(design, catalog)
    if args.json:
        print(review.model_dump_json(indent=2))
    else:
        print_review(review)
    return BLOCKED_EXIT if review.blocking else 0
