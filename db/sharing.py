"""Read-only share links: a random token handed out once, only its SHA-256 kept."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Final

from sqlalchemy import Engine, select

from db.designs import design_from_body
from db.models import DesignRow, RevisionRow, ShareLinkRow
from db.records import ShareLink, ShareLinkError, ShareLinkNotFoundError, ShareLinkSummary
from db.session import as_utc, head_row, reading, utc_now, writing
from playbook import Design

TOKEN_BYTES: Final = 32  # 256 random bits; token_urlsafe writes them as 43 characters
_TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{43}")


def create_share_link(
    engine: Engine, design_id: int, *, expires_at: datetime | None = None
) -> ShareLink:
    """Create a read-only link to `design_id`; the returned token is not stored anywhere."""
    now = utc_now()
    expires = None if expires_at is None else as_utc(expires_at)
    if expires is not None and expires <= now:
        raise ValueError(f"expires_at: must be in the future, not {expires:%Y-%m-%d %H:%M} UTC")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with writing(engine) as session:
        if head_row(session, design_id).deleted_at is not None:
            raise ValueError(f"design {design_id} is deleted: restore it before sharing it")
        row = ShareLinkRow(
            design_id=design_id, token_sha256=_digest(token), created_at=now, expires_at=expires
        )
        session.add(row)
        session.flush()
        return ShareLink(id=row.id, design_id=design_id, token=token, expires_at=expires)


def resolve_share_link(
    engine: Engine, token: str, *, now: datetime | None = None
) -> tuple[int, Design]:
    """Return the id and newest revision of the design a token shares, read-only.

    An unknown, malformed, expired or revoked token, or one whose design was deleted, raises
    `ShareLinkError` with one message, so a visitor learns nothing about which it was.
    """
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        raise ShareLinkError
    query = (
        select(ShareLinkRow.expires_at, ShareLinkRow.revoked_at, DesignRow.id, RevisionRow.body)
        .join(DesignRow, DesignRow.id == ShareLinkRow.design_id)
        .join(
            RevisionRow,
            (RevisionRow.design_id == DesignRow.id)
            & (RevisionRow.number == DesignRow.latest_revision),
        )
        .where(ShareLinkRow.token_sha256 == _digest(token), DesignRow.deleted_at.is_(None))
    )
    with reading(engine) as session:
        row = session.execute(query).first()
    moment = utc_now() if now is None else as_utc(now)
    if row is None or row.revoked_at is not None:
        raise ShareLinkError
    if row.expires_at is not None and as_utc(row.expires_at) <= moment:
        raise ShareLinkError
    return row.id, design_from_body(row.body, where=f"saved design {row.id}")


def list_share_links(engine: Engine, design_id: int) -> list[ShareLinkSummary]:
    """Return the share links of `design_id`, newest first, without their tokens."""
    query = (
        select(ShareLinkRow)
        .where(ShareLinkRow.design_id == design_id)
        .order_by(ShareLinkRow.created_at.desc(), ShareLinkRow.id.desc())
    )
    with reading(engine) as session:
        head_row(session, design_id)
        return [
            ShareLinkSummary(
                id=row.id,
                design_id=row.design_id,
                created_at=as_utc(row.created_at),
                expires_at=None if row.expires_at is None else as_utc(row.expires_at),
                revoked=row.revoked_at is not None,
            )
            for row in session.scalars(query)
        ]


def revoke_share_link(engine: Engine, link_id: int) -> None:
    """Stop share link `link_id` from working, at once and for good (revoking twice is fine)."""
    with writing(engine) as session:
        row = session.get(ShareLinkRow, link_id)
        if row is None:
            raise ShareLinkNotFoundError(link_id)
        if row.revoked_at is None:
            row.revoked_at = utc_now()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()
