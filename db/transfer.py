"""Export a design as JSON, and import one: validated and migrated first, then saved whole."""

from __future__ import annotations

from typing import Any, Final, NoReturn

from sqlalchemy import Engine

from db.access import LOCAL
from db.designs import load_design, save_design
from db.records import DesignImportError, DesignSummary
from playbook import Design, DesignError, design_from_data, dump_design
from playbook.codec import decode_json
from playbook.design import size_problems
from playbook.migrations import migrate_design_data

# A design is a few kB; each of its notes is at most 10,000 characters.
MAX_IMPORT_BYTES: Final = 2_000_000
_SHOWN_PROBLEMS: Final = 20
_SHOWN_CHARS: Final = 300


def export_design(
    engine: Engine, design_id: int, *, revision: int | None = None, user: str = LOCAL
) -> str:
    """Return revision `revision` (default: the newest) of `design_id` as JSON with its version."""
    return dump_design(load_design(engine, design_id, revision=revision, user=user))


def import_design(
    engine: Engine, text: str | bytes, *, author: str = "", user: str = LOCAL
) -> DesignSummary:
    """Save the design in `text` as a new design, or raise `DesignImportError` and save nothing.

    The JSON is decoded, migrated from an older `schema_version` and validated before anything
    is written; the save itself is one transaction.
    """
    return save_design(engine, parse_import(text), author=author, user=user)


def parse_import(text: str | bytes) -> Design:
    """Return the design in an import file's text, or raise `DesignImportError` naming the field."""
    if len(text) > MAX_IMPORT_BYTES:
        _refuse([f"file: at most {MAX_IMPORT_BYTES:,} bytes, not {len(text):,}"])
    try:
        # Refuses duplicate keys, NaN and Infinity, naming the key or the problem.
        data = decode_json(text)
    except DesignError as exc:
        _refuse(exc.problems)
    if isinstance(data, dict) and (too_large := size_problems(data)):
        _refuse(too_large)  # counted before any walk over the whole file
    if path := _first_unpaired_surrogate(data):
        _refuse([f"{path}: contains an unpaired surrogate, which is not text"])
    try:
        return design_from_data(migrate_design_data(data))
    except DesignError as exc:
        _refuse(exc.problems)
    except RecursionError:
        _refuse(["file: nested too deeply to be a design"])


def _refuse(problems: list[str]) -> NoReturn:
    shown = [_clip(problem) for problem in problems[:_SHOWN_PROBLEMS]]
    if len(problems) > _SHOWN_PROBLEMS:
        shown.append(f"and {len(problems) - _SHOWN_PROBLEMS} more problems")
    raise DesignImportError(shown)


def _clip(problem: str) -> str:
    return problem if len(problem) <= _SHOWN_CHARS else problem[: _SHOWN_CHARS - 1] + "…"


def _first_unpaired_surrogate(data: Any) -> str | None:
    # JSON's \ud800 escapes decode to strings that cannot be encoded, stored or shown. Walked
    # with a stack, not recursion: the decoder already bounds the depth, this must not add to it.
    stack: list[tuple[str, Any]] = [("file", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and not _encodable(value):
            return path
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path != "file" else str(key)
                if not _encodable(key):
                    return path
                stack.append((where[:_SHOWN_CHARS], item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}", item) for index, item in enumerate(value))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
