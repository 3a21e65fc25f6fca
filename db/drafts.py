"""Drafts in the database: each browser session's unsaved state, under the hash of its key.

`DbDraftStore` is the `DraftStore` the app uses. A draft's design is kept as design JSON (so the
design migrations apply to it as to revisions); the interview under way is a row of `interviews`
written in the same transaction, and one the draft no longer holds is deleted (abandoned) unless
it finished.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from db.designs import design_from_body
from db.interviews import LOCAL_OWNER, delete_unfinished, load_session, write_progress
from db.models import DraftRow, InterviewRow
from db.session import as_utc, column_text, reading, utc_now, writing
from playbook import DesignError, dump_design
from playbook.drafts import (
    Draft,
    DraftNotFoundError,
    DraftStoreError,
    DraftSummary,
    StoredDraft,
    draft_title,
    has_unsaved_work,
    key_hash,
)

MAX_LIST = 200
_STATE_FIELDS = {"opened", "saved_digest", "clock"}


@contextmanager
def _translated(action: str) -> Iterator[None]:
    # Database errors become the domain's error here, so no caller above db/ sees SQLAlchemy.
    try:
        yield
    except SQLAlchemyError as exc:
        raise DraftStoreError(f"could not {action}: {exc.__class__.__name__}") from exc


def _by_key(session: Session, key: str, *, lock: bool = False) -> DraftRow | None:
    query = select(DraftRow).where(DraftRow.key_sha256 == key_hash(key))
    return session.scalar(query.with_for_update() if lock else query)


def _owned(session: Session, draft_id: int, owner: str) -> DraftRow | None:
    row = session.get(DraftRow, draft_id, with_for_update=True)
    return row if row is not None and row.owner == owner else None


def _fill(row: DraftRow, draft: Draft) -> None:
    row.title = column_text(draft_title(draft))
    row.unsaved = has_unsaved_work(draft)
    row.design = dump_design(draft.design)
    row.state = draft.model_dump_json(include=_STATE_FIELDS)
    row.opened_design_id = draft.opened.design_id if draft.opened else None
    row.interview_id = draft.interview.id if draft.interview else None
    row.updated_at = utc_now()


def _write(session: Session, key: str, draft: Draft, owner: str) -> int:
    if draft.interview is not None:
        write_progress(session, draft.interview, owner=owner)
    row = _by_key(session, key, lock=True)
    if row is None:
        row = DraftRow(key_sha256=key_hash(key), created_at=utc_now())
        session.add(row)
    row.owner = owner
    previous = row.interview_id
    _fill(row, draft)
    session.flush()
    if previous is not None and previous != row.interview_id:
        delete_unfinished(session, previous)  # the draft dropped it: abandoned
    return row.id


def _stored(session: Session, row: DraftRow) -> StoredDraft | None:
    interview = load_session(session, row.interview_id) if row.interview_id else None
    try:
        data = json.loads(row.state)
        design = design_from_body(row.design, where=f"draft {row.id}")
        draft = Draft.model_validate({**data, "design": design, "interview": interview})
    except (ValueError, ValidationError, DesignError):  # JSONDecodeError is a ValueError
        return None
    return StoredDraft(id=row.id, draft=draft)


def _summary(
    draft_id: int,
    title: str,
    updated: datetime,
    opened: int | None,
    prompt: str | None,
    finished: datetime | None,
) -> DraftSummary:
    under_way = prompt if prompt and finished is None else None
    return DraftSummary(
        id=draft_id, title=title, updated_at=as_utc(updated), opened_design_id=opened,
        interview_prompt_id=under_way,
    )  # fmt: skip


class DbDraftStore:
    """Drafts in the `drafts` table of `engine`'s database, seen by `owner` only.

    The owner is the signed-in user's id (or "local" without sign-in): another user's draft is
    neither listed nor opened, resumed or discarded, even with its key.
    """

    def __init__(self, engine: Engine, *, owner: str = LOCAL_OWNER) -> None:
        self.engine = engine
        self.owner = owner

    def save(self, key: str, draft: Draft) -> int:
        """Keep `draft` under `key` (replacing what was there); return its id."""
        with _translated("save the draft"):
            try:
                with writing(self.engine) as session:
                    return _write(session, key, draft, self.owner)
            except IntegrityError:
                # Two tabs on one new key inserted together: the other row exists now.
                with writing(self.engine) as session:
                    return _write(session, key, draft, self.owner)

    def load(self, key: str) -> StoredDraft | None:
        """Return the draft kept under `key`, or None (never saved, discarded or unreadable)."""
        with _translated("read the draft"), reading(self.engine) as session:
            row = _by_key(session, key)
            if row is None or row.owner != self.owner:
                return None
            return _stored(session, row)

    def list_unsaved(self, *, limit: int = 20) -> tuple[DraftSummary, ...]:
        """Return up to `limit` drafts with unsaved work, most recently changed first."""
        columns = (
            DraftRow.id, DraftRow.title, DraftRow.updated_at, DraftRow.opened_design_id,
            InterviewRow.prompt_id, InterviewRow.finished_at,
        )  # fmt: skip
        query = (
            select(*columns)
            .outerjoin(InterviewRow, InterviewRow.id == DraftRow.interview_id)
            .where(DraftRow.unsaved.is_(True), DraftRow.owner == self.owner)
            .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
            .limit(min(max(limit, 0), MAX_LIST))
        )
        with _translated("list the drafts"), reading(self.engine) as session:
            rows = session.execute(query).all()
        return tuple(_summary(*row) for row in rows)

    def take_over(self, draft_id: int, *, key: str) -> StoredDraft:
        """Move draft `draft_id` to `key` (its old key stops working) and return it."""
        with _translated("resume the draft"), writing(self.engine) as session:
            row = _owned(session, draft_id, self.owner)
            if row is None:
                raise DraftNotFoundError(f"draft {draft_id} is gone (discarded or resumed)")
            stored = _stored(session, row)
            if stored is None:
                raise DraftNotFoundError(f"draft {draft_id} can no longer be read")
            row.key_sha256 = key_hash(key)
            return stored

    def discard(self, draft_id: int) -> None:
        """Delete draft `draft_id` and the interview it had under way (nothing when it is gone)."""
        with _translated("discard the draft"), writing(self.engine) as session:
            row = _owned(session, draft_id, self.owner)
            if row is None:
                return
            interview_id = row.interview_id
            session.delete(row)
            session.flush()
            if interview_id is not None:
                delete_unfinished(session, interview_id)


def prune_drafts(engine: Engine, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete every draft untouched for `older_than`, with the interview each had under way
    (finished interviews stay: they are results); return how many drafts went.

    A draft lives as long as its browser tab might come back; nothing else ever deletes the ones
    whose tabs never do, so an admin (or a cron job) runs `python -m db prune-drafts`.
    """
    if older_than <= timedelta(0):
        raise ValueError(f"older than: must be a positive age, not {older_than}")
    cutoff = as_utc(now or utc_now()) - older_than
    with _translated("prune the drafts"), writing(engine) as session:
        rows = session.scalars(select(DraftRow).where(DraftRow.updated_at < cutoff)).all()
        interviews = [row.interview_id for row in rows if row.interview_id is not None]
        for row in rows:
            session.delete(row)
        session.flush()
        for interview_id in interviews:
            delete_unfinished(session, interview_id)
        return len(rows)
