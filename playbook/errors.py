"""One road from a pydantic `ValidationError` on a design to messages a user can act on.

Each message names the field by the label its page shows ("Chunk overlap (tokens): must be at
most 4,096"), never by its path (`retrieval.chunk_overlap_tokens`). Pages, widgets, the importer
and the command line all get their messages from `validation_messages`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any, Final, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from playbook.fields import FieldMeta, field_meta, nested_model

MAX_SHOWN_INPUT: Final = 40

# What each kind of pydantic error means, in the words of a form (ctx values filled in).
_MEANINGS: Final = {
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "greater_than": "must be more than {gt}",
    "finite_number": "must be a finite number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "must be a whole number of a sensible size",
    "float_parsing": "must be a number",
    "float_type": "must be a number of a sensible size",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "string_too_long": "must be at most {max_length} characters",
    "string_too_short": "must not be empty",
    "too_long": "must have at most {max_length} items",
    "too_short": "must have at least {min_length} items",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "missing": "is required",
    "literal_error": "must be one of: {expected}",
    "string_pattern_mismatch": "has characters that are not allowed",
}


def validation_messages(exc: ValidationError) -> list[str]:
    """Return one message per error in `exc` on a `Design`, each naming the field by its label."""
    messages = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        where = _Where.of(error["loc"])
        if error["type"] == "value_error":
            # A validator's message names its own fields; an entry's gets the entry's name.
            parts = message.split("; ") if not error["loc"] else [message]
            prefix = f"{where.entry} · " if where.entry and not where.field else ""
            shown = f"{where.text}: " if where.field else prefix
            messages += [f"{shown}{part}" for part in parts]
        elif error["type"] == "extra_forbidden":
            messages.append(f"{where.parent or 'The design'}: no field {where.key!r}; remove it")
        else:
            messages.append(f"{where.text}: {_meaning(error, where.meta)}")
    return messages


def _meaning(error: ErrorDetails, described: FieldMeta | None) -> str:
    template = _MEANINGS.get(error["type"])
    if template is None:
        return error["msg"][:1].lower() + error["msg"][1:]
    context = {key: _number(value) for key, value in error.get("ctx", {}).items()}
    if error["type"] == "literal_error":
        context["expected"] = _choices(error, described)
    if error["type"] == "string_pattern_mismatch" and described and described.help:
        return f"must be {described.help[:1].lower()}{described.help[1:].rstrip('.')}"
    text = template.format(**context)
    got = _shown_input(error.get("input"))
    return f"{text}, not {got}" if got and error["type"] != "missing" else text


def _choices(error: ErrorDetails, described: FieldMeta | None) -> str:
    if described and described.choices:
        return ", ".join(described.choices.values())
    return str(error.get("ctx", {}).get("expected", ""))


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return f"{value:,}" if isinstance(value, int) or value.is_integer() else f"{value:,g}"


def _shown_input(value: Any) -> str:
    # Big or nested inputs are not repeated back: the message names the field and the rule.
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}" if abs(value) < 10**15 else f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, str) and len(value) <= MAX_SHOWN_INPUT:
        return repr(value)
    return ""


class _Where:
    """Where an error is, in the labels of the page: the field, its section and its entry."""

    def __init__(self) -> None:
        self.section = ""  # a phase's label ("Retrieval")
        self.entry = ""  # an own entry ("Own component 3")
        self.field = ""  # the field's title ("Chunk size (tokens)")
        self.meta: FieldMeta | None = None
        self.key = ""  # the last key of the location, for unknown fields
        self.parent = ""  # where the unknown field was found

    @property
    def text(self) -> str:
        """Return the field's name as a message starts with it."""
        head = self.entry or (self.section if self.field in _ambiguous_titles() else "")
        body = self.field or self.entry or self.section or "The design"
        return f"{head} · {body}" if head and self.field else body

    @classmethod
    def of(cls, loc: Sequence[int | str]) -> _Where:
        from playbook.design import Design  # the import is circular at module level

        where, model = cls(), cast("type[BaseModel] | None", Design)
        items = list(loc)
        while items:
            part = items.pop(0)
            where.key = str(part)
            where.parent = where.text if (where.field or where.entry or where.section) else ""
            if model is None or not isinstance(part, str) or part not in model.model_fields:
                continue  # a list index, a dict key or a pydantic wrapper name
            model = where._enter(model, part, items)
        return where

    def _enter(
        self, model: type[BaseModel], name: str, rest: list[int | str]
    ) -> type[BaseModel] | None:
        described = field_meta(model, name) or _custom_meta(model, name)
        inner = nested_model(model, name)
        label = described.label if described else name
        if inner is not None and rest and isinstance(index := rest[0], int):
            rest.pop(0)
            self.entry = f"{label} {index + 1}"  # a list of own entries
            return inner
        if inner is not None:
            self.section = label
            return inner
        self.field, self.meta = (described.title if described else name), described
        if described and described.items and rest and isinstance(rest[0], str):
            key = str(rest.pop(0))
            self.field = f"{described.label} for {described.items.get(key, key)[:60]}"
        return None


def _custom_meta(model: type[BaseModel], name: str) -> FieldMeta | None:
    # The design's own models and GPUs are catalog entries; their labels live with their bounds.
    from playbook.design import CUSTOM_GPU_FIELDS, CUSTOM_MODEL_FIELDS

    for table in (CUSTOM_MODEL_FIELDS, CUSTOM_GPU_FIELDS):
        if name in table and name in model.model_fields:
            return FieldMeta(label=table[name][0])
    return FieldMeta(label=name.replace("_", " ").capitalize())


@cache
def _ambiguous_titles() -> frozenset[str]:
    """Return the field titles more than one part of a design uses ('Notes'): shown with it."""
    from playbook.design import Design

    titles: Counter[str] = Counter()
    for name in Design.model_fields:
        part = nested_model(Design, name)
        if part is None:
            continue
        for field in part.model_fields:
            if described := field_meta(part, field):
                titles[described.title] += 1
    return frozenset(title for title, count in titles.items() if count > 1)
