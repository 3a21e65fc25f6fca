"""The review: every rule run on a design, a score from 1 to 4 per phase, and a verdict line.

Scores per phase (from that phase's findings only):
4 = no findings; 3 = notes (info) only; 2 = warnings but nothing blocking; 1 = a blocking
finding. `next_level` names what the next score needs: the rules to resolve at the worst
severity present. The verdict: "Not ready" with any blocking finding, "Ready with caveats" with
warnings, else "Ready".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from playbook.catalog import Catalog
from playbook.design import PHASES, Design, Phase
from playbook.rubric import (
    constraints,
    engine,
    evaluation,
    index,
    mitigations,
    model,
    retrieval,
    serving,
    technique,
)
from playbook.rubric.base import SEVERITIES, Finding, Rule, Severity, with_design_entries

RULES: Final[tuple[Rule, ...]] = (
    *constraints.RULES,
    *technique.RULES,
    *model.RULES,
    *retrieval.RULES,
    *index.RULES,
    *serving.RULES,
    *engine.RULES,
    *evaluation.RULES,
    *mitigations.RULES,
)
_ORDER: Final = {r.id: position for position, r in enumerate(RULES)}
_TITLES: Final = {r.id: r.title for r in RULES}
SCORE_BY_SEVERITY: Final[dict[Severity | None, int]] = {None: 4, "info": 3, "warn": 2, "block": 1}
_NEEDS: Final[dict[Severity, str]] = {
    "block": "resolve the blocking findings",
    "warn": "resolve the warnings",
    "info": "address the notes",
}
_SHOWN_IDS: Final = 4  # rule ids named in the verdict before "+N more"


class PhaseScore(BaseModel):
    """One phase's score from 1 (blocked) to 4 (no findings), and what the next level needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: Phase
    score: Annotated[int, Field(ge=1, le=4)]
    next_level: str  # "" at 4


class Review(BaseModel):
    """A design's findings (most severe first), its per-phase scores and the verdict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    findings: tuple[Finding, ...]
    scores: tuple[PhaseScore, ...]  # one per phase, in PHASES order
    verdict: str
    blocking: bool


def _sort_key(finding: Finding) -> tuple[int, int, int]:
    return (
        SEVERITIES.index(finding.severity),
        PHASES.index(finding.phase),
        _ORDER.get(finding.rule_id, len(_ORDER)),
    )


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Return the findings blocking first, then warnings, then notes; each in phase order."""
    # A stable sort: one rule's findings keep the order the rule gave them (failure-mode order).
    return tuple(sorted(findings, key=_sort_key))


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def score_phase(phase: Phase, findings: Sequence[Finding]) -> PhaseScore:
    """Return `phase`'s score from its findings (others ignored) and what the next level needs."""
    mine = [f for f in findings if f.phase == phase]
    worst = next((s for s in SEVERITIES if any(f.severity == s for f in mine)), None)
    score = SCORE_BY_SEVERITY[worst]
    if worst is None:
        return PhaseScore(phase=phase, score=score, next_level="")
    titles = _distinct(_TITLES.get(f.rule_id, f.rule_id) for f in mine if f.severity == worst)
    return PhaseScore(
        phase=phase,
        score=score,
        next_level=f"Level {score + 1} needs you to {_NEEDS[worst]}: " + "; ".join(titles),
    )


def _ids(findings: Sequence[Finding]) -> str:
    found = _distinct(f.rule_id for f in findings)
    more = f", +{len(found) - _SHOWN_IDS} more" if len(found) > _SHOWN_IDS else ""
    return ", ".join(found[:_SHOWN_IDS]) + more


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def verdict_of(findings: Sequence[Finding]) -> str:
    """Return the one-line verdict: not ready (blocking), ready with caveats (warnings), ready."""
    by = {s: [f for f in findings if f.severity == s] for s in SEVERITIES}
    blocks, warns, notes = by["block"], by["warn"], by["info"]
    if blocks:
        rest = f"; {_count(len(warns), 'warning')}" if warns else ""
        return f"Not ready: {_count(len(blocks), 'blocking finding')} ({_ids(blocks)}){rest}"
    if warns:
        return f"Ready with caveats: {_count(len(warns), 'warning')} ({_ids(warns)})"
    if notes:
        return f"Ready: nothing blocks or warns; {_count(len(notes), 'note')} to consider"
    return "Ready: no findings"


def build_review(findings: Iterable[Finding]) -> Review:
    """Return the review of these findings (rubric and LLM alike): sorted, scored, judged."""
    ordered = sort_findings(findings)
    return Review(
        findings=ordered,
        scores=tuple(score_phase(phase, ordered) for phase in PHASES),
        verdict=verdict_of(ordered),
        blocking=any(f.severity == "block" for f in ordered),
    )


def review_design(design: Design, catalog: Catalog) -> Review:
    """Return the rubric's review of `design`: every rule's findings, scores and the verdict."""
    from playbook.analysis import analyze  # late: the analysis imports the rubric

    return analyze(design, with_design_entries(catalog, design)).review
