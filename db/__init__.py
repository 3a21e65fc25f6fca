"""Persistence for designs: SQLite by default, PostgreSQL when `DATABASE_URL` says so."""

from db.engine import DatabaseConfigError, database_url, make_engine
from db.migrate import upgrade
from db.repository import (
    DesignNotFoundError,
    DesignSummary,
    list_designs,
    load_design,
    save_design,
)

__all__ = [
    "DatabaseConfigError",
    "DesignNotFoundError",
    "DesignSummary",
    "database_url",
    "list_designs",
    "load_design",
    "make_engine",
    "save_design",
    "upgrade",
]
