"""Bring a database's schema to the newest Alembic revision, from code rather than an ini file.

Alembic (with Mako and Pygments, about 130 ms to import) loads when a migration runs, not with
`db`: a page that never opens the database never pays for it, and a process whose database is
already at the newest revision (any replica but the first, any restart) reads the revision
table and loads no Alembic at all.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: it only has to differ from other advisory locks on the same server.
_POSTGRES_LOCK_KEY = 0x57_48_49_54_45_42_44


class MigrationError(RuntimeError):
    """A migration left the database inconsistent; it was rolled back."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for `db/migrations`, bound to `connection` when one is given."""
    from alembic.config import Config

    config = Config()
    # Config values go through configparser interpolation, where '%' is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the id of the newest migration: what `upgrade` brings a database to."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/migrations has no revisions"
    return head


@cache
def newest_revision() -> str:
    """Return the head revision read from the migration files' `revision` and `down_revision`
    assignments, without Alembic: the one revision no other names as the one before it."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                names = {target.id for target in targets if isinstance(target, ast.Name)}
                if not names & {"revision", "down_revision"}:
                    continue
                value = ast.literal_eval(node.value)
                if "revision" in names:
                    revisions.add(str(value))
                elif "down_revision" in names and value is not None:
                    replaced |= {value} if isinstance(value, str) else set(value)
    heads = revisions - replaced
    if len(heads) != 1:
        raise MigrationError(f"db/migrations must have one head revision, not {sorted(heads)}")
    return heads.pop()


def at_newest(engine: Engine) -> bool:
    """Whether the database's Alembic revision table holds the newest revision and only it."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return set(found) == {newest_revision()}


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Migrate the database to `revision` in one transaction; a no-op when it is already there."""
    if revision == "head" and at_newest(engine):
        return  # the usual case after the first start: no Alembic to load, no lock to take
    from alembic import command

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite batch migrations recreate a table: dropping the old copy with foreign keys
            # on would cascade into its children. The pragma only works outside a transaction.
            _sqlite_foreign_keys(connection, enabled=False)
        try:
            with connection.begin():
                if not sqlite:
                    # Two app processes starting together would otherwise both create tables.
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY}
                    )
                command.upgrade(alembic_config(connection), revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, enabled=True)


def _sqlite_foreign_keys(connection: Connection, *, enabled: bool) -> None:
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise MigrationError(f"the migration left {len(broken)} rows without their parent row")
