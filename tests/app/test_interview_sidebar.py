"""The interview's countdown in the sidebar, driven by a fake clock.

As for the sidebar timer (tests/app/test_timer.py), AppTest keeps a file-page app's sidebar only
on its first run, so a harness draws it the way `app.py` would, the current page's phase in
session state.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import FakeClock

PHASE = "harness.phase"


def _harness() -> None:
    import streamlit as st

    from ui import interview, interview_view, timer

    timer.track(st.session_state.get("harness.phase", "constraints"))
    if st.session_state.get("harness.start"):
        st.session_state["harness.start"] = False
        interview.begin("contract-qa")
    interview_view.sidebar()


@pytest.fixture
def sidebar_app(fake_clock: FakeClock) -> AppTest:
    at = AppTest.from_function(_harness, default_timeout=10)
    at.session_state["harness.start"] = True
    return at.run()


def _line(at: AppTest) -> str:
    return str(at.sidebar.markdown[0].value)


def test_the_sidebar_counts_down_the_current_phase(
    sidebar_app: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(75)

    sidebar_app.run()

    assert not sidebar_app.exception, sidebar_app.exception
    assert _line(sidebar_app) == "**Interview · Constraints**: 3:45 left"


def test_the_sidebar_follows_the_phase_page_and_flags_an_overrun(
    sidebar_app: AppTest, fake_clock: FakeClock
) -> None:
    sidebar_app.session_state[PHASE] = "technique"
    sidebar_app.run()

    fake_clock.advance(5 * 60 + 9)
    sidebar_app.run()

    assert _line(sidebar_app) == ":red[**Interview · Technique**: over its box by 0:09]"


def test_without_an_interview_the_sidebar_shows_no_countdown(fake_clock: FakeClock) -> None:
    at = AppTest.from_function(_harness, default_timeout=10)

    at.run()

    assert not at.exception, at.exception
    assert not at.sidebar.markdown
