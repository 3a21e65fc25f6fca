"""The ORM tables; these classes never leave `db/` (the API speaks pydantic models).

`designs` is the head row of a saved design: copies of its newest revision's title, scenario and
author for the list view, plus the soft-delete mark. Every save adds a `design_revisions` row;
none is ever updated, so no save can overwrite another.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
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
COMMENT_TEXT = 5_000
PHASE_TEXT = 20  # the longest phase name is "constraints"
SOURCE_TEXT = 20
KEY_TEXT = 64  # interview session ids and prompt ids are at most 64 characters
ROLE_TEXT = 20  # "reviewer" or "editor"
LOCAL_OWNER = "local"  # the one user of the app without sign-in; owns every row made before 0004

# current_timestamp, not now(): the same migration then runs on SQLite and PostgreSQL.
_NOW = func.current_timestamp()


class Base(DeclarativeBase):
    """Declarative base whose metadata is Alembic's migration target."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DesignRow(Base):
    """A saved design's head: what the list shows, its newest revision number, deleted or not."""

    __tablename__ = "designs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(SHORT_TEXT), index=True)
    scenario: Mapped[str] = mapped_column(String(SHORT_TEXT), index=True)
    author: Mapped[str] = mapped_column(String(SHORT_TEXT), index=True)
    # Title, scenario and author case-folded in Python, so search ignores case the same way
    # on both backends (SQLite's lower() only folds ASCII).
    search_text: Mapped[str] = mapped_column(Text)
    latest_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The user id ("oidc:<sub>", or "local" without sign-in) who created the design.
    owner: Mapped[str] = mapped_column(String(SHORT_TEXT), server_default=LOCAL_OWNER, index=True)

    __table_args__ = (
        Index("ix_designs_updated_at", "updated_at"),
        # The list's filter and order in one index: a page is read without sorting the table.
        Index("ix_designs_deleted_at_updated_at_id", "deleted_at", "updated_at", "id"),
    )


class RevisionRow(Base):
    """One save of a design: the whole design as JSON, never changed once written."""

    __tablename__ = "design_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(SHORT_TEXT))
    author: Mapped[str] = mapped_column(String(SHORT_TEXT))
    schema_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)

    # Two writers that both computed the same next number cannot both succeed.
    __table_args__ = (UniqueConstraint("design_id", "number"),)


class ShareLinkRow(Base):
    """A read-only link to a design, which may allow comments; only its token's SHA-256 is kept."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    allow_comments: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_by: Mapped[str] = mapped_column(String(SHORT_TEXT), server_default=LOCAL_OWNER)


class CommentRow(Base):
    """A review comment on a phase (and optionally a component) of a design."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(SHORT_TEXT))
    body: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(PHASE_TEXT))
    component: Mapped[str | None] = mapped_column(String(SHORT_TEXT))
    revision: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(SOURCE_TEXT))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SHA-256 of the token a share-link visitor's browser session holds: lets that session
    # delete what it wrote without the app knowing who anyone is. None for the owner's comments.
    author_token_sha256: Mapped[str | None] = mapped_column(String(64))
    # Who wrote it: the signed-in user's id, "local" without sign-in, "share:<link id>" for a
    # share-link visitor (whose own session is known by the token above).
    author_id: Mapped[str] = mapped_column(String(SHORT_TEXT), server_default=LOCAL_OWNER)


class DesignAccessRow(Base):
    """A grant: `grantee` (a user id, or "*" for every signed-in user) may review or edit."""

    __tablename__ = "design_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id", ondelete="CASCADE"))
    grantee: Mapped[str] = mapped_column(String(SHORT_TEXT), index=True)
    role: Mapped[str] = mapped_column(String(ROLE_TEXT))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)

    # One role per person per design: granting again changes the role.
    __table_args__ = (UniqueConstraint("design_id", "grantee"),)


class LlmUsageRow(Base):
    """One LLM call on the server's key: who, which model, when, and the tokens it used.

    No key, prompt or answer is kept: only what the budget counts.
    """

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SHORT_TEXT))
    model: Mapped[str] = mapped_column(String(SHORT_TEXT))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tokens: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(SOURCE_TEXT))  # running, answered, failed

    # The budget reads one user's last 24 hours.
    __table_args__ = (Index("ix_llm_usage_user_id_started_at", "user_id", "started_at"),)


class InterviewRow(Base):
    """A mock interview: under way (written through its draft) or finished (with its result)."""

    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(KEY_TEXT), primary_key=True)  # the session id
    prompt_id: Mapped[str] = mapped_column(String(KEY_TEXT))
    session: Mapped[str] = mapped_column(Text)  # the InterviewSession as JSON
    design: Mapped[str | None] = mapped_column(Text)  # the final design, once finished
    scorecard: Mapped[str | None] = mapped_column(Text)  # the Scorecard as JSON, once finished
    owner: Mapped[str | None] = mapped_column(String(SHORT_TEXT))  # for sign-in, later
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)


class DraftRow(Base):
    """A browser session's unsaved state, found by the SHA-256 of the key in its URL."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(SHORT_TEXT))
    unsaved: Mapped[bool] = mapped_column(Boolean)
    design: Mapped[str] = mapped_column(Text)  # the design as JSON (migrated like revisions)
    state: Mapped[str] = mapped_column(Text)  # opened-from, saved digest and clock as JSON
    opened_design_id: Mapped[int | None] = mapped_column(Integer)
    interview_id: Mapped[str | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )
    owner: Mapped[str | None] = mapped_column(String(SHORT_TEXT))  # for sign-in, later
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_NOW)

    # The library's list: unsaved drafts, newest first, read without sorting the table.
    __table_args__ = (Index("ix_drafts_unsaved_updated_at", "unsaved", "updated_at"),)
