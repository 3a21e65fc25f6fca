"""The mock-interview timer in the sidebar, driven by a fake clock.

AppTest keeps the sidebar that `app.py` draws only on the first run of an app with file pages,
so the timer is tested through a harness that draws it the way `app.py` does, with the current
page's phase in session state; the browser suite checks it in the real app.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import FakeClock

PHASE = "harness.phase"


def _harness() -> None:
    import streamlit as st

    from ui import timer

    timer.track(st.session_state.get("harness.phase", "constraints"))
    timer.sidebar()


@pytest.fixture
def timer_app(fake_clock: FakeClock) -> AppTest:
    at = AppTest.from_function(_harness, default_timeout=10)
    return at.run()


def test_the_app_draws_the_timer_in_its_sidebar(app: AppTest) -> None:
    assert [button.key for button in app.sidebar.button] == ["timer.start", "timer.reset"]
    assert "Total 0:00 / 45:00" in app.sidebar.info[0].value


def _lines(at: AppTest) -> list[str]:
    return [line for element in at.sidebar.markdown for line in element.value.split("  \n")]


def _line_for(at: AppTest, phase: str) -> str:
    return next(line for line in _lines(at) if phase in line)


def test_the_timer_counts_towards_the_phase_being_worked_on(
    timer_app: AppTest, fake_clock: FakeClock
) -> None:
    timer_app.button(key="timer.start").click().run()
    fake_clock.advance(90)
    timer_app.session_state[PHASE] = "technique"
    timer_app.run()
    fake_clock.advance(30)

    timer_app.run()

    assert "Constraints: 1:30 / 5:00" in _line_for(timer_app, "Constraints")
    assert _line_for(timer_app, "Technique") == "▸ **Technique**: 0:30 / 5:00"
    assert "Total 2:00 / 45:00" in timer_app.sidebar.info[0].value


def test_pausing_stops_the_count_and_resuming_goes_on(
    timer_app: AppTest, fake_clock: FakeClock
) -> None:
    timer_app.button(key="timer.start").click().run()
    fake_clock.advance(60)
    timer_app.button(key="timer.pause").click().run()

    fake_clock.advance(600)
    timer_app.run()
    paused_line = _line_for(timer_app, "Constraints")
    resume_label = timer_app.button(key="timer.start").label
    timer_app.button(key="timer.start").click().run()
    fake_clock.advance(15)
    timer_app.run()

    assert "1:00 / 5:00" in paused_line
    assert resume_label == "Resume"
    assert timer_app.button(key="timer.pause").label == "Pause"
    assert "1:15 / 5:00" in _line_for(timer_app, "Constraints")


def test_a_phase_over_its_box_is_shown_in_red_with_the_overrun(
    timer_app: AppTest, fake_clock: FakeClock
) -> None:
    timer_app.button(key="timer.start").click().run()

    fake_clock.advance(6 * 60 + 5)
    timer_app.run()

    line = _line_for(timer_app, "Constraints")
    assert line.startswith(":red[")
    assert not _line_for(timer_app, "Technique").startswith(":red[")
    assert "over by 1:05" in line


def test_the_interview_over_45_minutes_is_flagged_as_over_budget(
    timer_app: AppTest, fake_clock: FakeClock
) -> None:
    timer_app.button(key="timer.start").click().run()

    fake_clock.advance(46 * 60)
    timer_app.run()

    assert "over budget by 1:00" in timer_app.sidebar.error[0].value


def test_reset_returns_every_phase_to_zero(timer_app: AppTest, fake_clock: FakeClock) -> None:
    timer_app.button(key="timer.start").click().run()
    fake_clock.advance(200)
    timer_app.run()

    timer_app.button(key="timer.reset").click().run()

    assert all(" 0:00 / " in line for line in _lines(timer_app) if " / " in line)
    assert timer_app.button(key="timer.start").label == "Start"
