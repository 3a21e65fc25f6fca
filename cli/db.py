"""`python -m db`: migrate, list, import, export and back up saved designs, for admins and scripts;
prune the drafts of browser tabs that never came back; import the mock interviews an older
version kept as JSON files.

The database is `DATABASE_URL` (default: the SQLite file under `data/`), migrated to the newest
schema before every command. Bad input (a bad URL, file or id) exits 2 with one line; a database
that cannot be reached exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from cli.base import Parser, UsageError, positive_int
from db.backup import backup_database
from db.drafts import prune_drafts
from db.engine import database_url, make_engine
from db.interviews import import_interview_files
from db.migrate import upgrade
from db.records import DesignNotFoundError
from db.search import MAX_PAGE, list_designs
from db.transfer import export_design, import_design
from playbook import DesignError

Command = Callable[[argparse.Namespace, Engine], int]


def _upgrade(_args: argparse.Namespace, _engine: Engine) -> int:
    print("the database schema is up to date")
    return 0


def _list(args: argparse.Namespace, engine: Engine) -> int:
    page = list_designs(
        engine, query=args.query, author=args.author, scenario=args.scenario,
        include_deleted=args.include_deleted, limit=args.limit, offset=args.offset,
    )  # fmt: skip
    if args.json:
        print(json.dumps([item.model_dump(mode="json") for item in page.items], indent=2))
        return 0
    for item in page.items:
        gone = " (deleted)" if item.deleted else ""
        when = f"{item.updated_at:%Y-%m-%d %H:%M}"
        print(f"{item.id:>6}  r{item.revision:<4} {when}  {item.title}{gone}")
    print(f"{len(page.items)} of {page.total} designs")
    return 0


def _import(args: argparse.Namespace, engine: Engine) -> int:
    try:
        text = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    saved = import_design(engine, text, author=args.author)
    # Printed only now: import_design returns after its transaction has committed.
    if args.json:
        print(json.dumps(saved.model_dump(mode="json")))
    else:
        print(f"imported design {saved.id}: {saved.title}")
    return 0


def _export(args: argparse.Namespace, engine: Engine) -> int:
    print(export_design(engine, args.id, revision=args.revision))
    return 0


def _backup(args: argparse.Namespace, engine: Engine) -> int:
    path = Path(args.path)
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent} is not a directory")
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give the backup file's path")
    written = backup_database(engine, path)
    print(f"backed up {engine.dialect.name} to {written}")
    return 0


def _prune_drafts(args: argparse.Namespace, engine: Engine) -> int:
    gone = prune_drafts(engine, older_than=timedelta(days=args.days))
    print(f"deleted {gone} draft{'s' if gone != 1 else ''} untouched for {args.days} days or more")
    return 0


def _import_interviews(args: argparse.Namespace, engine: Engine) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    report = import_interview_files(engine, directory)
    if args.json:
        skipped = [{"file": name, "why": why} for name, why in report.skipped]
        print(json.dumps({"imported": list(report.imported), "skipped": skipped}))
        return 0
    for name, why in report.skipped:
        print(f"skipped {name}: {why}", file=sys.stderr)
    print(f"imported {len(report.imported)} interviews, skipped {len(report.skipped)} files")
    return 0


def _parser() -> Parser:
    parser = Parser(prog="python -m db", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    commands.add_parser("upgrade", help="apply the migrations").set_defaults(run=_upgrade)
    listing = commands.add_parser("list", help="list saved designs, newest first")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.add_argument("--query", default="", help="part of a title, scenario or author")
    listing.add_argument("--author", help="only this author's designs")
    listing.add_argument("--scenario", help="only designs of this scenario")
    listing.add_argument("--include-deleted", action="store_true", help="list deleted ones too")
    listing.add_argument("--limit", type=positive_int, default=50, help=f"at most {MAX_PAGE}")
    listing.add_argument("--offset", type=int, default=0, help="designs to skip")
    listing.set_defaults(run=_list)
    importing = commands.add_parser("import", help="save a design JSON file as a new design")
    importing.add_argument("file", help="the design's JSON file, or - for standard input")
    importing.add_argument("--json", action="store_true", help="print the new design as JSON")
    importing.add_argument("--author", default="", help="who imports it (default: its author)")
    importing.set_defaults(run=_import)
    exporting = commands.add_parser("export", help="print a saved design's JSON")
    exporting.add_argument("id", type=positive_int, help="the saved design's id")
    exporting.add_argument("--revision", type=positive_int, help="default: the newest")
    exporting.set_defaults(run=_export)
    backup = commands.add_parser("backup", help="write a consistent backup of the database")
    backup.add_argument("path", help="the backup file (replaced if it exists)")
    backup.set_defaults(run=_backup)
    prune = commands.add_parser(
        "prune-drafts", help="delete drafts untouched for DAYS days, with their interviews"
    )
    prune.add_argument("--days", type=positive_int, default=30, help="age in days (default 30)")
    prune.set_defaults(run=_prune_drafts)
    interviews = commands.add_parser(
        "import-interviews", help="import finished interviews kept as JSON files (older versions)"
    )
    interviews.add_argument("directory", help="the old INTERVIEW_DATA_DIR, e.g. data/interviews")
    interviews.add_argument("--json", action="store_true", help="print what was imported as JSON")
    interviews.set_defaults(run=_import_interviews)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; return the exit code (2 for bad input, 1 for a database failure)."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Command = args.run
    where = f"{parser.prog} {args.command}: error:"
    try:
        engine = make_engine(database_url())
        try:
            upgrade(engine)
            return command(args, engine)
        finally:
            engine.dispose()
    except DesignError as exc:  # a stored design that no longer loads: not the user's input
        print(f"{where} {_first_line(exc)}", file=sys.stderr)
        return 1
    # DatabaseConfigError, DesignImportError, UsageError and refused values are ValueErrors.
    except (ValueError, DesignNotFoundError) as exc:
        print(f"{where} {_first_line(exc)}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        print(f"{where} {_first_line(exc)}", file=sys.stderr)
        return 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
