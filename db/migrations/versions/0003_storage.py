"""Drafts and mock interviews in the database, not on one replica's disk.

`interviews` holds each mock interview, under way (its session, written through its draft) or
finished (with the final design and the scorecard). `drafts` holds each browser session's unsaved
state under the SHA-256 of the key in its URL. Both have a nullable `owner` for sign-in later.

Revision ID: 0003_storage
Revises: 0003_llm
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_storage"
down_revision: str | Sequence[str] | None = "0003_llm"  # chained after main's 0003_llm
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.func.current_timestamp()  # not now(): SQLite has no now()


def _timestamp(name: str, *, nullable: bool = False, default: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=_NOW if default else None,
        nullable=nullable,
    )


def upgrade() -> None:
    """Create `interviews` and `drafts`."""
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("prompt_id", sa.String(length=64), nullable=False),
        sa.Column("session", sa.Text(), nullable=False),
        sa.Column("design", sa.Text(), nullable=True),
        sa.Column("scorecard", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        _timestamp("started_at"),
        _timestamp("finished_at", nullable=True),
        _timestamp("updated_at", default=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    op.create_index(op.f("ix_interviews_finished_at"), "interviews", ["finished_at"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unsaved", sa.Boolean(), nullable=False),
        sa.Column("design", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("opened_design_id", sa.Integer(), nullable=True),
        sa.Column(
            "interview_id",
            sa.String(length=64),
            sa.ForeignKey(
                "interviews.id",
                ondelete="SET NULL",
                name=op.f("fk_drafts_interview_id_interviews"),
            ),
            nullable=True,
        ),
        sa.Column("owner", sa.String(length=200), nullable=True),
        _timestamp("created_at", default=True),
        _timestamp("updated_at", default=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_drafts_key_sha256")),
    )
    op.create_index(op.f("ix_drafts_interview_id"), "drafts", ["interview_id"])
    op.create_index("ix_drafts_unsaved_updated_at", "drafts", ["unsaved", "updated_at"])


def downgrade() -> None:
    """Drop `drafts` and `interviews` (export finished interviews first to keep them)."""
    op.drop_table("drafts")
    op.drop_table("interviews")
