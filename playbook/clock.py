"""The mock-interview clock: time boxes per phase, with the time passed in by the caller."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from playbook.design import PHASES, Phase

# Minutes per phase, as the playbook boxes a 45-minute interview.
PHASE_BOX_MIN: dict[Phase, int] = {
    "constraints": 5,
    "technique": 5,
    "model": 5,
    "retrieval": 10,
    "serving": 10,
    "evaluation": 10,
}
INTERVIEW_MIN = 45


def _zeroes() -> dict[Phase, float]:
    return dict.fromkeys(PHASES, 0.0)


class InterviewClock(BaseModel):
    """Time banked per phase, the phase being worked on, and when the clock last started."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: Phase = "constraints"
    running_since: float | None = None
    banked_s: dict[Phase, float] = Field(default_factory=_zeroes)

    @property
    def running(self) -> bool:
        """Whether the clock is counting."""
        return self.running_since is not None


class PhaseTime(BaseModel):
    """Time used in one phase against its box."""

    model_config = ConfigDict(frozen=True)

    phase: Phase
    used_s: float
    box_s: float

    @property
    def over(self) -> bool:
        """Whether the phase has used more than its box."""
        return self.used_s > self.box_s


class ClockReport(BaseModel):
    """Every phase's time and the total against the whole interview."""

    model_config = ConfigDict(frozen=True)

    phases: tuple[PhaseTime, ...]
    total_used_s: float
    total_box_s: float
    running: bool
    current: Phase

    @property
    def over(self) -> bool:
        """Whether the interview as a whole has run over."""
        return self.total_used_s > self.total_box_s


def start_clock(clock: InterviewClock, *, now: float) -> InterviewClock:
    """Start or resume counting towards the current phase."""
    if clock.running:
        return clock
    return clock.model_copy(update={"running_since": now})


def pause_clock(clock: InterviewClock, *, now: float) -> InterviewClock:
    """Stop counting, keeping the time used so far."""
    return _bank(clock, now=now).model_copy(update={"running_since": None})


def reset_clock() -> InterviewClock:
    """Return a stopped clock with no time used."""
    return InterviewClock()


def enter_phase(clock: InterviewClock, phase: Phase, *, now: float) -> InterviewClock:
    """Count time from `now` on towards `phase`, keeping what the previous phase used."""
    if phase == clock.phase:
        return clock
    banked = _bank(clock, now=now)
    running_since = now if clock.running else None
    return banked.model_copy(update={"phase": phase, "running_since": running_since})


def advance_to(clock: InterviewClock, phase: Phase, *, now: float) -> InterviewClock:
    """Count from `now` on towards `phase` only if it comes after the current phase.

    In an interview the clock follows the candidate forward; reopening an earlier phase's page
    (to fix something a follow-up broke) is work of the current phase, not a reopened box.
    """
    if PHASES.index(phase) <= PHASES.index(clock.phase):
        return clock
    return enter_phase(clock, phase, now=now)


def report_clock(clock: InterviewClock, *, now: float) -> ClockReport:
    """Return time used per phase and in total, each against its box."""
    used = _bank(clock, now=now).banked_s
    phases = tuple(
        PhaseTime(phase=phase, used_s=used[phase], box_s=PHASE_BOX_MIN[phase] * 60.0)
        for phase in PHASES
    )
    return ClockReport(
        phases=phases,
        total_used_s=sum(used.values()),
        total_box_s=INTERVIEW_MIN * 60.0,
        running=clock.running,
        current=clock.phase,
    )


def format_duration(seconds: float) -> str:
    """Return `seconds` as m:ss (or h:mm:ss past an hour), rounding down."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _bank(clock: InterviewClock, *, now: float) -> InterviewClock:
    """Move the time since `running_since` into the current phase's bank."""
    if clock.running_since is None:
        return clock
    elapsed = max(0.0, now - clock.running_since)
    banked = {**clock.banked_s, clock.phase: clock.banked_s[clock.phase] + elapsed}
    return clock.model_copy(update={"banked_s": banked, "running_since": now})
