"""Progress over past interviews: the per-phase scores over time, and the weakest phase."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import fmean

from pydantic import BaseModel, ConfigDict

from playbook.design import PHASES, Phase
from playbook.interview.scorecard import Scorecard, Verdict


class ProgressPoint(BaseModel):
    """One finished interview on the progress chart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_id: str
    finished_at: float
    prompt_title: str
    scores: dict[Phase, int]
    mean_score: float
    verdict: Verdict


def progress_points(cards: Iterable[Scorecard]) -> tuple[ProgressPoint, ...]:
    """Return one point per scorecard, oldest first."""
    points = (
        ProgressPoint(
            session_id=card.session_id,
            finished_at=card.finished_at,
            prompt_title=card.prompt_title,
            scores={entry.phase: entry.score for entry in card.phases},
            mean_score=card.mean_score,
            verdict=card.verdict,
        )
        for card in cards
    )
    return tuple(sorted(points, key=lambda point: point.finished_at))


def phase_averages(points: Iterable[ProgressPoint]) -> dict[Phase, float]:
    """Return each phase's mean score over `points` (empty when there are none)."""
    kept = list(points)
    if not kept:
        return {}
    return {phase: round(fmean(p.scores[phase] for p in kept), 2) for phase in PHASES}


def weakest_phase(points: Iterable[ProgressPoint]) -> Phase | None:
    """Return the phase with the lowest mean score (the earlier phase on a tie), or None."""
    averages = phase_averages(points)
    if not averages:
        return None
    return min(PHASES, key=lambda phase: averages[phase])
