"""Save, list and load designs; callers get `playbook` models, never ORM rows."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import DesignRow
from playbook import Design, DesignError, dump_design, parse_design

MAX_PAGE = 500  # a page bigger than this is a bug in the caller, not a wish to see more


class DesignNotFoundError(LookupError):
    """No saved design has the requested id."""

    def __init__(self, design_id: int) -> None:
        self.design_id = design_id
        super().__init__(f"no saved design has id {design_id}")


class DesignSummary(BaseModel):
    """What a list of saved designs shows for each one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    title: str
    scenario: str
    author: str
    updated_at: datetime


def save_design(engine: Engine, design: Design) -> DesignSummary:
    """Insert `design` as a new saved design and return its summary."""
    # Set from Python (microseconds, UTC) so newest-first holds within one second on SQLite.
    now = datetime.now(UTC)
    row = DesignRow(
        title=_column_text(design.title),
        scenario=_column_text(design.scenario),
        author=_column_text(design.author),
        schema_version=design.schema_version,
        body=dump_design(design),
        created_at=now,
        updated_at=now,
    )
    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()  # assigns the id while the short write transaction is still open
        return _summary(row)


def list_designs(engine: Engine, *, limit: int = 50, offset: int = 0) -> list[DesignSummary]:
    """Return saved designs newest first (last change, then id), `limit` from `offset`."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")
    query = (
        select(DesignRow)
        .order_by(DesignRow.updated_at.desc(), DesignRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with Session(engine) as session, session.begin():
        return [_summary(row) for row in session.scalars(query)]


def load_design(engine: Engine, design_id: int) -> Design:
    """Return the saved design `design_id`, or raise `DesignNotFoundError` (or `DesignError`)."""
    with Session(engine) as session, session.begin():
        body = session.scalar(select(DesignRow.body).where(DesignRow.id == design_id))
    if body is None:
        raise DesignNotFoundError(design_id)
    try:
        return parse_design(body)
    except DesignError as exc:
        # Names the row so an operator can find the design that an upgrade left behind.
        raise DesignError([f"saved design {design_id}: {p}" for p in exc.problems]) from exc


def _summary(row: DesignRow) -> DesignSummary:
    return DesignSummary(
        id=row.id,
        title=row.title,
        scenario=row.scenario,
        author=row.author,
        updated_at=_as_utc(row.updated_at),
    )


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL hands back the session zone.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _column_text(text: str) -> str:
    # PostgreSQL text cannot hold NUL; the JSON body escapes it, the list columns replace it.
    return text.replace("\x00", "\ufffd")
