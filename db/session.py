"""Short read and write transactions, and the conversions every query module shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import READ_ONLY_OPTION
from db.models import SHORT_TEXT, DesignRow
from db.records import DesignNotFoundError, DesignSummary, Role


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """Yield a session in one write transaction, committed on exit (SQLite: BEGIN IMMEDIATE)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """Yield a session in a read transaction that does not take SQLite's write lock."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY_OPTION: True})
        with Session(bind=connection) as session, session.begin():
            yield session


def utc_now() -> datetime:
    """Return the current time in UTC, to the microsecond (newest-first holds within a second)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive value (SQLite hands those back) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def column_text(text: str) -> str:
    """Return `text` fit for a list column: PostgreSQL text cannot hold NUL (JSON escapes it)."""
    return text.replace("\x00", "\ufffd")


def search_text(title: str, scenario: str, author: str) -> str:
    """Return what `list_designs` searches: the three fields case-folded, one per line."""
    return "\n".join(column_text(part).casefold() for part in (title, scenario, author))


def checked_author(author: str) -> str:
    """Return `author` stripped, or raise ValueError naming the field when it is too long."""
    author = author.strip()
    if len(author) > SHORT_TEXT:
        raise ValueError(f"author: at most {SHORT_TEXT} characters, not {len(author)}")
    return author


def head_row(session: Session, design_id: int, *, lock: bool = False) -> DesignRow:
    """Return the head row of `design_id` (locked for update when asked), or raise not found."""
    head = session.get(DesignRow, design_id, with_for_update=lock)
    if head is None:
        raise DesignNotFoundError(design_id)
    return head


def summary(head: DesignRow, *, role: Role = "owner") -> DesignSummary:
    """Return the list view of a head row, for a user whose `role` on it is given."""
    return DesignSummary(
        id=head.id,
        title=head.title,
        scenario=head.scenario,
        author=head.author,
        updated_at=as_utc(head.updated_at),
        revision=head.latest_revision,
        deleted=head.deleted_at is not None,
        owner=head.owner,
        role=role,
    )
