"""Interviewer follow-ups: a constraint changes at the end of a phase, and the design must adapt.

Which follow-up comes is decided by rules on the design (an on-prem push only for a design that
calls a hosted API; a halved latency budget only for a self-hosted one, where the team owns the
latency; a 100 M-document corpus only with retrieval). The change is applied to the design, the
estimates and the rubric re-run, and the findings that appeared are what now breaks. A follow-up
is handled when, at the end, the change still holds and none of those blocking findings remain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from playbook.analysis import analyze
from playbook.catalog import Catalog, ids
from playbook.codec import update_design
from playbook.compare import KeyNumber, NumberDiff, key_numbers_of, numbers_that_differ
from playbook.design import Constraints, Design, Phase, catalog_for
from playbook.rubric import Finding, Review

FollowUpKind = Literal["traffic_10x", "latency_halves", "on_prem", "corpus_100m"]
FOLLOW_UP_KINDS: tuple[FollowUpKind, ...] = get_args(FollowUpKind)
# Follow-ups come when the candidate moves on from these phases; earlier ones have too little
# design to push on, and after evaluation the interview is over.
FOLLOW_UP_PHASES: tuple[Phase, ...] = ("model", "retrieval", "serving")
# Per phase, the follow-ups worth trying, best first; the first that applies is given.
PLAN: Final[dict[Phase, tuple[FollowUpKind, ...]]] = {
    "model": ("on_prem", "latency_halves", "traffic_10x"),
    "retrieval": ("corpus_100m", "traffic_10x"),
    "serving": ("traffic_10x", "latency_halves", "on_prem"),
}
BIG_CORPUS: Final = 100_000_000
SAYS: Final[dict[FollowUpKind, str]] = {
    "traffic_10x": "Good news: the launch went well and traffic is growing 10×, in peak "
    "requests per second and in concurrent users. What changes?",
    "latency_halves": "Product wants it snappier: the latency budget halves (TTFT, ITL and total "
    "response). What do you change?",
    "on_prem": "Legal just came back: the data must stay on-prem, nothing may go to an outside "
    "API. What does that do to your design?",
    "corpus_100m": "We are adding every archive we own: the corpus grows to 100 M documents. "
    "What breaks first?",
}
TITLES: Final[dict[FollowUpKind, str]] = {
    "traffic_10x": "Traffic grows 10×",
    "latency_halves": "The latency budget halves",
    "on_prem": "The data must stay on-prem",
    "corpus_100m": "The corpus grows to 100 M documents",
}
# Which way a changed number must stay for the change to still hold: "up" means at least the new
# value, "down" at most, "on" the flag still set.
STRICTER: Final[dict[str, Literal["up", "down", "on"]]] = {
    "peak_qps": "up", "concurrent_users": "up", "corpus_documents": "up",
    "ttft_ms": "down", "itl_ms": "down", "total_response_s": "down", "on_prem": "on",
}  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Frozen):
    """One Phase 1 number (or flag) the follow-up changed."""

    field: str
    before: bool | int | float
    after: bool | int | float


class FollowUp(_Frozen):
    """A follow-up as given: what changed, what it broke, and the numbers that moved."""

    kind: FollowUpKind
    after_phase: Phase
    at_s: Annotated[float, Field(ge=0.0)]
    said: Annotated[str, Field(min_length=1, max_length=600)]
    source: Literal["rules", "llm"] = "rules"
    changes: tuple[Change, ...]
    new_findings: tuple[Finding, ...]
    number_changes: tuple[NumberDiff, ...]

    @property
    def new_blocking(self) -> tuple[Finding, ...]:
        """Return the blocking findings the follow-up caused."""
        return tuple(f for f in self.new_findings if f.severity == "block")


class FollowUpStatus(_Frozen):
    """Whether a follow-up was handled: its change holds and its blocking findings are gone."""

    kept: bool
    still_blocking: tuple[Finding, ...]

    @property
    def handled(self) -> bool:
        """Whether the candidate adapted the design to the follow-up."""
        return self.kept and not self.still_blocking


class Pick(_Frozen):
    """An interviewer's choice of follow-up and the words it is said in."""

    kind: FollowUpKind
    said: Annotated[str, Field(min_length=1, max_length=600)]
    source: Literal["rules", "llm"] = "rules"


# The LLM seam: given the design, the phase just ended and the follow-ups the rules allow, return
# one of them in the interviewer's own words, or None to let the rules speak.
Interviewer = Callable[[Design, Phase, tuple[FollowUpKind, ...]], Pick | None]


def calls_hosted_api(design: Design) -> bool:
    """Whether any answer of `design` comes from a provider's API rather than the team's GPUs."""
    m = design.model
    if m.kind == "hosted":
        return True
    return m.kind == "routing" and m.large_model in ids(catalog_for(design).hosted_models)


def applies(design: Design, kind: FollowUpKind) -> bool:
    """Whether follow-up `kind` makes sense for `design` (and its change stays in range)."""
    c = design.constraints
    if kind == "on_prem":
        return calls_hosted_api(design) and not c.on_prem
    if kind == "latency_halves":
        return design.self_hosts and c.ttft_ms >= 100 and c.itl_ms >= 10
    if kind == "corpus_100m":
        return design.uses_rag and c.corpus_documents < BIG_CORPUS
    return c.peak_qps * 10 <= 100_000 and c.concurrent_users * 10 <= 10_000_000


def candidates(
    design: Design, *, phase: Phase, used: tuple[FollowUpKind, ...] = ()
) -> tuple[FollowUpKind, ...]:
    """Return the follow-ups the rules allow after `phase`, best first, none given twice."""
    return tuple(k for k in PLAN.get(phase, ()) if k not in used and applies(design, k))


def choose_followup(
    design: Design,
    *,
    phase: Phase,
    used: tuple[FollowUpKind, ...] = (),
    interviewer: Interviewer | None = None,
) -> Pick | None:
    """Return the follow-up after `phase`: the interviewer's pick if allowed, else the rules'."""
    allowed = candidates(design, phase=phase, used=used)
    if not allowed:
        return None
    if interviewer is not None:
        picked = interviewer(design, phase, allowed)
        if picked is not None and picked.kind in allowed:
            return picked
    return Pick(kind=allowed[0], said=SAYS[allowed[0]])


def _changes(c: Constraints, kind: FollowUpKind) -> dict[str, bool | int | float]:
    if kind == "traffic_10x":
        return {"peak_qps": c.peak_qps * 10, "concurrent_users": c.concurrent_users * 10}
    if kind == "latency_halves":
        return {
            "ttft_ms": max(50, c.ttft_ms // 2),
            "itl_ms": max(5, c.itl_ms // 2),
            "total_response_s": max(0.5, c.total_response_s / 2),
        }
    if kind == "on_prem":
        return {"on_prem": True}
    return {"corpus_documents": BIG_CORPUS}


def apply_followup(design: Design, kind: FollowUpKind) -> Design:
    """Return `design` with the follow-up's constraint change applied."""
    if kind not in FOLLOW_UP_KINDS:
        raise ValueError(f"unknown follow-up {kind!r}; choose one of: {', '.join(FOLLOW_UP_KINDS)}")
    return update_design(design, "constraints", **_changes(design.constraints, kind))


def review_with_numbers(design: Design, catalog: Catalog) -> tuple[Review, tuple[KeyNumber, ...]]:
    """Return the rubric's review of `design` and its headline numbers, from its one analysis."""
    found = analyze(design, catalog)
    return found.review, key_numbers_of(found)


def finding_key(finding: Finding) -> tuple[str, Phase, str | None]:
    """Return what identifies a finding across re-reviews: its rule, phase and component."""
    return finding.rule_id, finding.phase, finding.component


def give_followup(
    design: Design, pick: Pick, *, phase: Phase, at_s: float, catalog: Catalog
) -> tuple[Design, FollowUp]:
    """Apply `pick` to `design`, re-run estimates and rubric; return the design and the record."""
    changed = apply_followup(design, pick.kind)
    before, before_numbers = review_with_numbers(design, catalog)
    after, after_numbers = review_with_numbers(changed, catalog)
    seen = {finding_key(f) for f in before.findings}
    old, new = design.constraints, changed.constraints
    followup = FollowUp(
        kind=pick.kind,
        after_phase=phase,
        at_s=at_s,
        said=pick.said,
        source=pick.source,
        changes=tuple(
            Change(field=field, before=getattr(old, field), after=getattr(new, field))
            for field in _changes(old, pick.kind)
        ),
        new_findings=tuple(f for f in after.findings if finding_key(f) not in seen),
        number_changes=numbers_that_differ(before_numbers, after_numbers),
    )
    return changed, followup


def _kept(change: Change, constraints: Constraints) -> bool:
    now = getattr(constraints, change.field)
    way = STRICTER[change.field]
    if way == "on":
        return bool(now)
    return bool(now >= change.after) if way == "up" else bool(now <= change.after)


def followup_status(followup: FollowUp, design: Design, review: Review) -> FollowUpStatus:
    """Return whether `design` (with its `review`) still honours the follow-up and has adapted."""
    present = {finding_key(f) for f in review.findings}
    return FollowUpStatus(
        kept=all(_kept(change, design.constraints) for change in followup.changes),
        still_blocking=tuple(f for f in followup.new_blocking if finding_key(f) in present),
    )
