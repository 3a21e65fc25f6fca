"""Owners and access: every design, comment and share link has an owner; designs can be shared
with named people or the whole workspace as reviewer or editor.

`designs.owner`, `comments.author_id` and `share_links.created_by` are added with the value
"local" (the one user of the app without sign-in), so everything saved before sign-in stays the
local user's. `design_access` holds the grants: (design, grantee, role), grantee a user id or "*".

Revision ID: 0004_owners
Revises: 0003_share
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_owners"
down_revision: str | Sequence[str] | None = "0003_share"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOCAL = "local"


def _owner_column(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=200), nullable=False, server_default=_LOCAL)


def upgrade() -> None:
    """Add the three owner columns (existing rows: "local") and create `design_access`."""
    # Not batch mode for the parent table (see downgrade): ADD COLUMN is native everywhere.
    op.add_column("designs", _owner_column("owner"))
    op.create_index("ix_designs_owner", "designs", ["owner"])
    with op.batch_alter_table("comments") as batch:
        batch.add_column(_owner_column("author_id"))
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(_owner_column("created_by"))
    op.create_table(
        "design_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "design_id",
            sa.Integer(),
            sa.ForeignKey(
                "designs.id", ondelete="CASCADE", name=op.f("fk_design_access_design_id_designs")
            ),
            nullable=False,
        ),
        sa.Column("grantee", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),  # not now(): SQLite has no now()
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_design_access")),
        sa.UniqueConstraint(
            "design_id", "grantee", name=op.f("uq_design_access_design_id_grantee")
        ),
    )
    op.create_index("ix_design_access_grantee", "design_access", ["grantee"])


def downgrade() -> None:
    """Drop the grants and the owner columns (everything becomes the single user's again)."""
    op.drop_index("ix_design_access_grantee", table_name="design_access")
    op.drop_table("design_access")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("created_by")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("author_id")
    op.drop_index("ix_designs_owner", table_name="designs")
    # Not batch mode: on SQLite it would copy and drop `designs`, and dropping the parent table
    # cascades to every revision, comment and link. DROP COLUMN is native since SQLite 3.35.
    op.execute("ALTER TABLE designs DROP COLUMN owner")
