"""Every `st.session_state` key the app uses, and typed access to the values behind them."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from playbook import Design
from playbook.clock import InterviewClock

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
    """Show and forget the queued message, if any."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)
