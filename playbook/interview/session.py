"""One mock interview as a value: what was asked, hinted and pushed back, and the time per phase.

Every change returns a new session. Times are seconds of interview time (the clock's total
used, pauses excluded) except `started_at`/`finished_at`, which are wall-clock epoch seconds.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from playbook.clock import ClockReport
from playbook.design import PHASES, Phase
from playbook.interview.followups import FollowUp
from playbook.interview.hints import Hint
from playbook.interview.prompts import PROMPT_ID, TOPICS, Topic

SESSION_ID = r"^[a-f0-9]{8,64}$"
Seconds = Annotated[float, Field(ge=0.0)]
Choice = Literal["move_on", "stay"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Frozen):
    """A clarifying question: which number was asked for, in which phase, and when."""

    topic: Topic
    phase: Phase
    at_s: Seconds
    applied: bool = False  # the revealed numbers were set into Phase 1


class HintTaken(_Frozen):
    """A hint the candidate asked for, as it was shown."""

    hint: Hint
    at_s: Seconds


class PhaseChoice(_Frozen):
    """What the candidate chose when a phase ran over its box: move on, or stay."""

    phase: Phase
    choice: Choice
    at_s: Seconds
    over_s: Seconds


class InterviewSession(_Frozen):
    """A mock interview on one prompt, from the choice of prompt to the scorecard."""

    id: Annotated[str, Field(pattern=SESSION_ID)]
    prompt_id: Annotated[str, Field(pattern=PROMPT_ID)]
    started_at: float
    finished_at: float | None = None
    questions: tuple[Question, ...] = ()
    hints: tuple[HintTaken, ...] = ()
    followups: tuple[FollowUp, ...] = ()
    choices: tuple[PhaseChoice, ...] = ()
    closed: tuple[Phase, ...] = ()  # phases the candidate has moved on from, in order
    used_s: dict[Phase, Seconds] = Field(default_factory=dict)  # time per phase so far

    @property
    def finished(self) -> bool:
        """Whether the interview has ended."""
        return self.finished_at is not None


def start_session(prompt_id: str, *, session_id: str, now: float) -> InterviewSession:
    """Return a new session on `prompt_id`, started at wall-clock time `now`."""
    return InterviewSession(id=session_id, prompt_id=prompt_id, started_at=now)


def asked_topics(session: InterviewSession) -> tuple[Topic, ...]:
    """Return the topics asked about so far, in the order of the four Phase 1 numbers."""
    asked = {question.topic for question in session.questions}
    return tuple(topic for topic in TOPICS if topic in asked)


def question_on(session: InterviewSession, topic: Topic) -> Question | None:
    """Return the question asked about `topic`, or None when it was not asked."""
    return next((q for q in session.questions if q.topic == topic), None)


def ask(session: InterviewSession, topic: Topic, *, phase: Phase, at_s: float) -> InterviewSession:
    """Record a question about `topic`; asking the same topic again changes nothing."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose one of: {', '.join(TOPICS)}")
    if question_on(session, topic) is not None:
        return session
    question = Question(topic=topic, phase=phase, at_s=at_s)
    return session.model_copy(update={"questions": (*session.questions, question)})


def mark_applied(session: InterviewSession, topic: Topic) -> InterviewSession:
    """Record that the revealed numbers of `topic` were set into Phase 1."""
    if question_on(session, topic) is None:
        raise ValueError(f"{topic!r} was not asked yet; ask before setting its numbers")
    questions = tuple(
        q.model_copy(update={"applied": True}) if q.topic == topic else q for q in session.questions
    )
    return session.model_copy(update={"questions": questions})


def hint_in(session: InterviewSession, phase: Phase) -> HintTaken | None:
    """Return the hint taken in `phase`, or None."""
    return next((taken for taken in session.hints if taken.hint.phase == phase), None)


def take_hint(session: InterviewSession, hint: Hint, *, at_s: float) -> InterviewSession:
    """Record a hint; each phase allows one, so a second one for a phase raises ValueError."""
    if hint_in(session, hint.phase) is not None:
        raise ValueError(f"a hint for {hint.phase!r} was already taken; one per phase")
    return session.model_copy(update={"hints": (*session.hints, HintTaken(hint=hint, at_s=at_s))})


def choose(
    session: InterviewSession, phase: Phase, choice: Choice, *, at_s: float, over_s: float
) -> InterviewSession:
    """Record the candidate's answer to a phase running over: move on, or stay."""
    made = PhaseChoice(phase=phase, choice=choice, at_s=at_s, over_s=over_s)
    return session.model_copy(update={"choices": (*session.choices, made)})


def stayed(session: InterviewSession, phase: Phase) -> bool:
    """Whether the candidate chose to stay on `phase` after it ran over."""
    return any(c.phase == phase and c.choice == "stay" for c in session.choices)


def open_phases_before(session: InterviewSession, phase: Phase) -> tuple[Phase, ...]:
    """Return the phases before `phase` the candidate has not moved on from yet, in order."""
    return tuple(p for p in PHASES[: PHASES.index(phase)] if p not in session.closed)


def close_phase(session: InterviewSession, phase: Phase) -> InterviewSession:
    """Record that the candidate moved on from `phase` (once; closing again changes nothing)."""
    if phase in session.closed:
        return session
    return session.model_copy(update={"closed": (*session.closed, phase)})


def add_followup(session: InterviewSession, followup: FollowUp) -> InterviewSession:
    """Record a follow-up the interviewer gave."""
    return session.model_copy(update={"followups": (*session.followups, followup)})


def record_time(session: InterviewSession, report: ClockReport) -> InterviewSession:
    """Copy the time used per phase from the interview clock into the session."""
    used = {item.phase: round(item.used_s, 3) for item in report.phases}
    return session.model_copy(update={"used_s": used})


def finish_session(
    session: InterviewSession, *, report: ClockReport, now: float
) -> InterviewSession:
    """End the interview at wall-clock `now`, with the final time per phase."""
    if session.finished:
        raise ValueError("this interview has already finished")
    timed = record_time(session, report)
    return timed.model_copy(update={"finished_at": now, "closed": _all_closed(timed)})


def _all_closed(session: InterviewSession) -> tuple[Phase, ...]:
    return (*session.closed, *(p for p in PHASES if p not in session.closed))
