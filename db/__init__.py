"""Persistence for designs: SQLite by default, PostgreSQL when `DATABASE_URL` says so.

Every function takes the engine first and returns pydantic models from `db.records`, never ORM
rows. Saves add revisions and never overwrite; deletes are soft; share links keep only a hash.
Drafts and mock interviews are kept by `DbDraftStore` and `DbInterviewStore`, the stores the
domain's protocols ask for.

The names below load with the module that defines them, on first use (PEP 562): `from db import
DbDraftStore` does not load Alembic (only `upgrade` does) or the interview export, and importing
`db` alone loads nothing. Type checkers read the imports under `TYPE_CHECKING`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.access import design_role, grant_access, list_access, revoke_access
    from db.backup import backup_database
    from db.bulk import save_designs
    from db.comments import (
        add_comment,
        comment_page,
        delete_comment,
        list_comments,
        resolve_comment,
    )
    from db.designs import (
        delete_design,
        duplicate_design,
        latest_revision,
        list_revisions,
        load_design,
        restore_design,
        save_design,
        save_revision,
    )
    from db.drafts import DbDraftStore
    from db.engine import DatabaseConfigError, database_url, make_engine
    from db.interviews import DbInterviewStore, ImportReport, import_interview_files
    from db.migrate import upgrade
    from db.records import (
        SHARE_LINK_MESSAGE,
        WORKSPACE,
        AccessDenied,
        AccessDeniedError,
        Comment,
        CommentNotDeletableError,
        CommentNotFoundError,
        CommentPage,
        DesignImportError,
        DesignNotFoundError,
        DesignSummary,
        Grant,
        Page,
        RevisionNotFoundError,
        RevisionSummary,
        SaveResult,
        ShareCommentsClosedError,
        SharedDesign,
        ShareLink,
        ShareLinkError,
        ShareLinkNotFoundError,
        ShareLinkSummary,
    )
    from db.search import list_designs
    from db.sharing import (
        add_shared_comment,
        create_share_link,
        delete_shared_comment,
        list_share_links,
        open_shared_design,
        open_shared_view,
        resolve_share_link,
        revoke_share_link,
        shared_comment_page,
    )
    from db.transfer import export_design, import_design, parse_import

# Each public name and the module that defines it; a test keeps this and the imports above equal.
_MODULES: dict[str, tuple[str, ...]] = {
    "db.access": ("design_role", "grant_access", "list_access", "revoke_access"),
    "db.backup": ("backup_database",),
    "db.bulk": ("save_designs",),
    "db.comments": (
        "add_comment",
        "comment_page",
        "delete_comment",
        "list_comments",
        "resolve_comment",
    ),
    "db.designs": (
        "delete_design",
        "duplicate_design",
        "latest_revision",
        "list_revisions",
        "load_design",
        "restore_design",
        "save_design",
        "save_revision",
    ),
    "db.drafts": ("DbDraftStore",),
    "db.engine": ("DatabaseConfigError", "database_url", "make_engine"),
    "db.interviews": ("DbInterviewStore", "ImportReport", "import_interview_files"),
    "db.migrate": ("upgrade",),
    "db.records": (
        "SHARE_LINK_MESSAGE",
        "WORKSPACE",
        "AccessDenied",
        "AccessDeniedError",
        "Comment",
        "CommentNotDeletableError",
        "CommentNotFoundError",
        "CommentPage",
        "DesignImportError",
        "DesignNotFoundError",
        "DesignSummary",
        "Grant",
        "Page",
        "RevisionNotFoundError",
        "RevisionSummary",
        "SaveResult",
        "ShareCommentsClosedError",
        "SharedDesign",
        "ShareLink",
        "ShareLinkError",
        "ShareLinkNotFoundError",
        "ShareLinkSummary",
    ),
    "db.search": ("list_designs",),
    "db.sharing": (
        "add_shared_comment",
        "create_share_link",
        "delete_shared_comment",
        "list_share_links",
        "open_shared_design",
        "open_shared_view",
        "resolve_share_link",
        "revoke_share_link",
        "shared_comment_page",
    ),
    "db.transfer": ("export_design", "import_design", "parse_import"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "SHARE_LINK_MESSAGE",
    "WORKSPACE",
    "AccessDenied",
    "AccessDeniedError",
    "Comment",
    "CommentNotDeletableError",
    "CommentNotFoundError",
    "CommentPage",
    "DatabaseConfigError",
    "DbDraftStore",
    "DbInterviewStore",
    "DesignImportError",
    "DesignNotFoundError",
    "DesignSummary",
    "Grant",
    "ImportReport",
    "Page",
    "RevisionNotFoundError",
    "RevisionSummary",
    "SaveResult",
    "ShareCommentsClosedError",
    "ShareLink",
    "ShareLinkError",
    "ShareLinkNotFoundError",
    "ShareLinkSummary",
    "SharedDesign",
    "add_comment",
    "add_shared_comment",
    "backup_database",
    "comment_page",
    "create_share_link",
    "database_url",
    "delete_comment",
    "delete_design",
    "delete_shared_comment",
    "design_role",
    "duplicate_design",
    "export_design",
    "grant_access",
    "import_design",
    "import_interview_files",
    "latest_revision",
    "list_access",
    "list_comments",
    "list_designs",
    "list_revisions",
    "list_share_links",
    "load_design",
    "make_engine",
    "open_shared_design",
    "open_shared_view",
    "parse_import",
    "resolve_comment",
    "resolve_share_link",
    "restore_design",
    "revoke_access",
    "revoke_share_link",
    "save_design",
    "save_designs",
    "save_revision",
    "shared_comment_page",
    "upgrade",
]


if not TYPE_CHECKING:  # type checkers see the imports above, and flag a name that is not there

    def __getattr__(name: str) -> object:
        """Load a public name from its module the first time it is asked for."""
        module = _HOME.get(name)
        if module is None:
            raise AttributeError(f"module 'db' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later look-ups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
