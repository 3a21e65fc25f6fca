"""Review comments on a phase or a component of a saved design, which can be resolved."""

from __future__ import annotations

from typing import Final, get_args

from sqlalchemy import Engine, select

from db.models import COMMENT_TEXT, SHORT_TEXT, CommentRow
from db.records import Comment, CommentNotFoundError, CommentSource
from db.session import as_utc, column_text, head_row, reading, utc_now, writing
from playbook import PHASES, Phase

SOURCES: Final[tuple[str, ...]] = get_args(CommentSource)


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
) -> Comment:
    """Add a comment by `author` on `phase` (and `component`) of `design_id`, optionally of one
    revision; raise ValueError naming the field when a part is empty, too long or unknown."""
    author, body = _text("author", author, SHORT_TEXT), _text("body", body, COMMENT_TEXT)
    _check_choices(phase, source, component)
    component = None if component is None else column_text(component)
    now = utc_now()
    with writing(engine) as session:
        latest = head_row(session, design_id).latest_revision
        if revision is not None and not 1 <= revision <= latest:
            raise ValueError(f"revision: design {design_id} has 1 to {latest}, not {revision}")
        row = CommentRow(
            design_id=design_id, author=author, body=body, phase=phase,
            component=component, revision=revision, source=source, created_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return _comment(row)


def list_comments(
    engine: Engine, design_id: int, *, include_resolved: bool = True
) -> list[Comment]:
    """Return the comments on `design_id`, oldest first (the order of the conversation)."""
    query = select(CommentRow).where(CommentRow.design_id == design_id)
    if not include_resolved:
        query = query.where(CommentRow.resolved_at.is_(None))
    with reading(engine) as session:
        head_row(session, design_id)
        rows = session.scalars(query.order_by(CommentRow.created_at, CommentRow.id))
        return [_comment(row) for row in rows]


def resolve_comment(engine: Engine, comment_id: int) -> None:
    """Mark comment `comment_id` resolved (resolving twice is fine)."""
    with writing(engine) as session:
        row = session.get(CommentRow, comment_id)
        if row is None:
            raise CommentNotFoundError(comment_id)
        if row.resolved_at is None:
            row.resolved_at = utc_now()


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


def _comment(row: CommentRow) -> Comment:
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
    )
