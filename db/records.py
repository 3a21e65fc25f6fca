"""What the database API hands back (frozen pydantic models, never ORM rows) and its errors."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from playbook import Design, Phase

CommentSource = Literal["reviewer", "rubric"]
Role = Literal["owner", "editor", "reviewer"]
GrantRole = Literal["editor", "reviewer"]
WORKSPACE: Final = "*"  # the grantee that stands for every signed-in user
SHARE_LINK_MESSAGE: Final = "This share link is not valid: it may have expired or been revoked."


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DesignSummary(_Record):
    """What a list of saved designs shows for each one (its newest revision)."""

    id: int
    title: str
    scenario: str
    author: str
    updated_at: datetime
    revision: int
    deleted: bool
    owner: str = "local"  # the user id that created it
    role: Role = "owner"  # what the user who listed or loaded it may do with it


class Grant(_Record):
    """Who a design is shared with (a user id, or "*" for the workspace) and as what."""

    design_id: int
    grantee: str
    role: GrantRole
    created_at: datetime


class Page(_Record):
    """One page of a list of designs and how many match in all."""

    items: tuple[DesignSummary, ...]
    total: int


class RevisionSummary(_Record):
    """One save of a design, as its history lists it."""

    number: int
    created_at: datetime
    author: str
    title: str


class SaveResult(_Record):
    """A saved revision; `conflict` when someone else saved after the base it was built on."""

    summary: DesignSummary
    revision: int
    conflict: bool
    message: str


class ShareLink(_Record):
    """A new read-only link; the only time its token is known (only its hash is stored)."""

    id: int
    design_id: int
    token: str
    expires_at: datetime | None
    allow_comments: bool = False


class ShareLinkSummary(_Record):
    """A share link as its design's list shows it: no token."""

    id: int
    design_id: int
    created_at: datetime
    expires_at: datetime | None
    revoked: bool
    allow_comments: bool = False


class SharedDesign(_Record):
    """What a share token grants: one design's newest revision, and comments if the link allows."""

    design_id: int
    design: Design
    revision: int
    revisions: int  # how many the design has: the link shows the newest, so the same number
    saved_at: datetime
    saved_by: str
    allow_comments: bool


class Comment(_Record):
    """A review comment on a phase, and optionally a component, of a saved design."""

    id: int
    design_id: int
    author: str
    body: str
    phase: Phase
    component: str | None
    revision: int | None
    created_at: datetime
    resolved: bool
    source: CommentSource
    mine: bool = False  # written from the browser session whose author token was given


class CommentPage(_Record):
    """One page of a design's comment thread (oldest first) and what the whole thread holds."""

    items: tuple[Comment, ...]
    offset: int
    total: int
    open: int


class DesignNotFoundError(LookupError):
    """No saved design has the requested id."""

    def __init__(self, design_id: int) -> None:
        self.design_id = design_id
        super().__init__(f"no saved design has id {design_id}")


class RevisionNotFoundError(DesignNotFoundError):
    """The saved design exists but has no revision with the requested number."""

    def __init__(self, design_id: int, revision: int, latest: int) -> None:
        super().__init__(design_id)
        self.revision = revision
        self.args = (f"design {design_id} has no revision {revision} (it has 1 to {latest})",)


class ShareLinkError(LookupError):
    """A share token is unknown, expired, revoked or malformed: one message for all of them."""

    def __init__(self) -> None:
        super().__init__(SHARE_LINK_MESSAGE)


class ShareLinkNotFoundError(LookupError):
    """No share link has the requested id."""

    def __init__(self, link_id: int) -> None:
        self.link_id = link_id
        super().__init__(f"no share link has id {link_id}")


class CommentNotFoundError(LookupError):
    """No comment has the requested id."""

    def __init__(self, comment_id: int) -> None:
        self.comment_id = comment_id
        super().__init__(f"no comment has id {comment_id}")


class ShareCommentsClosedError(PermissionError):
    """A visitor tried to comment through a share link that does not allow comments."""

    def __init__(self) -> None:
        super().__init__("This link does not allow comments.")


class CommentNotDeletableError(PermissionError):
    """A visitor tried to delete a comment that is not theirs (or not on the shared design)."""

    def __init__(self) -> None:
        super().__init__("Only comments written from this browser session can be deleted here.")


class AccessDeniedError(PermissionError):
    """The acting user may not do this with this design: it is not theirs, nor shared with them
    in a role that allows it (reading, commenting, saving a revision, or the owner's actions)."""

    def __init__(self, design_id: int, action: str) -> None:
        self.design_id = design_id
        self.action = action
        super().__init__(f"design #{design_id}: you may not {action} it")


AccessDenied = AccessDeniedError  # the short name the issue uses


class DesignImportError(ValueError):
    """An import was refused and nothing was saved; `problems` names each bad field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))
