"""The ORM tables; these classes never leave `db/` (the repository speaks `playbook` models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, MetaData, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make later migrations (and SQLite batch mode, which must recreate
# tables) deterministic on every backend instead of relying on database-generated names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHORT_TEXT = 200  # the Design's title, scenario and author are at most this long


class Base(DeclarativeBase):
    """Declarative base whose metadata is Alembic's migration target."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """Creation and last-change times, set from Python in UTC (the server default is a fallback)."""

    # current_timestamp, not now(): the same migration then runs on SQLite and PostgreSQL.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )


class DesignRow(Timestamped, Base):
    """One saved design: its JSON body plus copies of the fields the list view shows."""

    __tablename__ = "designs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(SHORT_TEXT), index=True)
    scenario: Mapped[str] = mapped_column(String(SHORT_TEXT))
    author: Mapped[str] = mapped_column(String(SHORT_TEXT))
    schema_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_designs_updated_at", "updated_at"),)
