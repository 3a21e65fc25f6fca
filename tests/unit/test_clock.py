"""The interview clock: time boxes, pause and resume, and switching phases, with time passed in."""

from __future__ import annotations

import pytest

from playbook.clock import (
    INTERVIEW_MIN,
    PHASE_BOX_MIN,
    InterviewClock,
    advance_to,
    enter_phase,
    format_duration,
    pause_clock,
    report_clock,
    reset_clock,
    start_clock,
)


def _used(clock: InterviewClock, now: float) -> dict[str, float]:
    return {item.phase: item.used_s for item in report_clock(clock, now=now).phases}


def test_the_phase_boxes_add_up_to_the_45_minute_interview() -> None:
    assert list(PHASE_BOX_MIN.values()) == [5, 5, 5, 10, 10, 10]
    assert sum(PHASE_BOX_MIN.values()) == INTERVIEW_MIN == 45


def test_a_stopped_clock_counts_nothing() -> None:
    assert sum(_used(InterviewClock(), now=500.0).values()) == 0


def test_time_counts_towards_the_current_phase_while_running() -> None:
    clock = start_clock(InterviewClock(), now=100.0)

    assert _used(clock, now=160.0)["constraints"] == 60.0


def test_switching_phase_keeps_what_the_previous_phase_used() -> None:
    clock = start_clock(InterviewClock(), now=0.0)
    clock = enter_phase(clock, "technique", now=90.0)

    used = _used(clock, now=120.0)

    assert used["constraints"] == 90.0
    assert used["technique"] == 30.0


def test_a_paused_clock_stops_counting_and_resumes_where_it_was() -> None:
    clock = pause_clock(start_clock(InterviewClock(), now=0.0), now=40.0)
    frozen = _used(clock, now=1_000.0)["constraints"]

    resumed = start_clock(clock, now=1_000.0)

    assert frozen == 40.0
    assert _used(resumed, now=1_010.0)["constraints"] == 50.0


def test_switching_phase_while_paused_counts_nothing_for_either_phase() -> None:
    clock = enter_phase(InterviewClock(), "serving", now=10.0)

    assert sum(_used(clock, now=99.0).values()) == 0
    assert clock.phase == "serving"


def test_starting_twice_does_not_restart_the_count() -> None:
    clock = start_clock(start_clock(InterviewClock(), now=0.0), now=50.0)

    assert _used(clock, now=60.0)["constraints"] == 60.0


def test_over_budget_is_reported_per_phase_and_in_total() -> None:
    clock = start_clock(InterviewClock(), now=0.0)

    report = report_clock(clock, now=46 * 60.0)

    assert report.phases[0].over
    assert not report.phases[1].over
    assert report.over


def test_reset_returns_to_a_stopped_clock_at_zero() -> None:
    clock = reset_clock()

    assert not clock.running
    assert sum(_used(clock, now=1e9).values()) == 0


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (59.9, "0:59"), (61, "1:01"), (600, "10:00"), (3_725, "1:02:05"), (-3, "0:00")],
)
def test_durations_read_as_minutes_and_seconds(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_advancing_moves_the_clock_only_to_a_later_phase() -> None:
    clock = start_clock(InterviewClock(), now=0)
    at_model = advance_to(clock, "model", now=100)

    back = advance_to(at_model, "technique", now=160)
    forward = advance_to(at_model, "serving", now=160)

    assert back == at_model  # the 60 s after 100 still count towards the model phase
    assert report_clock(back, now=160).phases[2].used_s == 60
    assert forward.phase == "serving"
    assert report_clock(forward, now=160).phases[2].used_s == 60
