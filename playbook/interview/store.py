"""Where finished interviews are kept: a protocol that `db.interviews` implements."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from playbook.design import Design
from playbook.interview.scorecard import Scorecard
from playbook.interview.session import InterviewSession


class SavedInterview(BaseModel):
    """A finished interview as kept: the session, its final design and its scorecard."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session: InterviewSession
    design: Design
    scorecard: Scorecard


class InterviewNotFoundError(LookupError):
    """No saved interview has this id."""


class InterviewStoreError(OSError):
    """The store could not keep or read interviews (say, the database is unreachable)."""


class InterviewStore(Protocol):
    """Saves finished interviews and lists them back."""

    def save(self, saved: SavedInterview) -> None:
        """Keep `saved`, replacing an earlier save of the same session."""

    def load(self, session_id: str) -> SavedInterview:
        """Return the saved interview `session_id`, or raise `InterviewNotFoundError`."""

    def list(self, *, limit: int = 200) -> tuple[SavedInterview, ...]:
        """Return up to `limit` saved interviews, most recently finished first."""
