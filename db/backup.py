"""Back up the whole database to a file while the app keeps running.

SQLite: a copy of the database file made with SQLite's online backup API, consistent even while
other processes write. PostgreSQL: a JSON document read in one REPEATABLE READ snapshot with
every design, its revisions, comments, share links (hashes only) and access grants, then every
mock interview, every draft (keys as hashes only) and the LLM usage the budgets count: every
table the app writes. `pg_dump` remains the tool for a whole server. Either way the file is
written beside `path` and renamed into place, so `path` never holds half a backup.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import Connection, Engine, Select, select

from db.models import (
    Base,
    CommentRow,
    DesignAccessRow,
    DesignRow,
    DraftRow,
    InterviewRow,
    LlmUsageRow,
    RevisionRow,
    ShareLinkRow,
)
from db.session import as_utc, utc_now

BACKUP_FORMAT: Final = "genai-design-whiteboard-backup"
BACKUP_VERSION: Final = 2  # 2: interviews, drafts, LLM usage and access grants too
# Whole tables written after the designs, one row at a time, in this order.
TABLES: Final = (InterviewRow, DraftRow, LlmUsageRow)
# Columns that hold JSON text, written as JSON rather than as a string of it.
_JSON_COLUMNS: Final = frozenset({"body", "session", "design", "scorecard", "state"})


def backup_database(engine: Engine, path: Path) -> Path:
    """Write a consistent backup of the database to `path` and return the path."""
    path = Path(path)
    with _replacing(path) as partial:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _json_backup(engine, partial)
    return path


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(descriptor)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(engine: Engine, target_path: Path) -> None:
    source = engine.raw_connection()
    try:
        driver = source.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        target = sqlite3.connect(target_path)
        try:
            driver.backup(target)  # every page in one step: one consistent snapshot
            # A backup is one self-contained file: no -wal file beside it to lose when copied.
            target.execute("PRAGMA journal_mode=DELETE")
            if target.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise RuntimeError(f"the backup at {target_path} failed its integrity check")
        finally:
            target.close()
    finally:
        source.close()


def _json_backup(engine: Engine, target_path: Path) -> None:
    snapshot = engine.execution_options(isolation_level="REPEATABLE READ")
    with snapshot.connect() as connection, connection.begin():
        heads = connection.execute(_rows(DesignRow).order_by(DesignRow.id)).mappings()
        with target_path.open("w", encoding="utf-8") as out:
            # Written one design at a time, so a large database is never held in memory whole.
            out.write(f'{{"format": "{BACKUP_FORMAT}", "version": {BACKUP_VERSION}, ')
            out.write(f'"created_at": "{utc_now().isoformat()}", "designs": [\n')
            for index, head in enumerate(heads):
                out.write(",\n" if index else "")
                _write_design(connection, dict(head), out)
            out.write("\n]")
            for model in TABLES:
                _write_table(connection, model, out)
            out.write("}\n")


def _write_table(connection: Connection, model: type[Base], out: IO[str]) -> None:
    table = Base.metadata.tables[model.__tablename__]
    rows = connection.execute(_rows(model).order_by(*table.primary_key.columns)).mappings()
    out.write(f', "{table.name}": [\n')
    for index, row in enumerate(rows):
        out.write(",\n" if index else "")
        out.write(json.dumps(_decoded(dict(row)), default=_json_value, ensure_ascii=False))
    out.write("\n]")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: json.loads(value) if name in _JSON_COLUMNS and isinstance(value, str) else value
        for name, value in row.items()
    }


def _write_design(connection: Connection, head: dict[str, Any], out: IO[str]) -> None:
    design_id = head["id"]
    revisions = connection.execute(
        _rows(RevisionRow).where(RevisionRow.design_id == design_id).order_by(RevisionRow.number)
    ).mappings()
    comments = connection.execute(
        _rows(CommentRow).where(CommentRow.design_id == design_id).order_by(CommentRow.id)
    ).mappings()
    links = connection.execute(
        _rows(ShareLinkRow).where(ShareLinkRow.design_id == design_id).order_by(ShareLinkRow.id)
    ).mappings()
    grants = connection.execute(
        _rows(DesignAccessRow)
        .where(DesignAccessRow.design_id == design_id)
        .order_by(DesignAccessRow.id)
    ).mappings()
    record = {
        **head,
        "revisions": [{**row, "body": json.loads(row["body"])} for row in map(dict, revisions)],
        "comments": [dict(row) for row in comments],
        "share_links": [dict(row) for row in links],
        "access": [dict(row) for row in grants],
    }
    out.write(json.dumps(record, default=_json_value, ensure_ascii=False))


def _rows(model: type[Base]) -> Select[Any]:
    # The table's plain columns: this module reads through a Core connection, not a session.
    return select(*model.__table__.columns)


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a backup")
