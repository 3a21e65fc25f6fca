"""Interviewer follow-ups: a constraint changes at the end of a phase, and the design must adapt.

A real interviewer asks about the weakest number on the board. `margins` reads the design's one
analysis and gives every margin it has as a relative slack, (limit - value) / limit: latency
(TTFT, ITL, whole answer against their budgets), memory (sequences in flight at peak against the
KV slots; GPU memory left for the KV cache), cost (per request, per user against the ceilings),
recall (the recall target against the accuracy bar) and the vector index against one node's RAM.
The follow-up pushes on the smallest of them with a change that moves it (`PUSHES`), and says the
number. When no margin can be measured, the older rules choose (an on-prem push only for a design
that calls a hosted API; a halved latency budget only for a self-hosted one; a 100 M-document
corpus only with retrieval).

The change is applied to the design, the analysis and the rubric re-run, and the findings that
appeared are what now breaks; the margin is recorded before and right after the change, and the
scorecard adds where it stands at the end. A follow-up is handled when, at the end, the change
still holds and none of those blocking findings remain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from playbook.analysis import DesignAnalysis, Figures, analyze
from playbook.analysis.stages import prompt_tokens
from playbook.catalog import Catalog, ids
from playbook.codec import update_design
from playbook.compare import KeyNumber, NumberDiff, key_numbers_of, numbers_that_differ
from playbook.design import PHASES, Constraints, Design, Phase, catalog_for
from playbook.estimates.base import GIB
from playbook.estimates.serving import sequence_bytes
from playbook.rubric import Finding, Review

# The first four are the older fixed follow-ups: saved interviews name them, so they stay.
FollowUpKind = Literal[
    "traffic_10x", "latency_halves", "on_prem", "corpus_100m",
    "prompts_double", "output_doubles", "corpus_10x", "accuracy_bar_rises",
]  # fmt: skip
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
    "prompts_double": "Users paste longer material: prompts double. What breaks?",
    "output_doubles": "Product wants fuller answers: the output doubles. What breaks?",
    "corpus_10x": "We are adding every archive we own: the corpus grows 10×. What breaks?",
    "accuracy_bar_rises": "Product raises the accuracy bar. What do you change?",
}
TITLES: Final[dict[FollowUpKind, str]] = {
    "traffic_10x": "Traffic grows 10×",
    "latency_halves": "The latency budget halves",
    "on_prem": "The data must stay on-prem",
    "corpus_100m": "The corpus grows to 100 M documents",
    "prompts_double": "Prompts double",
    "output_doubles": "The answers double in length",
    "corpus_10x": "The corpus grows 10×",
    "accuracy_bar_rises": "The accuracy bar rises",
}
# Which way a changed number must stay for the change to still hold: "up" means at least the new
# value, "down" at most, "on" the flag still set.
STRICTER: Final[dict[str, Literal["up", "down", "on"]]] = {
    "peak_qps": "up", "concurrent_users": "up", "corpus_documents": "up",
    "ttft_ms": "down", "itl_ms": "down", "total_response_s": "down", "on_prem": "on",
    "avg_prompt_tokens": "up", "avg_output_tokens": "up", "accuracy_bar_pct": "up",
}  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Frozen):
    """One Phase 1 number (or flag) the follow-up changed."""

    field: str
    before: bool | int | float
    after: bool | int | float


MarginId = Literal[
    "ttft", "itl", "total_response", "kv_sequences", "gpu_memory", "cost_per_request",
    "cost_per_user", "recall", "index_memory",
]  # fmt: skip
MARGIN_IDS: tuple[MarginId, ...] = get_args(MarginId)
MarginUnit = Literal["ms", "s", "$", "sequences", "GiB", "%"]
# One node's RAM for an in-memory index (the rubric's retrieval.index_outgrows_ram uses the same).
INDEX_NODE_RAM_GIB: Final = 512.0
# The phase a margin belongs to: only margins of the phases done so far are pushed on.
MARGIN_PHASE: Final[dict[MarginId, Phase]] = {
    "ttft": "model", "itl": "model", "total_response": "model", "gpu_memory": "model",
    "cost_per_request": "model", "cost_per_user": "model", "recall": "retrieval",
    "index_memory": "retrieval", "kv_sequences": "serving",
}  # fmt: skip
# The changes that push on each margin, best first: the first one allowed is given. Each was
# checked against the analysis (tests/unit/test_interview_margins.py): it lowers that slack.
PUSHES: Final[dict[MarginId, tuple[FollowUpKind, ...]]] = {
    "ttft": ("prompts_double", "traffic_10x"),  # a longer prefill, a longer queue
    "itl": ("traffic_10x", "prompts_double"),  # a bigger decode batch, more KV read per token
    "total_response": ("output_doubles", "traffic_10x"),  # twice the tokens to decode
    "kv_sequences": ("traffic_10x", "prompts_double"),  # more in flight; longer sequences
    "gpu_memory": ("prompts_double", "traffic_10x"),  # the KV each sequence holds doubles
    "cost_per_request": ("traffic_10x", "prompts_double"),  # the same fleet cannot carry it
    "cost_per_user": ("traffic_10x",),  # ten times the requests shared by the same users
    "recall": ("accuracy_bar_rises",),
    "index_memory": ("corpus_10x", "corpus_100m"),
}
# A hosted API's latency is the provider's (not modelled against load or prompt length), and
# its price is per token: what pushes on those margins differs.
HOSTED_PUSHES: Final[dict[MarginId, tuple[FollowUpKind, ...]]] = {
    "ttft": ("latency_halves",),
    "itl": ("latency_halves",),
    "cost_per_request": ("prompts_double", "output_doubles"),
}


def pushes(design: Design, margin_id: MarginId) -> tuple[FollowUpKind, ...]:
    """Return the changes that push on `margin_id` in `design`, best first."""
    if not design.self_hosts and margin_id in HOSTED_PUSHES:
        return HOSTED_PUSHES[margin_id]
    return PUSHES[margin_id]


class Margin(_Frozen):
    """One margin of a design: a figure against its limit, and the relative slack between them."""

    id: MarginId
    what: str  # what is measured, e.g. "ITL"
    against: str  # the limit's name, e.g. "budget"
    value: float
    limit: Annotated[float, Field(gt=0)]
    unit: MarginUnit

    @property
    def slack(self) -> float:
        """(limit - value) / limit: 0.08 is 8% left; negative is already over the limit."""
        return (self.limit - self.value) / self.limit

    def shown(self, number: float) -> str:
        """Return `number` in this margin's unit, as the follow-up says it."""
        return shown(number, self.unit)

    def sentence(self) -> str:
        """Return the margin in words, e.g. 'your ITL has 4 ms of slack against the 50 ms ...'."""
        gap = self.shown(abs(self.limit - self.value))
        limit, now = self.shown(self.limit), self.shown(self.value)
        if self.id == "recall":  # the limit is the recall target, the value the accuracy bar
            side = "above" if self.value <= self.limit else "below"
            return (
                f"your {limit} recall@k target is {abs(self.limit - self.value):g} points {side} "
                f"the {now} accuracy bar"
            )
        if self.value <= self.limit:
            return f"your {self.what} has {gap} of slack against the {limit} {self.against} ({now})"
        return f"your {self.what} is {gap} over the {limit} {self.against} ({now})"


def shown(number: float, unit: MarginUnit) -> str:
    """Return `number` with its unit: 46 ms, 3.2 s, $0.0042, 61 sequences, 120 GiB, 95%."""
    if unit == "$":
        return f"${number:,.4f}" if abs(number) < 0.1 else f"${number:,.2f}"
    if unit == "%":
        return f"{number:g}%"
    if unit == "sequences":
        return f"{number:,.0f} sequences"
    if unit == "s":
        return f"{number:,.1f} s"
    if unit == "GiB":
        return f"{number:,.1f} GiB"
    return f"{number:,.1f} ms" if abs(number) < 10 else f"{number:,.0f} ms"


def _margin(
    margin_id: MarginId, what: str, against: str, value: float | None, limit: float,
    unit: MarginUnit,
) -> Margin | None:  # fmt: skip
    if value is None or limit <= 0:
        return None
    return Margin(id=margin_id, what=what, against=against, value=value, limit=limit, unit=unit)


def margins(design: Design, found: Figures) -> tuple[Margin, ...]:
    """Return every margin the analysis `found` of `design` measures (pure; none when unknown).

    A figure that cannot exist (the model does not fit, the queue grows without bound) gives no
    margin: the rubric already blocks it. The memory margins need a fitting self-hosted model.
    """
    c, t, b = design.constraints, found.timeline, found.bill
    total_s = t.total_ms / 1e3 if t.total_ms is not None else None
    got = [
        _margin("ttft", "time to first token", "budget", t.ttft_ms, c.ttft_ms, "ms"),
        _margin("itl", "ITL", "budget", t.itl_ms, c.itl_ms, "ms"),
        _margin("total_response", "whole answer", "budget", total_s, c.total_response_s, "s"),
        _margin("cost_per_request", "cost per request", "ceiling", b.usd_per_request,
                c.cost_per_request_usd, "$"),
        _margin("cost_per_user", "cost per user a month", "ceiling", b.usd_per_user_month,
                c.cost_per_user_month_usd, "$"),
    ]  # fmt: skip
    fleet = found.capacity
    if fleet is not None and fleet.report.fit.fits:
        setup, fit = fleet.report.setup, fleet.report.fit
        # Little's law: requests in flight = arrivals per second × seconds each one stays.
        in_flight = c.peak_qps * total_s if total_s is not None else None
        slots = fit.max_concurrency.value * fleet.replicas_chosen
        got.append(_margin("kv_sequences", "KV cache at peak", "that fit in the fleet's KV cache",
                           in_flight, slots, "sequences"))  # fmt: skip
        # GPU memory of one replica: weights and overhead (usable - KV space) plus the KV of its
        # share of the requests in flight, each taken at its full context (an upper bound).
        usable_gib = (
            setup.gpu_memory_utilization * setup.gpu.memory_bytes * setup.tensor_parallel / GIB
        )
        if in_flight is not None:
            kv_gib = in_flight / fleet.replicas_chosen * sequence_bytes(setup) / GIB
            used = usable_gib - fit.kv_space.value + kv_gib
            got.append(_margin("gpu_memory", "GPU memory at peak", "usable per replica",
                               used, usable_gib, "GiB"))  # fmt: skip
    if found.retrieval is not None:
        target = design.retrieval.recall_at_k_target_pct
        got.append(_margin("recall", "accuracy bar", "recall@k target", c.accuracy_bar_pct,
                           target, "%"))  # fmt: skip
        got.append(_margin("index_memory", "vector index", "RAM of one node",
                           found.retrieval.index_memory.value, INDEX_NODE_RAM_GIB,
                           "GiB"))  # fmt: skip
    return tuple(m for m in got if m is not None)


def tightest(found: tuple[Margin, ...]) -> Margin | None:
    """Return the margin with the smallest relative slack (the first listed on a tie)."""
    return min(found, key=lambda m: m.slack, default=None)


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
    # The margin pushed on, before the change and right after it (None: an older follow-up, or
    # one the rules chose without a margin; after: the figure no longer exists).
    margin: Margin | None = None
    margin_after: Margin | None = None

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
    margin: Margin | None = None  # the margin it pushes on


class Ask(_Frozen):
    """What the rules decided to ask: the change, the margin it pushes on, and their words."""

    kind: FollowUpKind
    margin: Margin | None
    changes: tuple[Change, ...]
    said: Annotated[str, Field(min_length=1, max_length=600)]

    @property
    def allowed(self) -> tuple[FollowUpKind, ...]:
        """The kinds an interviewer may word: only the rules' choice."""
        return (self.kind,)


# The LLM seam: given the design, the phase just ended and what the rules ask (its kind, margin
# and change), return it in the interviewer's own words, or None to let the rules speak.
Interviewer = Callable[[Design, Phase, Ask], Pick | None]


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


def fits_range(design: Design, kind: FollowUpKind) -> bool:
    """Whether `kind`'s change keeps every Phase 1 number inside its range (and makes sense)."""
    c = design.constraints
    if kind == "prompts_double":
        return 2 * max(c.avg_prompt_tokens, int(prompt_tokens(design).value)) <= 2_000_000
    if kind == "output_doubles":
        return c.avg_output_tokens * 2 <= 200_000
    if kind == "corpus_10x":
        return design.uses_rag and 0 < c.corpus_documents * 10 <= 10_000_000_000
    if kind == "accuracy_bar_rises":
        return design.uses_rag and c.accuracy_bar_pct < 99.0
    if kind == "latency_halves":  # pushed on a margin, a hosted design's budget halves too
        return c.ttft_ms >= 100 and c.itl_ms >= 10
    return applies(design, kind)


def target(
    design: Design, found: Figures, *, phase: Phase, used: tuple[FollowUpKind, ...] = ()
) -> tuple[Margin, FollowUpKind] | None:
    """Return the tightest margin of the phases done by `phase` and the change that pushes on it.

    Margins are taken tightest first; one whose every push was already given (or would leave
    its range) yields to the next. None: no margin to push on.
    """
    done = PHASES[: PHASES.index(phase) + 1]
    mine = [m for m in margins(design, found) if MARGIN_PHASE[m.id] in done]
    for margin in sorted(mine, key=lambda m: m.slack):
        for kind in pushes(design, margin.id):
            if kind not in used and fits_range(design, kind):
                return margin, kind
    return None


def change_words(kind: FollowUpKind, changes: tuple[Change, ...]) -> str:
    """Return the change as the interviewer says it, with its new numbers."""
    after = {c.field: c.after for c in changes}
    if kind == "prompts_double":
        return f"prompts double to {after['avg_prompt_tokens']:,} tokens"
    if kind == "output_doubles":
        return f"answers double to {after['avg_output_tokens']:,} output tokens"
    if kind == "traffic_10x":
        return (
            f"traffic grows 10× to {after['peak_qps']:,g} requests/s at peak and "
            f"{after['concurrent_users']:,} concurrent users, on the same budget"
        )
    if kind == "latency_halves":
        return (
            f"the latency budgets halve to {after['ttft_ms']:,} ms TTFT, {after['itl_ms']:,} ms "
            f"ITL and {after['total_response_s']:g} s for the whole answer"
        )
    if kind in ("corpus_10x", "corpus_100m"):
        return f"the corpus grows to {after['corpus_documents']:,} documents"
    if kind == "accuracy_bar_rises":
        return f"product raises the accuracy bar to {after['accuracy_bar_pct']:g}%"
    return "the data must stay on-prem, nothing may go to an outside API"


def ask_words(margin: Margin, kind: FollowUpKind, changes: tuple[Change, ...]) -> str:
    """Return the rules' follow-up: the margin with its numbers, the change, and the question."""
    text = f"{margin.sentence()}; {change_words(kind, changes)}: what breaks?"
    return text[0].upper() + text[1:]


def ask_for(
    design: Design, found: Figures, *, phase: Phase, used: tuple[FollowUpKind, ...] = ()
) -> Ask | None:
    """Return what the rules ask after `phase`: the tightest margin's push, else the old rules."""
    if phase not in FOLLOW_UP_PHASES:
        return None
    aimed = target(design, found, phase=phase, used=used)
    if aimed is not None:
        margin, kind = aimed
        changes = changes_of(design, kind)
        return Ask(kind=kind, margin=margin, changes=changes, said=ask_words(margin, kind, changes))
    allowed = candidates(design, phase=phase, used=used)
    if not allowed:
        return None
    kind = allowed[0]
    return Ask(kind=kind, margin=None, changes=changes_of(design, kind), said=SAYS[kind])


def choose_followup(
    design: Design,
    *,
    phase: Phase,
    used: tuple[FollowUpKind, ...] = (),
    interviewer: Interviewer | None = None,
    found: Figures | None = None,
) -> Pick | None:
    """Return the follow-up after `phase`: the rules choose it; an interviewer may word it.

    `found` is the design's analysis (computed here when not given).
    """
    if phase not in FOLLOW_UP_PHASES:
        return None
    analysis = found if found is not None else analyze(design, catalog_for(design))
    ask = ask_for(design, analysis, phase=phase, used=used)
    if ask is None:
        return None
    if interviewer is not None:
        picked = interviewer(design, phase, ask)
        if picked is not None and picked.kind == ask.kind:
            return picked.model_copy(update={"margin": ask.margin})
    return Pick(kind=ask.kind, said=ask.said, margin=ask.margin)


def _changes(design: Design, kind: FollowUpKind) -> dict[str, bool | int | float]:
    c = design.constraints
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
    if kind == "prompts_double":
        # Twice the prompt the model reads (with RAG, the retrieved chunks may be the longer).
        return {"avg_prompt_tokens": 2 * max(c.avg_prompt_tokens, int(prompt_tokens(design).value))}
    if kind == "output_doubles":
        return {"avg_output_tokens": c.avg_output_tokens * 2}
    if kind == "corpus_10x":
        return {"corpus_documents": c.corpus_documents * 10}
    if kind == "accuracy_bar_rises":
        # Halfway to perfect, at most 99%: 90% becomes 95%, 96% becomes 98%.
        return {"accuracy_bar_pct": min(99.0, c.accuracy_bar_pct + (100 - c.accuracy_bar_pct) / 2)}
    return {"corpus_documents": BIG_CORPUS}


def changes_of(design: Design, kind: FollowUpKind) -> tuple[Change, ...]:
    """Return the Phase 1 numbers follow-up `kind` changes in `design`, before and after."""
    return tuple(
        Change(field=field, before=getattr(design.constraints, field), after=after)
        for field, after in _changes(design, kind).items()
    )


def apply_followup(design: Design, kind: FollowUpKind) -> Design:
    """Return `design` with the follow-up's constraint change applied."""
    if kind not in FOLLOW_UP_KINDS:
        raise ValueError(f"unknown follow-up {kind!r}; choose one of: {', '.join(FOLLOW_UP_KINDS)}")
    return update_design(design, "constraints", **_changes(design, kind))


def review_with_numbers(design: Design, catalog: Catalog) -> tuple[Review, tuple[KeyNumber, ...]]:
    """Return the rubric's review of `design` and its headline numbers, from its one analysis."""
    found = analyze(design, catalog)
    return found.review, key_numbers_of(found)


def finding_key(finding: Finding) -> tuple[str, Phase, str | None]:
    """Return what identifies a finding across re-reviews: its rule, phase and component."""
    return finding.rule_id, finding.phase, finding.component


def margin_of(margin_id: MarginId, design: Design, found: Figures) -> Margin | None:
    """Return the margin `margin_id` of `design` (None: its figure does not exist)."""
    return next((m for m in margins(design, found) if m.id == margin_id), None)


def give_followup(
    design: Design,
    pick: Pick,
    *,
    phase: Phase,
    at_s: float,
    catalog: Catalog,
    before: DesignAnalysis | None = None,
) -> tuple[Design, FollowUp]:
    """Apply `pick` to `design`, re-run analysis and rubric; return the design and the record.

    `before` is `design`'s analysis when the caller has it (computed here otherwise).
    """
    changed = apply_followup(design, pick.kind)
    found_before = before if before is not None else analyze(design, catalog)
    found_after = analyze(changed, catalog)
    seen = {finding_key(f) for f in found_before.review.findings}
    margin = pick.margin
    followup = FollowUp(
        kind=pick.kind,
        after_phase=phase,
        at_s=at_s,
        said=pick.said,
        source=pick.source,
        changes=changes_of(design, pick.kind),
        new_findings=tuple(f for f in found_after.review.findings if finding_key(f) not in seen),
        number_changes=numbers_that_differ(
            key_numbers_of(found_before), key_numbers_of(found_after)
        ),
        margin=margin,
        margin_after=margin_of(margin.id, changed, found_after) if margin else None,
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


def _at(margin: Margin | None) -> str:
    if margin is None:
        return "no figure (it cannot be computed)"
    return f"{margin.shown(margin.value)} ({margin.slack:+.0%} slack)"


def margin_story(before: Margin | None, after: Margin | None, end: Margin | None) -> str | None:
    """Return how a follow-up moved its margin, in one line (None: it pushed on no margin).

    E.g. "ITL against the 50 ms budget: 46 ms (+8% slack) before → 59 ms (-18% slack) after the
    follow-up → 44 ms (+12% slack) at the end".
    """
    if before is None:
        return None
    limits = [m.shown(m.limit) for m in (before, after, end) if m is not None]
    limit = limits[-1] if len(set(limits)) == 1 else " then ".join(dict.fromkeys(limits))
    return (
        f"{before.what} against the {limit} {before.against}: {_at(before)} before → "
        f"{_at(after)} after the follow-up → {_at(end)} at the end"
    )
