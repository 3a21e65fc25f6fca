"""Where the database lives and how to connect, with SQLite made safe for several processes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

ENV_VAR = "DATABASE_URL"
# An execution option on a connection whose transactions only read: on SQLite they begin
# DEFERRED, so readers do not queue for the write lock that every writer takes up front.
READ_ONLY_OPTION = "whiteboard_read_only"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = PROJECT_ROOT / "data" / "whiteboard.db"

_EXAMPLES = "sqlite:///path/to/whiteboard.db or postgresql+psycopg://user:password@host:5432/dbname"
# Heroku-style and libpq-style URLs name no driver; psycopg 3 is the only one we ship.
_POSTGRES_ALIASES = {"postgres", "postgresql", "postgresql+psycopg"}
_SQLITE_NAMES = {"sqlite", "sqlite+pysqlite"}


class DatabaseConfigError(ValueError):
    """The configured database URL cannot be used; the message says which setting to fix."""


def database_url() -> str:
    """Return `DATABASE_URL` if set, else a SQLite file under the project's `data/` directory."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return configured
    DEFAULT_SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_FILE}"


def make_engine(url: str) -> Engine:
    """Return an engine for a SQLite or PostgreSQL URL, or raise `DatabaseConfigError`."""
    parsed = _checked_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, TypeError) as exc:
        raise _config_error(f"is not usable ({exc})", parsed) from exc


def _checked_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        # The raw text may hold a password, so it is not echoed back.
        raise _config_error("could not be parsed as a database URL") from exc
    if parsed.drivername in _POSTGRES_ALIASES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in _SQLITE_NAMES:
        return parsed
    raise _config_error(f"uses the unsupported driver {parsed.drivername!r}", parsed)


def _config_error(problem: str, url: URL | None = None) -> DatabaseConfigError:
    shown = f" ({url.render_as_string(hide_password=True)})" if url is not None else ""
    return DatabaseConfigError(
        f"{ENV_VAR}{shown} {problem}: set {ENV_VAR} to a URL like {_EXAMPLES}"
    )


def _sqlite_engine(url: URL) -> Engine:
    # A busy writer makes others wait up to 30 s for the lock instead of failing at once.
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own implicit BEGIN (deferred, only before writes) lets two processes read,
    # then both write, losing an update: SQLAlchemy emits the BEGIN instead (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers proceed while one writer commits; NORMAL is durable enough with WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        # WAL gives a reader a consistent snapshot without any lock.
        connection.exec_driver_sql("BEGIN DEFERRED")
        return
    # Take the write lock up front so a read-then-write transaction cannot be overtaken.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
