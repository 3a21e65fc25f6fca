"""Bring a decoded design JSON from an older schema version up to the current one.

Each step takes the data of version N to version N+1; `migrate_design_data` runs them in order,
so a design saved or exported by any earlier release loads today. A future change to `Design`
that renames or moves a field bumps `SCHEMA_VERSION` and adds one step here.

The first (and so far only) step is 0 -> 1. Version 0 is the shape before versioning, and it
has no `schema_version` at all:

- the design's title was called `name`;
- the phases' notes lived in one top-level `notes` object keyed by phase
  (`{"notes": {"constraints": "...", "serving": "..."}}`) instead of a `notes` field on each phase.

Everything else is as in version 1. The steps only rearrange data; `design_from_data` validates
the result and names any field that is still wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playbook.codec import DesignError
from playbook.design import PHASES, SCHEMA_VERSION, Design, label_of

Step = Callable[[dict[str, Any]], dict[str, Any]]


def migrate_design_data(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a decoded design at the current schema version, or raise `DesignError`."""
    if not isinstance(data, dict):
        raise DesignError([f"a design is a JSON object, not {type(data).__name__}"])
    version = _version(data)
    migrated = dict(data)
    for step in range(version, SCHEMA_VERSION):
        migrated = STEPS[step](migrated)
        migrated["schema_version"] = step + 1
    return migrated


def _version(data: dict[str, Any]) -> int:
    version = data.get("schema_version", 0)
    # bool is an int in Python, but `true` is not a version.
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        shown = repr(version)[:40]
        raise DesignError(
            [f"schema_version: must be one of 0 (or absent) to {SCHEMA_VERSION}, not {shown}"]
        )
    if version > SCHEMA_VERSION:
        raise DesignError(
            [
                f"schema_version: {version} is newer than this app understands "
                f"(up to {SCHEMA_VERSION}); update the app to open this design"
            ]
        )
    return version


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 -> 1: `name` becomes `title`; top-level `notes` move onto their phases."""
    migrated = dict(data)
    title = label_of(Design, "title")
    if "name" in migrated:
        if "title" in migrated:
            raise DesignError([f"{title}: a version 0 design has `name` or `title`, not both"])
        migrated["title"] = migrated.pop("name")
    notes = migrated.pop("notes", {})
    if not isinstance(notes, dict):
        raise DesignError(
            [f"Notes: in a version 0 design, an object of phase to text, not {_kind(notes)}"]
        )
    phases = ", ".join(PHASES)
    for phase, text in notes.items():
        if phase not in PHASES:
            raise DesignError([f"Notes: {str(phase)[:40]!r} is not a phase; one of: {phases}"])
        part = migrated.get(phase, {})
        where = label_of(Design, phase)
        if not isinstance(part, dict):
            raise DesignError([f"{where}: must be an object, not {_kind(part)}"])
        if "notes" in part:
            raise DesignError(
                [f"{where} · Notes: given twice, in the version 0 notes and on the phase; "
                 "keep one of them"]
            )  # fmt: skip
        migrated[phase] = {**part, "notes": text}
    return migrated


def _kind(value: object) -> str:
    return type(value).__name__


STEPS: dict[int, Step] = {0: _v0_to_v1}
