"""A draft: the unsaved state of one browser session, kept so a reload or a restart loses nothing.

A draft holds the design being edited, which saved design and revision it was opened from, the
digest of the design as it was last loaded or saved (to tell unsaved edits from none), the
interview clock, and the interview under way. Storage is a protocol (`DraftStore`) the database
layer implements; the draft's key is a bearer secret the store keeps only as a hash.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field

from playbook.clock import InterviewClock
from playbook.design import Design
from playbook.draft_keys import (
    BLANK_DIGEST,
    KEY_BYTES,
    KEY_PATTERN,
    design_digest,
    key_hash,
    new_key,
)
from playbook.interview.session import InterviewSession

__all__ = [
    "BLANK_DIGEST", "KEY_BYTES", "KEY_PATTERN", "Digest", "Draft", "DraftNotFoundError",
    "DraftStore", "DraftStoreError", "DraftSummary", "OpenedFrom", "StoredDraft", "design_digest",
    "draft_digest", "draft_title", "has_unsaved_design", "has_unsaved_work",
    "interview_under_way", "key_hash", "new_key",
]  # fmt: skip

Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpenedFrom(_Frozen):
    """The saved design a draft was opened from: its id, the revision loaded, and the base."""

    design_id: int = Field(ge=1)
    revision: int = Field(ge=1)
    base: int = Field(ge=1)  # the newest revision when opened or last saved: what a save builds on


class Draft(_Frozen):
    """Everything one browser session would lose on a reload."""

    design: Design = Field(default_factory=Design)
    opened: OpenedFrom | None = None
    # The digest of the design as last loaded from or saved to the library (None: never saved).
    saved_digest: Digest | None = None
    clock: InterviewClock = Field(default_factory=InterviewClock)
    interview: InterviewSession | None = None


class DraftSummary(_Frozen):
    """One draft as the library lists it."""

    id: int
    title: str
    updated_at: datetime
    opened_design_id: int | None = None
    interview_prompt_id: str | None = None  # set while an interview is under way in the draft


class StoredDraft(_Frozen):
    """A draft as the store handed it back, with its row id."""

    id: int
    draft: Draft


class DraftNotFoundError(LookupError):
    """No draft has this id (discarded, or taken over by another tab)."""


class DraftStoreError(OSError):
    """The store could not keep or read drafts (say, the database is unreachable)."""


class DraftStore(Protocol):
    """Keeps drafts by key, lists the unsaved ones, discards and hands them over."""

    def save(self, key: str, draft: Draft) -> int:
        """Keep `draft` under `key` (replacing what was there); return its id."""

    def load(self, key: str) -> StoredDraft | None:
        """Return the draft kept under `key`, or None."""

    def list_unsaved(self, *, limit: int = 20) -> tuple[DraftSummary, ...]:
        """Return up to `limit` drafts with unsaved work, most recently changed first."""

    def take_over(self, draft_id: int, *, key: str) -> StoredDraft:
        """Move draft `draft_id` to `key` (its old key stops working) and return it."""

    def discard(self, draft_id: int) -> None:
        """Delete draft `draft_id` and the interview it had under way."""


def draft_digest(draft: Draft) -> str:
    """Return the SHA-256 of the whole draft, keys sorted: a write is due when it changes."""
    canonical = json.dumps(draft.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def has_unsaved_design(draft: Draft) -> bool:
    """Whether the design differs from the one last loaded or saved (or from a blank design)."""
    return design_digest(draft.design) != (draft.saved_digest or BLANK_DIGEST)


def interview_under_way(draft: Draft) -> bool:
    """Whether the draft holds an interview that has not finished."""
    return draft.interview is not None and not draft.interview.finished


def has_unsaved_work(draft: Draft) -> bool:
    """Whether discarding the draft would lose anything: design edits or a running interview."""
    return has_unsaved_design(draft) or interview_under_way(draft)


def draft_title(draft: Draft) -> str:
    """Return the title the library lists the draft under."""
    return draft.design.title.strip() or "Untitled design"
