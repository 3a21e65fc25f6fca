"""Persistence for designs: SQLite by default, PostgreSQL when `DATABASE_URL` says so.

Every function takes the engine first and returns pydantic models from `db.records`, never ORM
rows. Saves add revisions and never overwrite; deletes are soft; share links keep only a hash.
Drafts and mock interviews are kept by `DbDraftStore` and `DbInterviewStore`, the stores the
domain's protocols ask for.
"""

from db.access import design_role, grant_access, list_access, revoke_access
from db.backup import backup_database
from db.bulk import save_designs
from db.comments import add_comment, comment_page, delete_comment, list_comments, resolve_comment
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
    resolve_share_link,
    revoke_share_link,
    shared_comment_page,
)
from db.transfer import export_design, import_design, parse_import

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
