"""Share links: a random token handed out once, only its SHA-256 kept.

A token grants exactly this: reading the newest revision of one design, and, when the owner
allowed it on creating the link, adding comments to it and deleting the comments written from
the same browser session. Every visitor function here takes the token, not a design id, and
checks it inside the same transaction as the work, so a revoked link stops at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.access import LOCAL, require
from db.comments import PAGE_SIZE, add_comment_in, comment_page_in, live_row, token_digest
from db.designs import design_from_body
from db.models import DesignRow, RevisionRow, ShareLinkRow
from db.records import (
    Comment,
    CommentNotDeletableError,
    CommentNotFoundError,
    CommentPage,
    ShareCommentsClosedError,
    SharedDesign,
    ShareLink,
    ShareLinkError,
    ShareLinkNotFoundError,
    ShareLinkSummary,
)
from db.session import as_utc, head_row, reading, utc_now, writing
from playbook import Design, Phase

TOKEN_BYTES: Final = 32  # 256 random bits; token_urlsafe writes them as 43 characters
_TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{43}")


def create_share_link(
    engine: Engine,
    design_id: int,
    *,
    expires_at: datetime | None = None,
    allow_comments: bool = False,
    user: str = LOCAL,
) -> ShareLink:
    """Create a read-only link to `design_id` as `user` (its owner), letting visitors comment
    only when `allow_comments`; the returned token is not stored anywhere."""
    now = utc_now()
    expires = None if expires_at is None else as_utc(expires_at)
    if expires is not None and expires <= now:
        raise ValueError(f"expires_at: must be in the future, not {expires:%Y-%m-%d %H:%M} UTC")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with writing(engine) as session:
        if require(session, design_id, user, "owner", "share")[0].deleted_at is not None:
            raise ValueError(f"design {design_id} is deleted: restore it before sharing it")
        row = ShareLinkRow(
            design_id=design_id, token_sha256=_digest(token), created_at=now, expires_at=expires,
            allow_comments=allow_comments, created_by=user,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return ShareLink(
            id=row.id, design_id=design_id, token=token, expires_at=expires,
            allow_comments=allow_comments,
        )  # fmt: skip


def resolve_share_link(
    engine: Engine, token: str, *, now: datetime | None = None
) -> tuple[int, Design]:
    """Return the id and newest revision of the design a token shares, read-only."""
    shared = open_shared_design(engine, token, now=now)
    return shared.design_id, shared.design


def open_shared_design(engine: Engine, token: str, *, now: datetime | None = None) -> SharedDesign:
    """Return what `token` grants: its design's newest revision, when it was saved, and whether
    the link allows comments.

    An unknown, malformed, expired or revoked token, or one whose design was deleted, raises
    `ShareLinkError` with one message, so a visitor learns nothing about which it was.
    """
    with reading(engine) as session:
        return _shared_design(session, _granting_link(session, token, now))


def open_shared_view(
    engine: Engine,
    token: str,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    author_token: str | None = None,
    now: datetime | None = None,
) -> tuple[SharedDesign, CommentPage]:
    """Return what `open_shared_design` and `shared_comment_page` return, read in one session
    with the token checked once: the shared view's every rerun needs both."""
    with reading(engine) as session:
        link = _granting_link(session, token, now)
        page = comment_page_in(
            session, link.design_id, offset=offset, limit=limit, author_token=author_token
        )
        return _shared_design(session, link), page


def _shared_design(session: Session, link: ShareLinkRow) -> SharedDesign:
    query = (
        select(RevisionRow)
        .join(DesignRow, DesignRow.id == RevisionRow.design_id)
        .where(
            RevisionRow.design_id == link.design_id,
            RevisionRow.number == DesignRow.latest_revision,
        )
    )
    revision = session.scalars(query).one()
    return SharedDesign(
        design_id=link.design_id,
        design=design_from_body(revision.body, where=f"saved design {link.design_id}"),
        revision=revision.number,
        revisions=revision.number,
        saved_at=as_utc(revision.created_at),
        saved_by=revision.author,
        allow_comments=link.allow_comments,
    )


def shared_comment_page(
    engine: Engine,
    token: str,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    author_token: str | None = None,
    now: datetime | None = None,
) -> CommentPage:
    """Return a page of the comments on the design `token` shares (see `comment_page`)."""
    with reading(engine) as session:
        link = _granting_link(session, token, now)
        return comment_page_in(
            session, link.design_id, offset=offset, limit=limit, author_token=author_token
        )


def add_shared_comment(
    engine: Engine,
    token: str,
    *,
    author_token: str,
    author: str,
    body: str,
    phase: Phase,
    component: str | None = None,
    source: str = "reviewer",
    now: datetime | None = None,
) -> Comment:
    """Comment through a share link on the revision it shows; raise `ShareCommentsClosedError`
    when the link does not allow comments. `author_token` lets this session delete it later."""
    with writing(engine) as session:
        link = _granting_link(session, token, now)
        if not link.allow_comments:
            raise ShareCommentsClosedError
        return add_comment_in(
            session, link.design_id, author=author, body=body, phase=phase, component=component,
            revision=head_row(session, link.design_id).latest_revision, source=source,
            author_token=author_token, author_id=f"share:{link.id}",
        )  # fmt: skip


def delete_shared_comment(
    engine: Engine,
    token: str,
    comment_id: int,
    *,
    author_token: str,
    now: datetime | None = None,
) -> None:
    """Delete a comment written through a share link from the browser session holding
    `author_token`; any other comment raises `CommentNotDeletableError`."""
    with writing(engine) as session:
        link = _granting_link(session, token, now)
        try:
            row = live_row(session, comment_id)
        except CommentNotFoundError:
            raise CommentNotDeletableError from None
        mine = row.author_token_sha256 is not None and secrets.compare_digest(
            row.author_token_sha256, token_digest(author_token)
        )
        if row.design_id != link.design_id or not mine:
            raise CommentNotDeletableError
        row.deleted_at = utc_now()


def _granting_link(session: Session, token: str, now: datetime | None) -> ShareLinkRow:
    """Return the link row `token` opens, or raise `ShareLinkError` (one message for all)."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        raise ShareLinkError
    query = (
        select(ShareLinkRow)
        .join(DesignRow, DesignRow.id == ShareLinkRow.design_id)
        .where(ShareLinkRow.token_sha256 == _digest(token), DesignRow.deleted_at.is_(None))
    )
    link = session.scalars(query).first()
    moment = utc_now() if now is None else as_utc(now)
    if link is None or link.revoked_at is not None:
        raise ShareLinkError
    if link.expires_at is not None and as_utc(link.expires_at) <= moment:
        raise ShareLinkError
    return link


def list_share_links(
    engine: Engine, design_id: int, *, user: str = LOCAL
) -> list[ShareLinkSummary]:
    """Return the share links of `design_id`, newest first, without their tokens (owner only)."""
    query = (
        select(ShareLinkRow)
        .where(ShareLinkRow.design_id == design_id)
        .order_by(ShareLinkRow.created_at.desc(), ShareLinkRow.id.desc())
    )
    with reading(engine) as session:
        require(session, design_id, user, "owner", "list the share links of")
        return [
            ShareLinkSummary(
                id=row.id,
                design_id=row.design_id,
                created_at=as_utc(row.created_at),
                expires_at=None if row.expires_at is None else as_utc(row.expires_at),
                revoked=row.revoked_at is not None,
                allow_comments=row.allow_comments,
            )
            for row in session.scalars(query)
        ]


def revoke_share_link(engine: Engine, link_id: int, *, user: str = LOCAL) -> None:
    """Stop share link `link_id` from working, at once and for good, as `user` (the owner of its
    design; revoking twice is fine)."""
    with writing(engine) as session:
        row = session.get(ShareLinkRow, link_id)
        if row is None:
            raise ShareLinkNotFoundError(link_id)
        require(session, row.design_id, user, "owner", "revoke a share link of")
        if row.revoked_at is None:
            row.revoked_at = utc_now()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()
