"""The scorecard: per phase the rubric's score with its findings, the time against the box, the
questions, hints and follow-ups; an overall verdict; and how the design differs from the reference.

The overall verdict weighs the design (the rubric's mean score, and whether anything still
blocks) with the interview craft the practice is for: asking for the numbers, adapting to the
follow-ups, keeping to time and needing few hints.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from playbook.analysis import analyze
from playbook.clock import INTERVIEW_MIN, PHASE_BOX_MIN
from playbook.compare import DecisionDiff, decisions_that_differ
from playbook.design import PHASES, Design, Phase, catalog_for
from playbook.interview.followups import (
    FollowUp,
    FollowUpStatus,
    Margin,
    followup_status,
    margin_of,
)
from playbook.interview.grading import after_followups, grade, overall_score
from playbook.interview.prompts import TOPICS, Difficulty, Prompt, Topic
from playbook.interview.session import HintTaken, InterviewSession, Question, asked_topics
from playbook.rubric import Finding, Review

Verdict = Literal["Strong", "Pass", "Borderline", "Not yet"]
VERDICTS: tuple[Verdict, ...] = ("Strong", "Pass", "Borderline", "Not yet")
STRONG_MEAN: Final = 3.5
PASS_MEAN: Final = 2.75
FLOOR_MEAN: Final = 2.0
# Free text is the candidate's own; the differences table compares decisions only.
_NOT_DECISIONS: Final = ("notes", "justification")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhaseEntry(_Frozen):
    """One row of the scorecard."""

    phase: Phase
    score: Annotated[int, Field(ge=1, le=4)]
    next_level: str
    findings: tuple[Finding, ...]
    used_s: float
    box_s: float
    questions: int  # clarifying questions asked while in this phase
    hint: str | None  # the hint taken in this phase, as shown
    followups: int  # follow-ups given when the candidate left this phase
    followups_handled: int

    @property
    def over(self) -> bool:
        """Whether the phase used more than its time box."""
        return self.used_s > self.box_s


class FollowUpResult(_Frozen):
    """A follow-up given during the interview and whether it was handled by the end."""

    followup: FollowUp
    status: FollowUpStatus
    margin_end: Margin | None = None  # the margin pushed on, in the final design

    @property
    def margins(self) -> tuple[Margin | None, Margin | None, Margin | None]:
        """The margin before the follow-up, right after it, and at the end (None: no figure)."""
        return self.followup.margin, self.followup.margin_after, self.margin_end


class Scorecard(_Frozen):
    """Everything the candidate sees, exports and keeps at the end of an interview."""

    session_id: str
    prompt_id: str
    prompt_title: str
    difficulty: Difficulty
    reference: str
    design_title: str
    started_at: float
    finished_at: float
    phases: tuple[PhaseEntry, ...]
    questions: tuple[Question, ...]
    topics_missed: tuple[Topic, ...]
    hints: tuple[HintTaken, ...]
    followups: tuple[FollowUpResult, ...]
    mean_score: float
    total_used_s: float
    total_box_s: float
    rubric_verdict: str
    verdict: Verdict
    reasons: tuple[str, ...]  # why the verdict is not one level higher
    differences: tuple[DecisionDiff, ...]

    def entry(self, phase: Phase) -> PhaseEntry:
        """Return the row of `phase`."""
        return next(entry for entry in self.phases if entry.phase == phase)


NOT_USED: Final = "not used"


def in_effect(design: Design, path: str) -> bool:
    """Whether the decision at `path` (e.g. `model.hosted_model`) is used by `design`."""
    head, _, field = path.partition(".")
    if head == "model" and field in _MODEL_FIELDS:
        return design.model.kind == _MODEL_FIELDS[field]
    if head == "retrieval":
        return design.uses_rag
    if head == "serving":
        return design.self_hosts
    return True


_MODEL_FIELDS: Final = {
    "hosted_model": "hosted", "open_model": "self_hosted", "small_model": "routing",
    "large_model": "routing", "small_share_pct": "routing",
}  # fmt: skip


def design_differences(design: Design, reference: Design) -> tuple[DecisionDiff, ...]:
    """Return the Phase 2-6 decisions that differ from the reference, free text left out.

    A decision one design does not use (a hosted model in a self-hosted design) shows as
    "not used", and one that neither uses is left out.
    """
    found = []
    for d in decisions_that_differ(design, reference):
        head, last = d.path.split(".")[0], d.path.split(".")[-1]
        if head not in PHASES[1:] or last in _NOT_DECISIONS:
            continue
        left = d.left if in_effect(design, d.path) else NOT_USED
        right = d.right if in_effect(reference, d.path) else NOT_USED
        if left != right:
            found.append(d.model_copy(update={"left": left, "right": right}))
    return tuple(found)


def _entry(
    phase: Phase, session: InterviewSession, review: Review, results: tuple[FollowUpResult, ...]
) -> PhaseEntry:
    score = next(s for s in review.scores if s.phase == phase)
    taken = next((h for h in session.hints if h.hint.phase == phase), None)
    mine = [r for r in results if r.followup.after_phase == phase]
    return PhaseEntry(
        phase=phase,
        score=score.score,
        next_level=score.next_level,
        findings=tuple(f for f in review.findings if f.phase == phase),
        used_s=session.used_s.get(phase, 0.0),
        box_s=PHASE_BOX_MIN[phase] * 60.0,
        questions=sum(1 for q in session.questions if q.phase == phase),
        hint=taken.hint.text if taken else None,
        followups=len(mine),
        followups_handled=sum(1 for r in mine if r.status.handled),
    )


def _shortfalls(
    review: Review, mean: float, missed: tuple[Topic, ...], results: tuple[FollowUpResult, ...]
) -> dict[Verdict, list[str]]:
    """Return, per verdict, what keeps the candidate from it (empty: nothing does)."""
    unhandled = sum(1 for r in results if not r.status.handled)
    asked = len(TOPICS) - len(missed)
    return {
        "Pass": [
            *(["blocking findings remain"] if review.blocking else []),
            *([f"mean rubric score {mean:.2f} < {FLOOR_MEAN}"] if mean < FLOOR_MEAN else []),
        ],
        "Borderline": [
            *([f"mean rubric score {mean:.2f} < {PASS_MEAN}"] if mean < PASS_MEAN else []),
            *([f"asked for {asked} of the 4 numbers"] if asked < 2 else []),
            *([f"{unhandled} follow-up(s) not handled"] if unhandled else []),
        ],
        "Strong": [
            *([f"mean rubric score {mean:.2f} < {STRONG_MEAN}"] if mean < STRONG_MEAN else []),
            *([f"did not ask for the {', '.join(missed)}"] if missed else []),
        ],
    }


def _verdict(shortfalls: dict[Verdict, list[str]]) -> tuple[Verdict, tuple[str, ...]]:
    if shortfalls["Pass"]:
        return "Not yet", tuple(shortfalls["Pass"])
    if shortfalls["Borderline"]:
        return "Borderline", tuple(shortfalls["Borderline"])
    if shortfalls["Strong"]:
        return "Pass", tuple(shortfalls["Strong"])
    return "Strong", ()


def followup_results(
    followups: tuple[FollowUp, ...], design: Design, review: Review
) -> tuple[FollowUpResult, ...]:
    """Return each follow-up's status and where its margin stands in the final `design`."""
    found = analyze(design, catalog_for(design)) if any(f.margin for f in followups) else None
    return tuple(
        FollowUpResult(
            followup=f,
            status=followup_status(f, design, review),
            margin_end=margin_of(f.margin.id, design, found) if f.margin and found else None,
        )
        for f in followups
    )


def build_scorecard(
    session: InterviewSession, *, prompt: Prompt, design: Design, review: Review, reference: Design
) -> Scorecard:
    """Return the scorecard of a finished `session` whose final design has `review`.

    The rubric's `review` is graded against what the prompt's ask implies first: the phase
    scores are an interviewer's, not the design's own. `reference` should be the prompt's
    reference at the candidate's load (`grading.reference_at_load`), so like meets like.
    """
    if session.finished_at is None:
        raise ValueError("the interview has not finished; finish it before scoring")
    visited = frozenset(phase for phase, used in session.used_s.items() if used > 0)
    ask_now = after_followups(prompt, session.followups)
    review = grade(design, ask_now, review, visited=visited, asked=asked_topics(session))
    results = followup_results(session.followups, design, review)
    phases = tuple(_entry(phase, session, review, results) for phase in PHASES)
    mean = overall_score(review, design, ask_now)
    missed = tuple(topic for topic in TOPICS if topic not in asked_topics(session))
    verdict, reasons = _verdict(_shortfalls(review, mean, missed, results))
    return Scorecard(
        session_id=session.id,
        prompt_id=prompt.id,
        prompt_title=prompt.title,
        difficulty=prompt.difficulty,
        reference=prompt.reference,
        design_title=design.title,
        started_at=session.started_at,
        finished_at=session.finished_at,
        phases=phases,
        questions=session.questions,
        topics_missed=missed,
        hints=session.hints,
        followups=results,
        mean_score=mean,
        total_used_s=sum(entry.used_s for entry in phases),
        total_box_s=INTERVIEW_MIN * 60.0,
        rubric_verdict=review.verdict,
        verdict=verdict,
        reasons=reasons,
        differences=design_differences(design, reference),
    )
