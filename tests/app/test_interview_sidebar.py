"""The interview's countdown in the sidebar, driven by a fake clock.

As for the sidebar timer (tests/app/test_timer.py), AppTest keeps a file-page app's sidebar only
on its first run, so a harness draws it the way `app.py` would, the current page's phase in
session state.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playbook.clock import report_clock
from tests.app.conftest import FakeClock
from ui import state

PHASE = "harness.phase"


def _harness() -> None:
    import streamlit as st

    from ui import interview, timer

    if st.session_state.get("harness.start"):
        st.session_state["harness.start"] = False
        interview.begin("contract-qa")
    if st.session_state.get("harness.finish"):
        st.session_state["harness.finish"] = False
        from ui.interview_store import MemoryInterviewStore

        interview.finish(store=MemoryInterviewStore())
    timer.frame(st.session_state.get("harness.phase", "constraints"))


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


def _texts(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.sidebar.markdown]


def test_without_an_interview_the_sidebar_shows_the_practice_timer_only(
    fake_clock: FakeClock,
) -> None:
    at = AppTest.from_function(_harness, default_timeout=10)

    at.run()

    assert not at.exception, at.exception
    assert "**Mock-interview timer** · 45 min" in _texts(at)
    assert not any("Interview ·" in text for text in _texts(at))


def test_during_an_interview_its_clock_is_the_only_one(sidebar_app: AppTest) -> None:
    texts = _texts(sidebar_app)

    assert texts == ["**Interview · Constraints**: 5:00 left"]
    assert not sidebar_app.sidebar.button  # no practice-timer Start/Pause/Reset beside it


def test_reopening_an_earlier_phase_page_does_not_reopen_its_clock(
    sidebar_app: AppTest, fake_clock: FakeClock
) -> None:
    sidebar_app.session_state[PHASE] = "model"
    sidebar_app.run()
    fake_clock.advance(60)

    sidebar_app.session_state[PHASE] = "constraints"  # back to fix what a follow-up broke
    sidebar_app.run()
    fake_clock.advance(30)
    sidebar_app.run()

    report = report_clock(sidebar_app.session_state[state.CLOCK], now=fake_clock.now)
    used = {item.phase: item.used_s for item in report.phases}
    assert report.current == "model"
    assert used["model"] == 90  # the minute and the half minute are both the model phase's
    assert used["constraints"] == 0
    assert _line(sidebar_app) == "**Interview · Model**: 3:30 left"


def test_a_finished_interview_leaves_a_fresh_practice_timer(sidebar_app: AppTest) -> None:
    sidebar_app.session_state["harness.finish"] = True
    sidebar_app.run()

    assert not sidebar_app.exception, sidebar_app.exception
    assert [b.label for b in sidebar_app.sidebar.button] == ["Start", "Reset"]
