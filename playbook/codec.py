"""Read, write and edit designs, turning validation failures into messages a user can act on."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from playbook.catalog import retirement_notice
from playbook.design import Design, Phase, catalog_for


class DesignError(ValueError):
    """A design (or a change to one) is invalid; `problems` names each field and what it allows."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def dump_design(design: Design) -> str:
    """Return the design as indented JSON, with `schema_version`, losslessly re-readable."""
    return design.model_dump_json(indent=2)


def parse_design(text: str | bytes) -> Design:
    """Return the design in `text` (JSON), or raise `DesignError` naming every bad field."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DesignError([f"not valid JSON: {exc}"]) from exc
    return design_from_data(data)


def design_from_data(data: Any) -> Design:
    """Return the design in a decoded JSON value, or raise `DesignError` naming every bad field."""
    if not isinstance(data, dict):
        raise DesignError([f"a design is a JSON object, not {type(data).__name__}"])
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(_problems(exc)) from exc


def update_design(design: Design, phase: Phase, **changes: Any) -> Design:
    """Return a copy of `design` with `changes` applied to one phase, validated as a whole."""
    data = design.model_dump(mode="json")
    data[phase] = {**data[phase], **changes}
    updated = design_from_data(data)
    if phase == "model":
        refuse_retired_choice(design, updated, today=date.today())
    return updated


def refuse_retired_choice(before: Design, after: Design, *, today: date) -> None:
    """Raise `DesignError` if `after` newly picks a hosted model retired by `today`.

    A saved design that already holds a retired model still loads and keeps it; only a new
    choice is refused, with the successor named.
    """
    catalog = catalog_for(after)
    for field in ("hosted_model", "large_model"):
        chosen = getattr(after.model, field)
        if chosen == getattr(before.model, field):
            continue
        model = next((m for m in catalog.hosted_models if m.id == chosen), None)
        if model is not None and model.retired(today):
            notice = retirement_notice(catalog, chosen, today)
            raise DesignError([f"model.{field}: {notice}"])


def retitle_design(design: Design, **changes: str) -> Design:
    """Return a copy of `design` with new title, scenario or author, validated."""
    return design_from_data({**design.model_dump(mode="json"), **changes})


def _problems(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:
            # Whole-design checks name their own fields in the message.
            problems.extend(message.split("; "))
            continue
        where = ".".join(str(part) for part in error["loc"])
        got = error.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        problems.append(f"{where}: {message}{shown}")
    return problems


CustomKind = Literal["custom_models", "custom_gpus", "components"]


def add_custom_entry(design: Design, kind: CustomKind, entry: dict[str, Any]) -> Design:
    """Return a copy of `design` with its own model or GPU added (validated, ids unique)."""
    current = [item.model_dump(mode="json") for item in getattr(design, kind)]
    if any(item["id"] == entry.get("id") for item in current):
        raise DesignError([f"{kind}: this design already has an entry with id {entry.get('id')!r}"])
    data = design.model_dump(mode="json")
    data[kind] = [*current, entry]
    return design_from_data(data)


def remove_custom_entry(design: Design, kind: CustomKind, entry_id: str) -> Design:
    """Return a copy of `design` without one of its own models or GPUs, unless it is in use."""
    users = [
        field
        for field, value in (
            ("model.open_model", design.model.open_model),
            ("model.small_model", design.model.small_model),
            ("model.large_model", design.model.large_model),
            ("serving.gpu", design.serving.gpu),
        )
        if value == entry_id
    ]
    if users:
        in_use = ", ".join(users)
        raise DesignError([f"{kind}: {entry_id!r} is in use by {in_use}; change that first"])
    data = design.model_dump(mode="json")
    data[kind] = [item for item in data[kind] if item["id"] != entry_id]
    return design_from_data(data)


def remove_component(design: Design, component_id: str) -> Design:
    """Return a copy of `design` without one of its own components, and without links to it."""
    data = design.model_dump(mode="json")
    data["components"] = [
        {**item, "connects_to": [c for c in item["connects_to"] if c != component_id]}
        for item in data["components"]
        if item["id"] != component_id
    ]
    return design_from_data(data)
