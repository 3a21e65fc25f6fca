"""Subcommands `scenario` (list and show the reference architectures) and `diagram` (export)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Final

from cli.base import Commands, Parser, UsageError
from playbook.catalog import Catalog
from playbook.codec import DesignError, dump_design, parse_design
from playbook.design import Design
from playbook.scenarios import UnknownScenarioError, load_scenario, scenario_summaries

FORMATS: Final = ("dot", "svg", "png", "mermaid", "excalidraw")


def register(commands: Commands) -> None:
    """Add the scenario and diagram subcommands."""
    scenario = commands.add_parser("scenario", help="the reference architectures")
    actions = scenario.add_subparsers(dest="action", required=True, parser_class=Parser)
    listing = actions.add_parser("list", help="name and title of each reference architecture")
    listing.add_argument("--json", action="store_true", help="name, title and summary as JSON")
    listing.set_defaults(run=_list)
    show = actions.add_parser("show", help="print one reference architecture as design JSON")
    show.add_argument("name", help="a name from `scenario list`")
    show.set_defaults(run=_show)

    diagram = commands.add_parser("diagram", help="export a design's architecture diagram")
    diagram.add_argument("design", type=Path, help="a design JSON file (as saved or shown)")
    diagram.add_argument("--format", choices=FORMATS, default="dot", help="default: dot")
    diagram.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    diagram.set_defaults(run=_diagram)


def _list(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print each reference architecture's name and title (or all of its summary as JSON)."""
    summaries = scenario_summaries()
    if args.json:
        print(json.dumps([summary.model_dump() for summary in summaries], indent=2))
        return 0
    width = max(len(summary.name) for summary in summaries)
    for summary in summaries:
        print(f"{summary.name:<{width}}  {summary.title}")
    return 0


def _show(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print one reference architecture as design JSON, ready to edit or to load."""
    try:
        design = load_scenario(args.name)
    except UnknownScenarioError as exc:
        raise UsageError(str(exc)) from exc
    print(dump_design(design))
    return 0


def _read_design(path: Path) -> Design:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return parse_design(text)
    except DesignError as exc:
        raise UsageError(f"{path} is not a valid design: {exc}") from exc


def _diagram(args: argparse.Namespace, catalog: Catalog) -> int:
    """Write the diagram of a design file as DOT, SVG, PNG or Mermaid."""
    # Imported here so that the other subcommands start without the diagram stack.
    from diagrams import DiagramTooLargeError, DotNotFoundError, export

    design = _read_design(args.design)
    try:
        data = export(design, fmt=args.format)
    except (DotNotFoundError, DiagramTooLargeError) as exc:
        raise UsageError(str(exc)) from exc
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output} ({args.format}, {len(data):,} bytes)", file=sys.stderr)
    return 0
