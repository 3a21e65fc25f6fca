"""Where the app keeps mock interviews: the database the app is configured with.

`default_store()` is `db.DbInterviewStore` on the app's engine, so every replica and backup has
them. The JSON files older versions wrote under `INTERVIEW_DATA_DIR` are read only by
`python -m db import-interviews DIR`. `MemoryInterviewStore` is the fake for tests.
"""

from __future__ import annotations

from db import DbInterviewStore
from playbook.interview import InterviewNotFoundError, SavedInterview
from ui import identity, resources


def _newest_first(items: list[SavedInterview], limit: int) -> tuple[SavedInterview, ...]:
    ordered = sorted(items, key=lambda item: item.scorecard.finished_at, reverse=True)
    return tuple(ordered[:limit])


class MemoryInterviewStore:
    """Interviews kept in a dict for the life of the object."""

    def __init__(self) -> None:
        self._saved: dict[str, SavedInterview] = {}

    def save(self, saved: SavedInterview) -> None:
        """Keep `saved`, replacing an earlier save of the same session."""
        self._saved[saved.session.id] = saved

    def load(self, session_id: str) -> SavedInterview:
        """Return the saved interview `session_id`, or raise `InterviewNotFoundError`."""
        try:
            return self._saved[session_id]
        except KeyError:
            raise InterviewNotFoundError(f"no saved interview {session_id!r}") from None

    def list(self, *, limit: int = 200) -> tuple[SavedInterview, ...]:
        """Return up to `limit` saved interviews, most recently finished first."""
        return _newest_first(list(self._saved.values()), limit)


def default_store() -> DbInterviewStore:
    """Return the signed-in user's (or the single user's) interviews on the app's database."""
    return DbInterviewStore(resources.engine(), owner=identity.user_id())
