"""Widgets bound to one field of the design: seeded from it before drawing, written back on change.

The design in session state is the single source of truth. Streamlit drops a widget's state when
its page is not drawn, so each widget is re-seeded from the design on every run, and its
`on_change` callback validates the new value into the design before the rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from playbook import DesignError, retitle_design, update_design
from playbook.design import Phase
from ui import state

Format = Callable[[Any], str]


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
    label: str,
    *,
    min_value: float,
    max_value: float,
    step: float | None = None,
    help: str | None = None,
    disabled: bool = False,
) -> Any:
    """Draw a slider bound to `phase.field`."""
    return st.slider(
        label, min_value, max_value, step=step, help=help, disabled=disabled,
        **_bind(phase, field),
    )  # fmt: skip


def stepped_slider(
    phase: Phase,
    field: str,
    label: str,
    *,
    options: Sequence[float],
    format_func: Format = str,
    help: str | None = None,
) -> Any:
    """Draw a slider over fixed steps (e.g. 1, 2, 5, 10, ...), keeping an off-grid current value."""
    current = _current(phase, field, None)
    steps = sorted({*options, current})
    return st.select_slider(
        label, options=steps, format_func=format_func, help=help, **_bind(phase, field)
    )


def number(
    phase: Phase,
    field: str,
    label: str,
    *,
    min_value: int,
    max_value: int,
    step: int = 1,
    help: str | None = None,
) -> Any:
    """Draw a whole-number input bound to `phase.field`: any value the field allows."""
    return st.number_input(
        label, min_value=min_value, max_value=max_value, step=step, help=help,
        **_bind(phase, field),
    )  # fmt: skip


def select(
    phase: Phase | None,
    field: str,
    label: str,
    *,
    options: Sequence[str],
    format_func: Format = str,
    item: str | None = None,
    help: str | None = None,
    disabled: bool = False,
    horizontal_radio: bool = False,
) -> Any:
    """Draw a select box (or horizontal radio) bound to a field, or to one item of a dict field."""
    common: dict[str, Any] = {
        "options": list(options), "format_func": format_func, "help": help, "disabled": disabled,
        **_bind(phase, field, item),
    }  # fmt: skip
    if horizontal_radio:
        return st.radio(label, horizontal=True, **common)
    return st.selectbox(label, **common)


def multiselect(
    phase: Phase,
    field: str,
    label: str,
    *,
    options: Sequence[str],
    format_func: Format = str,
    help: str | None = None,
) -> Any:
    """Draw a multiselect bound to a tuple field."""
    return st.multiselect(
        label, options=list(options), format_func=format_func, help=help, **_bind(phase, field)
    )


def toggle(
    phase: Phase, field: str, label: str, *, help: str | None = None, disabled: bool = False
) -> Any:
    """Draw a toggle bound to a boolean field."""
    return st.toggle(label, help=help, disabled=disabled, **_bind(phase, field))


def text(phase: Phase | None, field: str, label: str, *, placeholder: str = "") -> Any:
    """Draw a one-line text input bound to a text field."""
    return st.text_input(label, placeholder=placeholder, **_bind(phase, field))


def long_text(phase: Phase, field: str, label: str, *, placeholder: str) -> Any:
    """Draw a multi-line text box bound to a text field."""
    return st.text_area(label, placeholder=placeholder, height=110, **_bind(phase, field))


def notes(phase: Phase, *, placeholder: str) -> Any:
    """Draw the phase's notes box."""
    return long_text(phase, "notes", "Notes for this phase", placeholder=placeholder)


def show_edit_error() -> None:
    """Show the message of the last change that was refused, if any."""
    message = st.session_state.get(state.EDIT_ERROR)
    if message:
        st.error(message)
