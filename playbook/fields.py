"""What a design field is called, measured in and allowed to hold, declared beside the field.

Every field of a design part is declared with `meta(...)`: its default and bounds (as pydantic's
`Field` takes them) together with the label, unit, help and display names a user sees:

    ttft_ms: int = meta(800, ge=50, le=60_000, label="Time to first token, TTFT", unit="ms")

They are kept on the pydantic field itself (title, description, JSON-schema extras), so the
JSON schema shows them too. Pages, the compare view, the report and error messages read them
through `field_meta` and `field_bounds`; nothing restates them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BaseModel, Field
from pydantic_core import PydanticUndefined


@dataclass(frozen=True)
class FieldMeta:
    """The user-facing description of one field: label, unit, help and display names."""

    label: str
    unit: str = ""
    help: str = ""
    # Display name of each allowed value, for enumerated fields (and tuples of them).
    choices: Mapping[str, str] = field(default_factory=dict)
    # For a dict field edited one key at a time: the display name of each key.
    items: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Return the label with its unit, as widgets and messages show it."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def shown(self, value: str) -> str:
        """Return the display name of one allowed value (the value itself when it has none)."""
        return self.choices.get(value, value)


def meta(
    default: Any = PydanticUndefined,
    *,
    label: str,
    unit: str = "",
    help: str = "",
    choices: Mapping[str, str] | None = None,
    items: Mapping[str, str] | None = None,
    default_factory: Callable[[], Any] | None = None,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    max_length: int | None = None,
) -> Any:
    """Return a pydantic field with its bounds and what a user sees of it (label, unit, help)."""
    extra: dict[str, Any] = {"unit": unit}
    if choices:
        extra["choices"] = dict(choices)
    if items:
        extra["items"] = dict(items)
    if default_factory is not None:
        return Field(
            default_factory=default_factory,
            title=label,
            description=help or None,
            json_schema_extra=extra,
            ge=ge,
            le=le,
            gt=gt,
            max_length=max_length,
        )
    return Field(
        default,
        title=label,
        description=help or None,
        json_schema_extra=extra,
        ge=ge,
        le=le,
        gt=gt,
        max_length=max_length,
    )


def _names(found: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


@dataclass(frozen=True)
class Bounds:
    """The range a number field accepts (inclusive unless `*_open`), or a text's length."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    max_length: int | None = None


def field_meta(model: type[BaseModel], name: str) -> FieldMeta | None:
    """Return the metadata of `model.name`, or None when the field has none."""
    info = model.model_fields.get(name)
    if info is None or info.title is None:
        return None
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    choices, items = extra.get("choices"), extra.get("items")
    return FieldMeta(
        label=info.title,
        unit=str(extra.get("unit", "")),
        help=info.description or "",
        choices=_names(choices),
        items=_names(items),
    )


def field_bounds(model: type[BaseModel], name: str) -> Bounds:
    """Return the range of `model.name` from its pydantic constraints (empty when unbounded)."""
    found: dict[str, Any] = {}
    for item in model.model_fields[name].metadata:
        if isinstance(item, Ge):
            found["low"] = item.ge
        elif isinstance(item, Gt):
            found.update(low=item.gt, low_open=True)
        elif isinstance(item, Le):
            found["high"] = item.le
        elif isinstance(item, Lt):
            found.update(high=item.lt, high_open=True)
        elif isinstance(item, MaxLen):
            found["max_length"] = item.max_length
    return Bounds(**found)


def described_fields(model: type[BaseModel]) -> dict[str, FieldMeta]:
    """Return every field of `model` that has metadata, in declaration order."""
    found = {name: field_meta(model, name) for name in model.model_fields}
    return {name: value for name, value in found.items() if value is not None}


def nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """Return the model class a field holds (directly or as tuple items), if it holds one."""
    info = model.model_fields.get(name)
    return None if info is None else _model_in(info.annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if (found := _model_in(arg)) is not None:
            return found
    return None
