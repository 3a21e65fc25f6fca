"""Bring a database's schema to the newest Alembic revision, from code rather than an ini file."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: it only has to differ from other advisory locks on the same server.
_POSTGRES_LOCK_KEY = 0x57_48_49_54_45_42_44


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for `db/migrations`, bound to `connection` when one is given."""
    config = Config()
    # Config values go through configparser interpolation, where '%' is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Migrate the database to head in one transaction; a no-op when it is already there."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two app processes starting together would otherwise both try to create tables.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY}
            )
        command.upgrade(alembic_config(connection), "head")
