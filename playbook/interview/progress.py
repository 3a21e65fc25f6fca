"""Progress over past interviews: the per-phase scores over time, and the weakest phase."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import fmean

from pydantic import BaseModel, ConfigDict

from playbook.design import PHASES, Phase
from playbook.interview.prompts import DIFFICULTIES, Prompt
from playbook.interview.scorecard import Scorecard, Verdict


class ProgressPoint(BaseModel):
    """One finished interview on the progress chart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_id: str
    prompt_id: str = ""  # empty for interviews kept before prompts were recorded here
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
            prompt_id=card.prompt_id,
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


def exercise(prompt: Prompt, phase: Phase) -> float:
    """Return how hard `prompt` pushes on `phase`, from what its ask implies (higher: harder).

    Technique: groups of rungs to combine and over-engineering to avoid; model: classes the ask
    rules out; retrieval: a reranker, untrusted text and a big corpus; serving: self-hosting
    at load; evaluation: a red team and untrusted text; constraints: the prompt's difficulty.
    """
    e, targets = prompt.expects, prompt.targets()
    scores: dict[Phase, float] = {
        "constraints": DIFFICULTIES.index(prompt.difficulty),
        "technique": len(e.rungs) + len(e.overkill) + e.style_gap,
        "model": 3 - len(e.model_kinds) + e.on_prem,
        "retrieval": e.needs_rag
        * (1 + bool(e.reranker) + e.untrusted_documents + (targets["corpus_documents"] >= 1e6)),
        "serving": e.self_hosts * (1 + targets["peak_qps"] / 100),
        "evaluation": bool(e.red_team) + e.untrusted_documents,
    }
    return float(scores[phase])


def drill(
    phase: Phase, points: Iterable[ProgressPoint], prompts: Iterable[Prompt]
) -> Prompt | None:
    """Return the prompt that exercises `phase` most, preferring one not yet attempted."""
    tried = {point.prompt_id for point in points}
    ranked = sorted(prompts, key=lambda p: (p.id in tried, -exercise(p, phase)))
    best = ranked[0] if ranked else None
    return best if best is not None and exercise(best, phase) > 0 else None
