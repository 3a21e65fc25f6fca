"""Ask before discarding unsaved work: an action waits for the user's yes in a dialog.

A widget callback calls `ask` instead of acting; the page that run draws (`state.show_flash`,
which every page calls) opens a dialog saying what would be lost, with the action's button and
Cancel. Opening the dialog hands it the action and forgets it, so a dialog closed with its X
never comes back on another page. Nothing is discarded until the user clicks the action's
button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

import streamlit as st

PENDING: Final = "confirm.pending"
CONFIRM_BUTTON: Final = "confirm.yes"
CANCEL_BUTTON: Final = "confirm.cancel"


class Pending(NamedTuple):
    """An action waiting for the user's yes: what the dialog says, and what it then runs."""

    title: str
    text: str  # Markdown, every user-written part already escaped
    label: str  # the confirm button's label, naming what it discards
    action: Callable[..., None]
    args: tuple[Any, ...]


def ask(
    *, title: str, text: str, label: str, action: Callable[..., None], args: tuple[Any, ...] = ()
) -> None:
    """Hold `action(*args)` until the user confirms it in the dialog this run opens."""
    st.session_state[PENDING] = Pending(title, text, label, action, args)


def pending() -> Pending | None:
    """Return the action waiting for a yes, if any."""
    value = st.session_state.get(PENDING)
    return value if isinstance(value, Pending) else None


def _yes(waiting: Pending) -> None:
    waiting.action(*waiting.args)


def _body(waiting: Pending) -> None:
    st.markdown(waiting.text)
    yes, no = st.columns(2)
    # The callback acts before the rerun; st.rerun then closes the dialog (a fragment).
    clicked = yes.button(
        waiting.label, key=CONFIRM_BUTTON, on_click=_yes, args=(waiting,), type="primary",
        width="stretch",
    )  # fmt: skip
    clicked |= no.button("Cancel", key=CANCEL_BUTTON, width="stretch")
    if clicked:
        st.rerun()


def show() -> None:
    """Open the dialog for the waiting action, if there is one, and forget it here."""
    waiting = pending()
    st.session_state.pop(PENDING, None)
    if waiting is not None:
        dialog = st.dialog(waiting.title, icon=":material/warning:")
        dialog(_body)(waiting)
