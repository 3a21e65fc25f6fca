"""Finished interviews kept in memory (tests) or as one JSON file each under a data directory.

`INTERVIEW_DATA_DIR` names the directory (default `<repo>/data/interviews/`). A file is written
whole to a temporary name and renamed into place, so a reader never sees half a file and two
app processes saving different sessions never clash. A file that does not parse (edited by hand,
from a newer version) is skipped when listing rather than hiding every other interview.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from playbook.interview import InterviewNotFoundError, SavedInterview

ENV_VAR: Final = "INTERVIEW_DATA_DIR"
DEFAULT_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "interviews"
_SAFE_ID = re.compile(r"^[a-f0-9]{8,64}$")


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


class JsonInterviewStore:
    """Interviews kept as `<session id>.json` files in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, session_id: str) -> Path:
        # The id becomes a file name: only hex digits, so it cannot climb out of the directory.
        if not _SAFE_ID.match(session_id):
            raise InterviewNotFoundError(f"{session_id!r} is not an interview id")
        return self.directory / f"{session_id}.json"

    def save(self, saved: SavedInterview) -> None:
        """Write `saved` to its file atomically, replacing an earlier save of the same session."""
        target = self._path(saved.session.id)
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(saved.model_dump_json(indent=1))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, session_id: str) -> SavedInterview:
        """Return the saved interview `session_id`, or raise `InterviewNotFoundError`."""
        path = self._path(session_id)
        try:
            return SavedInterview.model_validate_json(path.read_text("utf-8"))
        except FileNotFoundError:
            raise InterviewNotFoundError(f"no saved interview {session_id!r}") from None
        except ValidationError as exc:
            raise InterviewNotFoundError(f"saved interview {session_id!r} is unreadable") from exc

    def list(self, *, limit: int = 200) -> tuple[SavedInterview, ...]:
        """Return up to `limit` readable saved interviews, most recently finished first."""
        if not self.directory.is_dir():
            return ()
        found = []
        for path in self.directory.glob("*.json"):
            try:
                found.append(SavedInterview.model_validate_json(path.read_text("utf-8")))
            except (OSError, ValidationError):
                continue
        return _newest_first(found, limit)


def interview_dir() -> Path:
    """Return the directory from `INTERVIEW_DATA_DIR`, or `<repo>/data/interviews/`."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else DEFAULT_DIR


def default_store() -> JsonInterviewStore:
    """Return the JSON-file store in `interview_dir()`."""
    return JsonInterviewStore(interview_dir())
