"""Revisions, share links and review comments; `designs` becomes the head row.

Each existing design's body becomes its revision 1 (saved by its author, at its last change);
`designs` keeps the list columns, gains the newest revision number, a case-folded search column
and a soft-delete mark, and loses the body.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.func.current_timestamp()  # not now(): SQLite has no now()


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=None if nullable else _NOW,
        nullable=nullable,
    )


def _design_fk() -> sa.Column[int]:
    return sa.Column(
        "design_id",
        sa.Integer(),
        sa.ForeignKey("designs.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    """Create revisions, share links and comments; move every body into its revision 1."""
    _create_revisions()
    op.execute(
        "INSERT INTO design_revisions "
        "(design_id, number, title, author, schema_version, body, created_at) "
        "SELECT id, 1, title, author, schema_version, body, updated_at FROM designs"
    )
    with op.batch_alter_table("designs") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("latest_revision", sa.Integer(), nullable=True))
        batch.add_column(_timestamp("deleted_at", nullable=True))
    _fill_head_columns()
    # On SQLite this recreates `designs`; db.migrate turns foreign keys off while it runs, so
    # dropping the old table does not cascade into the revisions that now point at it.
    with op.batch_alter_table("designs") as batch:
        batch.alter_column("search_text", existing_type=sa.Text(), nullable=False)
        batch.alter_column("latest_revision", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("body")
        batch.drop_column("schema_version")
        batch.create_index("ix_designs_scenario", ["scenario"])
        batch.create_index("ix_designs_author", ["author"])
        batch.create_index(
            "ix_designs_deleted_at_updated_at_id", ["deleted_at", "updated_at", "id"]
        )
    _create_share_links()
    _create_comments()


def _create_revisions() -> None:
    op.create_table(
        "design_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        _design_fk(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_design_revisions")),
        sa.UniqueConstraint(
            "design_id", "number", name=op.f("uq_design_revisions_design_id_number")
        ),
    )


def _fill_head_columns() -> None:
    # Case-folded in Python, as the app does: SQL lower() differs between the two backends.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title, scenario, author FROM designs")).all()
    update = sa.text("UPDATE designs SET search_text = :text, latest_revision = 1 WHERE id = :id")
    for design_id, title, scenario, author in rows:
        text = "\n".join(part.casefold() for part in (title, scenario, author))
        bind.execute(update, {"text": text, "id": design_id})


def _create_share_links() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        _design_fk(),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_share_links_token_sha256")),
    )
    op.create_index(op.f("ix_share_links_design_id"), "share_links", ["design_id"])


def _create_comments() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        _design_fk(),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("component", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        _timestamp("created_at"),
        _timestamp("resolved_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_design_id"), "comments", ["design_id"])


def downgrade() -> None:
    """Put each design's newest body back on `designs`; drop revisions, links and comments."""
    with op.batch_alter_table("designs") as batch:
        batch.add_column(sa.Column("schema_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
    newest = (
        "FROM design_revisions r WHERE r.design_id = designs.id "
        "AND r.number = designs.latest_revision"
    )
    op.execute(
        f"UPDATE designs SET body = (SELECT r.body {newest}), "  # noqa: S608 - fixed text
        f"schema_version = (SELECT r.schema_version {newest})"
    )
    op.drop_table("comments")
    op.drop_table("share_links")
    op.drop_table("design_revisions")
    with op.batch_alter_table("designs") as batch:
        batch.alter_column("schema_version", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch.drop_index("ix_designs_deleted_at_updated_at_id")
        batch.drop_index("ix_designs_author")
        batch.drop_index("ix_designs_scenario")
        batch.drop_column("deleted_at")
        batch.drop_column("latest_revision")
        batch.drop_column("search_text")
