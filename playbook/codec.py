"""Read, write and edit designs, turning validation failures into messages a user can act on."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from playbook.catalog import retirement_notice
from playbook.design import Design, ModelChoice, Phase, Serving, catalog_for, label_of
from playbook.errors import validation_messages


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
    return design_from_data(decode_json(text))


def decode_json(text: str | bytes) -> Any:
    """Return decoded JSON, or raise `DesignError`: a key twice in one object is an error too.

    `NaN` and `Infinity` are not JSON numbers and are refused; a number too large for a float
    (`1e400`) decodes to infinity, which validation refuses with the field's label.
    """
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except DuplicateKeyError as exc:
        raise DesignError([str(exc)]) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise DesignError([f"file: not valid JSON: {exc}"]) from exc
    except RecursionError as exc:
        raise DesignError(["file: nested too deeply to be a design"]) from exc


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice; which value was meant is unknowable."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(
                f"file: the key {key[:60]!r} appears twice in one object; keep one of them"
            )
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def design_from_data(data: Any) -> Design:
    """Return the design in a decoded JSON value, or raise `DesignError` naming every bad field."""
    if not isinstance(data, dict):
        raise DesignError([f"a design is a JSON object, not {type(data).__name__}"])
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(validation_messages(exc)) from exc


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
            raise DesignError([f"{label_of(ModelChoice, field)}: {notice}"])


def retitle_design(design: Design, **changes: str) -> Design:
    """Return a copy of `design` with new title, scenario or author, validated."""
    return design_from_data({**design.model_dump(mode="json"), **changes})


CustomKind = Literal["custom_models", "custom_gpus", "components"]


def add_custom_entry(design: Design, kind: CustomKind, entry: dict[str, Any]) -> Design:
    """Return a copy of `design` with its own model or GPU added (validated, ids unique)."""
    current = [item.model_dump(mode="json") for item in getattr(design, kind)]
    if any(item["id"] == entry.get("id") for item in current):
        where = label_of(Design, kind)
        raise DesignError([f"{where} {str(entry.get('id'))[:64]!r}: the id is already in use"])
    data = design.model_dump(mode="json")
    data[kind] = [*current, entry]
    return design_from_data(data)


def remove_custom_entry(design: Design, kind: CustomKind, entry_id: str) -> Design:
    """Return a copy of `design` without one of its own models or GPUs, unless it is in use."""
    users = [
        label_of(part, field)
        for part, field, value in (
            (ModelChoice, "open_model", design.model.open_model),
            (ModelChoice, "small_model", design.model.small_model),
            (ModelChoice, "large_model", design.model.large_model),
            (Serving, "gpu", design.serving.gpu),
        )
        if value == entry_id
    ]
    if users:
        in_use = ", ".join(users)
        where = label_of(Design, kind)
        raise DesignError([f"{where} {entry_id!r}: in use as {in_use}; change that first"])
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
