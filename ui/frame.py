"""What every phase page draws around its widgets: heading, messages, and the way on."""

from __future__ import annotations

import streamlit as st

from playbook.clock import PHASE_BOX_MIN
from playbook.design import Phase
from ui import navigation, state, widgets


def phase_header(phase: Phase, *, ask: str) -> None:
    """Draw the phase's title, its time box and question, and any pending message."""
    spec = navigation.spec_of(phase)
    st.title(spec.title)
    st.caption(f"Time box: {PHASE_BOX_MIN[phase]} min · {ask}")
    state.show_flash()
    widgets.show_edit_error()


def phase_footer(phase: Phase) -> None:
    """Draw the notes box and a link to the next page."""
    st.divider()
    widgets.notes(phase, placeholder="Assumptions, trade-offs, what you would ask the interviewer")
    after = navigation.next_page(phase)
    st.page_link(after.path, label=f"Next: {after.title}", icon=":material/arrow_forward:")
