"""Every `st.session_state` key the app uses, and typed access to the values behind them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import streamlit as st

from playbook import Design
from playbook.clock import InterviewClock
from playbook.draft_keys import BLANK_DIGEST, design_digest
from ui import confirm

# Plain (non-widget) keys survive page switches; widget keys are re-seeded from these.
DESIGN = "design"
CLOCK = "interview_clock"
FLASH = "flash"
EDIT_ERROR = "edit_error"

# Widget keys are "<phase>.<field>" (see ui.widgets); these few are outside any phase.
TITLE_INPUT = "library.title"

# The library (ui.library): the saved design and revision the edited one was opened from,
# the page of the list, the design whose details are open, and one-shot messages.
LIBRARY_OPENED = "library.opened"
LIBRARY_PAGE = "library.page"
LIBRARY_SELECTED = "library.selected"
LIBRARY_PROBLEM = "library.problem"
LIBRARY_NOTICE = "library.notice"
LIBRARY_NEW_LINK = "library.new_link"

# The mock interview (ui.interview): the session under way (or just finished) and its save.
INTERVIEW = "interview.session"
INTERVIEW_SAVED = "interview.saved"

# The draft (ui.drafts): the key in the URL, its row, the digest last written, a failure note;
# the digest of the design as last loaded or saved; the action waiting for "discard?" (ui.confirm).
DRAFT_KEY = "draft.key"
DRAFT_ID = "draft.id"
DRAFT_DIGEST = "draft.digest"
DRAFT_PROBLEM = "draft.problem"
DESIGN_SAVED = "design.saved_digest"
CONFIRM = confirm.PENDING

# The clock reads time through this hook so tests can drive it with a fake.
clock_source: Callable[[], float] = time.time


def now() -> float:
    """Return the current time in seconds, from the (replaceable) clock source."""
    return clock_source()


def design() -> Design:
    """Return the design being edited, creating the default one on first use."""
    if DESIGN not in st.session_state:
        st.session_state[DESIGN] = Design()
    value = st.session_state[DESIGN]
    assert isinstance(value, Design)
    return value


def set_design(value: Design) -> None:
    """Replace the design being edited."""
    st.session_state[DESIGN] = value


class Opened(NamedTuple):
    """Where the edited design came from: the saved design, the revision loaded, and the base."""

    design_id: int
    revision: int
    base: int  # the newest revision when it was opened (or last saved): what a save builds on


def mark_saved(value: Design | None) -> None:
    """Record `value` as the design last loaded or saved (None: a new design, never saved)."""
    if value is None:
        st.session_state.pop(DESIGN_SAVED, None)
    else:
        st.session_state[DESIGN_SAVED] = design_digest(value)


def saved_digest() -> str | None:
    """Return the digest of the design last loaded or saved, or None for a new design."""
    value = st.session_state.get(DESIGN_SAVED)
    return value if isinstance(value, str) else None


def has_unsaved_design() -> bool:
    """Whether the edited design differs from the one last loaded or saved (or a blank one)."""
    return design_digest(design()) != (saved_digest() or BLANK_DIGEST)


def clock() -> InterviewClock:
    """Return the interview clock, stopped at zero on first use."""
    if CLOCK not in st.session_state:
        st.session_state[CLOCK] = InterviewClock()
    value = st.session_state[CLOCK]
    assert isinstance(value, InterviewClock)
    return value


def set_clock(value: InterviewClock) -> None:
    """Replace the interview clock."""
    st.session_state[CLOCK] = value


def flash(message: str) -> None:
    """Queue a success message to show once on the next page drawn."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    """Show and forget the queued message, if any, and ask about an action waiting for a yes."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)
    # Every page calls this; the dialog must open from inside the page's own script.
    confirm.show()
