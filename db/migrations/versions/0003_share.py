"""Share links say whether they allow comments; comments can be deleted and know their author's
browser session.

`share_links.allow_comments`: links made before this migration let every visitor comment, so
they keep allowing comments (the column is added with the value true); new links are read-only
unless the owner ticks "Allow comments" (the column's default becomes false afterwards).

`comments.deleted_at` marks a deleted comment (a soft delete: the row stays, the thread hides
it); `comments.author_token_sha256` is the SHA-256 of the token a share-link visitor's browser
session holds, so that session can delete what it wrote. Existing comments get neither.

Revision ID: 0003_share
Revises: 0003_storage
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_share"
down_revision: str | Sequence[str] | None = "0003_storage"  # chained after main's newest
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add allow_comments (true for existing links, false by default) and the comment columns."""
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(
            sa.Column("allow_comments", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("share_links") as batch:
        batch.alter_column(
            "allow_comments", existing_type=sa.Boolean(), existing_nullable=False,
            server_default=sa.false(),
        )  # fmt: skip
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("author_token_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop the three columns; deleted comments are removed for good, as 0002 cannot hide them."""
    op.execute("DELETE FROM comments WHERE deleted_at IS NOT NULL")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("author_token_sha256")
        batch.drop_column("deleted_at")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("allow_comments")
