"""The mock-interview timer in the sidebar: start, pause, reset, time per phase against its box."""

from __future__ import annotations

import streamlit as st

from playbook.clock import (
    ClockReport,
    PhaseTime,
    advance_to,
    enter_phase,
    format_duration,
    pause_clock,
    report_clock,
    reset_clock,
    start_clock,
)
from playbook.design import Phase
from playbook.labels import PHASES
from ui import state


def _start() -> None:
    state.set_clock(start_clock(state.clock(), now=state.now()))


def _pause() -> None:
    state.set_clock(pause_clock(state.clock(), now=state.now()))


def _reset() -> None:
    state.set_clock(reset_clock())


def track(phase: Phase | None, *, forward_only: bool = False) -> None:
    """Count time from now on towards `phase` when the user is on that phase's page.

    With `forward_only` (an interview) an earlier phase's page leaves the clock where it is.
    """
    if phase is None:
        return
    move = advance_to if forward_only else enter_phase
    state.set_clock(move(state.clock(), phase, now=state.now()))


def _interviewing() -> bool:
    """Whether an interview is under way in this session."""
    if st.session_state.get(state.INTERVIEW) is None:
        # None started in this session: the interview's modules (the interview domain, the
        # analysis, the rubric, the LLM adapter) need not load to draw the plain timer.
        return False
    from ui import interview

    return interview.active() is not None


def frame(phase: Phase | None) -> None:
    """Track the page's phase and draw one clock: the interview's during one, else the timer's."""
    interviewing = _interviewing()
    track(phase, forward_only=interviewing)
    if interviewing:
        from ui import interview_view

        interview_view.sidebar()
    else:
        sidebar()


def sidebar() -> None:
    """Draw the timer's controls and its live readout in the sidebar."""
    with st.sidebar:
        st.markdown("**Mock-interview timer** · 45 min")
        running = state.clock().running
        start, reset = st.columns(2)
        if running:
            start.button("Pause", key="timer.pause", on_click=_pause, icon=":material/pause:")
        else:
            begun = report_clock(state.clock(), now=state.now()).total_used_s > 0
            start.button(
                "Resume" if begun else "Start",
                key="timer.start",
                on_click=_start,
                icon=":material/play_arrow:",
                type="primary",
            )
        reset.button("Reset", key="timer.reset", on_click=_reset, icon=":material/restart_alt:")
        # Only a running clock needs redrawing every second; a paused one is static.
        st.fragment(_readout, run_every=1.0 if running else None)()


def _readout() -> None:
    report = report_clock(state.clock(), now=state.now())
    # One compact line per phase keeps the whole interview visible without scrolling.
    st.markdown("  \n".join(_phase_line(report, item) for item in report.phases))
    _total(report)


def _phase_line(report: ClockReport, item: PhaseTime) -> str:
    current = item.phase == report.current
    name = f"**{PHASES[item.phase]}**" if current else PHASES[item.phase]
    line = f"{'▸ ' if current else ''}{name}: {format_duration(item.used_s)} / "
    line += format_duration(item.box_s)
    if item.over:
        return f":red[{line} · over by {format_duration(item.used_s - item.box_s)}]"
    return line


def _total(report: ClockReport) -> None:
    used = format_duration(report.total_used_s)
    box = format_duration(report.total_box_s)
    st.progress(min(report.total_used_s / report.total_box_s, 1.0))
    if report.over:
        over = format_duration(report.total_used_s - report.total_box_s)
        st.error(f"Total {used} / {box}: over budget by {over}", icon=":material/timer_off:")
    else:
        st.info(f"Total {used} / {box}", icon=":material/timer:")
