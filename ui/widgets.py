"""Widgets bound to one field of the design: seeded from it before drawing, written back on change.

Each widget's label, help and choice names come from the field's metadata in `playbook.design`
(`playbook.fields.FieldMeta`); a page names the field, never restates its label.

The design in session state is the single source of truth. Streamlit drops a widget's state when
its page is not drawn, so each widget is re-seeded from the design on every run, and its
`on_change` callback validates the new value into the design before the rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from playbook import Design, DesignError, retitle_design, sanitize, update_design
from playbook.design import Phase
from playbook.fields import FieldMeta, field_bounds, field_meta, nested_model
from ui import state

Format = Callable[[Any], str]


def meta_of(phase: Phase | None, field: str) -> FieldMeta:
    """Return the metadata of a design field (`phase.field`, or `field` of the design itself)."""
    owner = Design if phase is None else nested_model(Design, phase)
    found = field_meta(owner, field) if owner is not None else None
    if found is None:
        raise KeyError(f"the design has no described field {phase or 'design'}.{field}")
    return found


def _label(phase: Phase | None, field: str, label: str | None, item: str | None = None) -> str:
    described = meta_of(phase, field)
    if label is not None:
        return label  # only for a label built from data, e.g. with a state appended
    if item is not None:
        return described.items.get(item, item)
    return described.title


def _help(phase: Phase | None, field: str, help: str | None) -> str | None:
    return help if help is not None else (meta_of(phase, field).help or None)


def _format(phase: Phase | None, field: str, format_func: Format | None) -> Format:
    if format_func is not None:
        return format_func
    described = meta_of(phase, field)
    return described.shown if described.choices else str


def key_of(phase: Phase | None, field: str, item: str | None = None) -> str:
    """Return the widget key for a design field (`phase.field[.item]`, `design.field` outside)."""
    parts = [phase or "design", field] + ([item] if item else [])
    return ".".join(parts)


def _current(phase: Phase | None, field: str, item: str | None) -> Any:
    owner = state.design() if phase is None else getattr(state.design(), phase)
    value = getattr(owner, field)
    if item is not None:
        value = value[item]
    return list(value) if isinstance(value, tuple) else value


def _seed(phase: Phase | None, field: str, item: str | None = None) -> str:
    key = key_of(phase, field, item)
    st.session_state[key] = _current(phase, field, item)
    return key


def _commit(phase: Phase | None, field: str, item: str | None = None) -> None:
    value = st.session_state[key_of(phase, field, item)]
    if item is not None:
        value = {**_current(phase, field, None), item: value}
    try:
        if phase is None:
            updated = retitle_design(state.design(), **{field: value})
        else:
            updated = update_design(state.design(), phase, **{field: value})
    except DesignError as exc:
        # The design keeps its last valid value; the widget is re-seeded from it on the rerun.
        # The message names the field by its label (playbook.errors).
        st.session_state[state.EDIT_ERROR] = f"Not changed: {exc}"
        return
    st.session_state.pop(state.EDIT_ERROR, None)
    state.set_design(updated)


def _bind(phase: Phase | None, field: str, item: str | None = None) -> dict[str, Any]:
    return {
        "key": _seed(phase, field, item),
        "on_change": _commit,
        "args": (phase, field, item),
    }


def slider(
    phase: Phase,
    field: str,
    label: str | None = None,
    *,
    min_value: float,
    max_value: float,
    step: float | None = None,
    help: str | None = None,
    disabled: bool = False,
) -> Any:
    """Draw a slider bound to `phase.field`."""
    return st.slider(
        _label(phase, field, label), min_value, max_value, step=step,
        help=_help(phase, field, help), disabled=disabled, **_bind(phase, field),
    )  # fmt: skip


def stepped_slider(
    phase: Phase,
    field: str,
    label: str | None = None,
    *,
    options: Sequence[float],
    format_func: Format = str,
    help: str | None = None,
) -> Any:
    """Draw a slider over fixed steps (e.g. 1, 2, 5, 10, ...), keeping an off-grid current value."""
    current = _current(phase, field, None)
    steps = sorted({*options, current})
    return st.select_slider(
        _label(phase, field, label), options=steps, format_func=format_func,
        help=_help(phase, field, help), **_bind(phase, field),
    )  # fmt: skip


def number(
    phase: Phase,
    field: str,
    label: str | None = None,
    *,
    min_value: int,
    max_value: int,
    step: int = 1,
    help: str | None = None,
) -> Any:
    """Draw a whole-number input bound to `phase.field`: any value the field allows."""
    return st.number_input(
        _label(phase, field, label), min_value=min_value, max_value=max_value, step=step,
        help=_help(phase, field, help), **_bind(phase, field),
    )  # fmt: skip


def select(
    phase: Phase | None,
    field: str,
    label: str | None = None,
    *,
    options: Sequence[str] | None = None,
    format_func: Format | None = None,
    item: str | None = None,
    help: str | None = None,
    disabled: bool = False,
    horizontal_radio: bool = False,
) -> Any:
    """Draw a select box (or horizontal radio) bound to a field, or to one item of a dict field.

    Options default to the field's choices, shown by their display names.
    """
    choices = options if options is not None else list(meta_of(phase, field).choices)
    common: dict[str, Any] = {
        "options": list(choices), "format_func": _format(phase, field, format_func),
        "help": _help(phase, field, help), "disabled": disabled, **_bind(phase, field, item),
    }  # fmt: skip
    shown = _label(phase, field, label, item)
    if horizontal_radio:
        return st.radio(shown, horizontal=True, **common)
    return st.selectbox(shown, **common)


def multiselect(
    phase: Phase,
    field: str,
    label: str | None = None,
    *,
    options: Sequence[str] | None = None,
    format_func: Format | None = None,
    help: str | None = None,
) -> Any:
    """Draw a multiselect bound to a tuple field (options default to the field's choices)."""
    choices = options if options is not None else list(meta_of(phase, field).choices)
    return st.multiselect(
        _label(phase, field, label), options=list(choices),
        format_func=_format(phase, field, format_func), help=_help(phase, field, help),
        **_bind(phase, field),
    )  # fmt: skip


def toggle(
    phase: Phase,
    field: str,
    label: str | None = None,
    *,
    help: str | None = None,
    disabled: bool = False,
) -> Any:
    """Draw a toggle bound to a boolean field."""
    return st.toggle(
        _label(phase, field, label), help=_help(phase, field, help), disabled=disabled,
        **_bind(phase, field),
    )  # fmt: skip


def text(
    phase: Phase | None, field: str, label: str | None = None, *, placeholder: str = ""
) -> Any:
    """Draw a one-line text input bound to a text field."""
    return st.text_input(
        _label(phase, field, label), placeholder=placeholder, max_chars=_max_chars(phase, field),
        **_bind(phase, field),
    )  # fmt: skip


def long_text(phase: Phase, field: str, label: str | None = None, *, placeholder: str) -> Any:
    """Draw a multi-line text box bound to a text field."""
    return st.text_area(
        _label(phase, field, label), placeholder=placeholder, height=110,
        max_chars=_max_chars(phase, field), help=_help(phase, field, None), **_bind(phase, field),
    )  # fmt: skip


def _max_chars(phase: Phase | None, field: str) -> int | None:
    owner = Design if phase is None else nested_model(Design, phase)
    return field_bounds(owner, field).max_length if owner is not None else None


def notes(phase: Phase, *, placeholder: str) -> Any:
    """Draw the phase's notes box."""
    return long_text(phase, "notes", placeholder=placeholder)


def show_edit_error() -> None:
    """Show the message of the last change that was refused, if any."""
    message = st.session_state.get(state.EDIT_ERROR)
    if message:
        st.error(sanitize.markdown(message))  # it may quote what the user typed
