"""Review comments on a phase or a component of a saved design: resolved, deleted, paged.

These are the functions of the people a design belongs to or is shared with, by design id and
acting user (`db.access`: anyone who may read a design may comment on it and resolve comments;
a comment is deleted by its author or the design's owner). A share-link visitor goes through
`db.sharing`, which checks the token before calling the `*_in` helpers here inside its own
transaction.
"""

from __future__ import annotations

import hashlib
from typing import Final, get_args

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from db.access import LOCAL, require
from db.models import COMMENT_TEXT, SHORT_TEXT, CommentRow
from db.records import AccessDeniedError, Comment, CommentNotFoundError, CommentPage, CommentSource
from db.session import as_utc, column_text, head_row, reading, utc_now, writing
from playbook import PHASES, Phase

SOURCES: Final[tuple[str, ...]] = get_args(CommentSource)
PAGE_SIZE: Final = 20
MAX_PAGE_SIZE: Final = 200


def add_comment(
    engine: Engine,
    design_id: int,
    *,
    author: str,
    body: str,
    phase: Phase,
    component: str | None = None,
    revision: int | None = None,
    source: str = "reviewer",
    user: str = LOCAL,
) -> Comment:
    """Add a comment by `author` (shown) written by `user` (who must be able to read the design)
    on `phase` (and `component`) of `design_id`, optionally of one revision; raise ValueError
    naming the field when a part is empty, too long or unknown."""
    with writing(engine) as session:
        require(session, design_id, user, "reviewer", "comment on")
        return add_comment_in(
            session, design_id, author=author, body=body, phase=phase, component=component,
            revision=revision, source=source, author_id=user,
        )  # fmt: skip


def add_comment_in(
    session: Session,
    design_id: int,
    *,
    author: str,
    body: str,
    phase: Phase,
    component: str | None = None,
    revision: int | None = None,
    source: str = "reviewer",
    author_token: str | None = None,
    author_id: str = LOCAL,
) -> Comment:
    """Add a comment inside `session`'s write transaction; `author_token` (a visitor's browser
    session secret) is kept only as its SHA-256, so that session can delete the comment;
    `author_id` is who wrote it (a user id, or "share:<link id>" for a visitor)."""
    author, body = _text("author", author, SHORT_TEXT), _text("body", body, COMMENT_TEXT)
    _check_choices(phase, source, component)
    component = None if component is None else column_text(component)
    latest = head_row(session, design_id).latest_revision
    if revision is not None and not 1 <= revision <= latest:
        raise ValueError(f"revision: design {design_id} has 1 to {latest}, not {revision}")
    row = CommentRow(
        design_id=design_id, author=author, body=body, phase=phase, component=component,
        revision=revision, source=source, created_at=utc_now(),
        author_token_sha256=None if author_token is None else token_digest(author_token),
        author_id=author_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _comment(row, author_token)


def list_comments(
    engine: Engine, design_id: int, *, include_resolved: bool = True, user: str = LOCAL
) -> list[Comment]:
    """Return the comments on `design_id`, oldest first (the order of the conversation), without
    the deleted ones."""
    query = _thread(design_id)
    if not include_resolved:
        query = query.where(CommentRow.resolved_at.is_(None))
    with reading(engine) as session:
        require(session, design_id, user, "reviewer", "read the comments on")
        rows = session.scalars(query.order_by(CommentRow.created_at, CommentRow.id))
        return [_comment(row) for row in rows]


def comment_page(
    engine: Engine,
    design_id: int,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    author_token: str | None = None,
    user: str = LOCAL,
) -> CommentPage:
    """Return `limit` comments of `design_id` from `offset` (oldest first), with the thread's
    totals; an offset past the end gives the last page. `mine` marks `author_token`'s comments."""
    with reading(engine) as session:
        require(session, design_id, user, "reviewer", "read the comments on")
        return comment_page_in(
            session, design_id, offset=offset, limit=limit, author_token=author_token,
            author_id=user,
        )  # fmt: skip


def comment_page_in(
    session: Session,
    design_id: int,
    *,
    offset: int,
    limit: int,
    author_token: str | None,
    author_id: str | None = None,
) -> CommentPage:
    """`comment_page` inside an open session; `mine` also marks `author_id`'s comments."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit: 1 to {MAX_PAGE_SIZE} comments a page, not {limit}")
    head_row(session, design_id)
    counts = select(func.count(), func.count(CommentRow.resolved_at)).where(
        CommentRow.design_id == design_id, CommentRow.deleted_at.is_(None)
    )
    total, resolved = session.execute(counts).one()
    last_page = max(0, (total - 1) // limit * limit)
    offset = min(max(0, offset), last_page)
    query = _thread(design_id).order_by(CommentRow.created_at, CommentRow.id)
    rows = session.scalars(query.offset(offset).limit(limit))
    return CommentPage(
        items=tuple(_comment(row, author_token, author_id) for row in rows),
        offset=offset, total=total, open=total - resolved,
    )  # fmt: skip


def resolve_comment(engine: Engine, comment_id: int, *, user: str = LOCAL) -> None:
    """Mark comment `comment_id` resolved, as `user` who may comment on its design (resolving
    twice is fine)."""
    with writing(engine) as session:
        row = live_row(session, comment_id)
        require(session, row.design_id, user, "reviewer", "resolve comments on")
        if row.resolved_at is None:
            row.resolved_at = utc_now()


def delete_comment(engine: Engine, comment_id: int, *, user: str = LOCAL) -> None:
    """Delete comment `comment_id` as `user`, the design's owner or the comment's author: it
    leaves the thread for good. Anyone else gets `AccessDeniedError`."""
    with writing(engine) as session:
        row = live_row(session, comment_id)
        _, role = require(session, row.design_id, user, "reviewer", "delete comments on")
        if role != "owner" and row.author_id != user:
            raise AccessDeniedError(row.design_id, "delete another person's comment on")
        row.deleted_at = utc_now()


def live_row(session: Session, comment_id: int) -> CommentRow:
    """Return the row of comment `comment_id`, or raise not found when missing or deleted."""
    row = session.get(CommentRow, comment_id)
    if row is None or row.deleted_at is not None:
        raise CommentNotFoundError(comment_id)
    return row


def token_digest(token: str) -> str:
    """Return the SHA-256 (hex) under which an author token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _thread(design_id: int) -> Select[CommentRow]:
    return select(CommentRow).where(
        CommentRow.design_id == design_id, CommentRow.deleted_at.is_(None)
    )


def _text(field: str, value: str, limit: int) -> str:
    value = column_text(value).strip()
    if not value:
        raise ValueError(f"{field}: must not be empty")
    if len(value) > limit:
        raise ValueError(f"{field}: at most {limit:,} characters, not {len(value):,}")
    return value


def _check_choices(phase: str, source: str, component: str | None) -> None:
    if phase not in PHASES:
        raise ValueError(f"phase: {phase!r} is not one of: {', '.join(PHASES)}")
    if source not in SOURCES:
        raise ValueError(f"source: {source!r} is not one of: {', '.join(SOURCES)}")
    if component is not None and not 1 <= len(component) <= SHORT_TEXT:
        raise ValueError(f"component: 1 to {SHORT_TEXT} characters, not {len(component)}")


def _comment(
    row: CommentRow, author_token: str | None = None, author_id: str | None = None
) -> Comment:
    mine = (author_token is not None and row.author_token_sha256 == token_digest(author_token)) or (
        author_id is not None and row.author_id == author_id
    )
    return Comment(
        id=row.id,
        design_id=row.design_id,
        author=row.author,
        body=row.body,
        phase=row.phase,  # checked against PHASES when written, validated again here
        component=row.component,
        revision=row.revision,
        created_at=as_utc(row.created_at),
        resolved=row.resolved_at is not None,
        source=row.source,
        mine=mine,
    )
