"""Mock interviews in the database: under way (written with their draft) and finished.

`DbInterviewStore` is the `InterviewStore` the app uses; `import_interview_files` brings in the
JSON files an older version kept under `INTERVIEW_DATA_DIR`. A finished row is never turned back
into one under way, and a row whose JSON no longer parses is skipped when listing rather than
hiding every other interview.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.designs import design_from_body
from db.models import InterviewRow
from db.session import reading, utc_now, writing
from playbook import DesignError, dump_design
from playbook.interview import (
    InterviewNotFoundError,
    InterviewSession,
    InterviewStoreError,
    SavedInterview,
    Scorecard,
)

MAX_LIST = 1_000
LOCAL_OWNER = "local"  # the one user of an app without sign-in


def epoch_to_utc(seconds: float) -> datetime:
    """Return epoch `seconds` as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


@contextmanager
def _translated(action: str) -> Iterator[None]:
    # Database errors become the domain's error here, so no caller above db/ sees SQLAlchemy.
    try:
        yield
    except SQLAlchemyError as exc:
        raise InterviewStoreError(f"could not {action}: {exc.__class__.__name__}") from exc


def write_progress(session: Session, interview: InterviewSession, *, owner: str) -> None:
    """Insert or update the interview under way (a finished row is left as it is)."""
    row = session.get(InterviewRow, interview.id, with_for_update=True)
    if row is None:
        row = InterviewRow(
            id=interview.id,
            prompt_id=interview.prompt_id,
            started_at=epoch_to_utc(interview.started_at),
            owner=owner,
        )
        session.add(row)
    elif row.finished_at is not None:
        return
    row.session = interview.model_dump_json()
    row.updated_at = utc_now()


def delete_unfinished(session: Session, interview_id: str) -> None:
    """Delete interview `interview_id` if it is still under way (abandoned); keep finished ones."""
    row = session.get(InterviewRow, interview_id)
    if row is not None and row.finished_at is None:
        session.delete(row)


def load_session(session: Session, interview_id: str) -> InterviewSession | None:
    """Return the session of interview `interview_id`, or None when it is gone or unreadable."""
    body = session.scalar(select(InterviewRow.session).where(InterviewRow.id == interview_id))
    if body is None:
        return None
    try:
        return InterviewSession.model_validate_json(body)
    except ValidationError:
        return None


def _write_finished(session: Session, saved: SavedInterview, owner: str) -> None:
    row = session.get(InterviewRow, saved.session.id, with_for_update=True)
    if row is None:
        row = InterviewRow(id=saved.session.id)
        session.add(row)
    row.owner = owner
    row.prompt_id = saved.session.prompt_id
    row.started_at = epoch_to_utc(saved.session.started_at)
    row.finished_at = epoch_to_utc(saved.scorecard.finished_at)
    row.session = saved.session.model_dump_json()
    row.design = dump_design(saved.design)
    row.scorecard = saved.scorecard.model_dump_json()
    row.updated_at = utc_now()


def _saved(row: InterviewRow) -> SavedInterview:
    if row.design is None or row.scorecard is None:
        raise InterviewNotFoundError(f"interview {row.id!r} has not finished")
    return SavedInterview(
        session=InterviewSession.model_validate_json(row.session),
        design=design_from_body(row.design, where=f"interview {row.id}"),
        scorecard=Scorecard.model_validate_json(row.scorecard),
    )


class DbInterviewStore:
    """Finished interviews in the `interviews` table of `engine`'s database, `owner`'s only."""

    def __init__(self, engine: Engine, *, owner: str = LOCAL_OWNER) -> None:
        self.engine = engine
        self.owner = owner

    def save(self, saved: SavedInterview) -> None:
        """Keep the finished `saved`, replacing an earlier save of the same session."""
        with _translated("save the interview"), writing(self.engine) as session:
            _write_finished(session, saved, self.owner)

    def load(self, session_id: str) -> SavedInterview:
        """Return the finished interview `session_id`, or raise `InterviewNotFoundError`."""
        with _translated("read the interview"), reading(self.engine) as session:
            row = session.get(InterviewRow, session_id)
            if row is None or row.owner != self.owner:
                raise InterviewNotFoundError(f"no saved interview {session_id!r}")
            try:
                return _saved(row)
            except (ValidationError, DesignError) as exc:
                raise InterviewNotFoundError(f"interview {session_id!r} is unreadable") from exc

    def list(self, *, limit: int = 200) -> tuple[SavedInterview, ...]:
        """Return up to `limit` readable finished interviews, most recently finished first."""
        query = (
            select(InterviewRow)
            .where(InterviewRow.finished_at.is_not(None), InterviewRow.owner == self.owner)
            .order_by(InterviewRow.finished_at.desc(), InterviewRow.id)
            .limit(min(max(limit, 0), MAX_LIST))
        )
        found = []
        with _translated("list the interviews"), reading(self.engine) as session:
            for row in session.scalars(query):
                try:
                    found.append(_saved(row))
                except (ValidationError, DesignError, InterviewNotFoundError):
                    continue
        return tuple(found)


class ImportReport(NamedTuple):
    """What `import_interview_files` did: the session ids imported and the files skipped."""

    imported: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (file name, why)


def import_interview_files(
    engine: Engine, directory: Path, *, owner: str = LOCAL_OWNER
) -> ImportReport:
    """Save every finished interview in `directory/*.json` (the old file store) to `engine`,
    as `owner`'s (the single user's, by default).

    Importing the same files again replaces the same rows: nothing is duplicated.
    """
    imported: list[str] = []
    skipped: list[tuple[str, str]] = []
    store = DbInterviewStore(engine, owner=owner)
    for path in sorted(directory.glob("*.json")):
        try:
            saved = SavedInterview.model_validate_json(path.read_text("utf-8"))
        except (OSError, ValidationError) as exc:
            skipped.append((path.name, _first_line(exc)))
            continue
        store.save(saved)
        imported.append(saved.session.id)
    return ImportReport(tuple(imported), tuple(skipped))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
