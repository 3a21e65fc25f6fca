"""Subcommand `critique`: the rubric's review and, with `--llm`, an LLM critic's findings.

Exit status: 0 once the critique is printed (blocking findings included: `check` is the gate);
2 for bad input, a missing endpoint among them; 1 when the endpoint fails (after the rubric is
printed), with one line on stderr saying why.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli.base import Commands, UsageError
from cli.rubric import print_review, read_design
from playbook import critic, llm
from playbook.catalog import Catalog
from playbook.labels import PHASES as PHASE_NAMES
from playbook.rubric import review_design

ENDPOINT_FAILED = 1


def register(commands: Commands) -> None:
    """Add the critique subcommand."""
    critique = commands.add_parser(
        "critique", help="the rubric's review, and with --llm an LLM critic's findings"
    )
    critique.add_argument("design", type=Path, help="a design JSON file (as the app exports it)")
    critique.add_argument(
        "--llm",
        action="store_true",
        help="also ask the model at OPENAI_BASE_URL (default OpenAI) with OPENAI_API_KEY",
    )
    critique.add_argument("--model", help="the model to ask (default: OPENAI_MODEL or gpt-4o-mini)")
    critique.set_defaults(run=_critique)


def _critique(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print the rubric's review, then the LLM critic's findings when asked for."""
    design = read_design(args.design)
    review = review_design(design, catalog)
    endpoint = _endpoint(args.model) if args.llm else None
    limits = _limits() if args.llm else llm.LIMITS
    print_review(review)
    if endpoint is None:
        return 0
    print(
        f"\nLLM critic ({endpoint.model} at {endpoint.host()}, at most {limits.total_s:g} s):",
        flush=True,
    )
    messages = critic.build_messages(
        design, review=review, numbers=critic.key_numbers(design, catalog)
    )
    try:
        text = llm.chat(endpoint, messages, schema=critic.response_schema(), limits=limits)
    except llm.LlmError as error:
        print(f"python -m playbook critique: error: {error.message}", file=sys.stderr)
        return ENDPOINT_FAILED
    _print_answer(critic.parse_answer(text))
    return 0


def _endpoint(model: str | None) -> llm.Endpoint:
    """Return the endpoint the environment configures, or raise `UsageError` saying what to set."""
    try:
        endpoint = llm.endpoint_from(os.environ, model=model)
    except llm.LlmError as error:
        raise UsageError(error.message) from None
    if endpoint is None:
        raise UsageError("--llm needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a local server)")
    return endpoint


def _limits() -> llm.Limits:
    """Return the call's limits, with the total deadline LLM_TOTAL_S sets (default 60 s)."""
    try:
        return llm.limits_from(os.environ)
    except llm.LlmError as error:
        raise UsageError(error.message) from None


def _print_answer(answer: critic.LlmAnswer) -> None:
    """Print the model's findings by phase, then its verdict."""
    for finding in answer.findings:
        where = f" [{finding.component}]" if finding.component else ""
        print(f"  {finding.severity.upper():5} {PHASE_NAMES[finding.phase]}{where} (LLM)")
        print(f"        {finding.message}")
        if finding.constraint:
            print(f"        constraint: {finding.constraint}")
        if finding.fix:
            print(f"        fix: {finding.fix}")
    if answer.skipped:
        plural = "s" if answer.skipped != 1 else ""
        print(f"  ({answer.skipped} finding{plural} in the answer had an unreadable shape)")
    if not answer.findings and not answer.skipped:
        print("  no findings beyond the rubric's")
    if answer.verdict:
        print(f"LLM verdict: {answer.verdict}")
