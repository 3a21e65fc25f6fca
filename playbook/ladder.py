"""The technique ladder: recommend the lowest rung(s) that meet the bar, and check a choice.

The playbook (Phase 2): prompt -> few-shot -> RAG -> fine-tune (LoRA) -> continued pretraining;
each rung is ~10x more expensive and slower to iterate than the one below, so pick the lowest
that meets the bar. Knowledge gap -> RAG; style gap -> fine-tuning; hybrids are common.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from playbook.design import LADDER, Constraints, Design, Rung, Technique
from playbook.fields import field_meta
from playbook.labels import RUNGS, compact_number

# A bar at or above this leaves no room for instructions alone: add few-shot examples when there
# is no gap, and it is one of the conditions for continued pretraining.
VERY_HIGH_ACCURACY_PCT: Final = 95.0
# Continued pretraining needs a whole new domain language: billions of tokens of in-domain text.
CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS: Final = 1_000_000_000
COST_STEP: Final = "each rung costs ~10x more and iterates ~10x slower than the one below"

CORPUS_FIELD: Final = "corpus_documents × avg_document_tokens"
FindingKind = Literal["unjustified_rung", "missing_rung", "fine_tune_for_knowledge"]


def _shown(name: str) -> str:
    """Return the label the Constraints page shows for field `name`, in quotes."""
    found = field_meta(Constraints, name)
    return f"“{found.label}”" if found else name


CORPUS_SHOWN: Final = f"{_shown('corpus_documents')} × {_shown('avg_document_tokens')}"
BAR_SHOWN: Final = _shown("accuracy_bar_pct")
_JUSTIFICATION = field_meta(Technique, "justification")
JUSTIFICATION_SHOWN: Final = f"“{_JUSTIFICATION.label}”" if _JUSTIFICATION else "justification"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(_Frozen):
    """One step of the recommendation, tied to the Phase 1 constraint that decided it."""

    constraint: str  # a Constraints field name, or a product of them
    value: str  # the constraint's value as shown, e.g. "on", "97%", "2B tokens"
    rung: Rung | None  # the rung this reason adds, or None when it keeps a rung out
    text: str


class Recommendation(_Frozen):
    """The lowest rungs that meet the bar, why, and why the rung below each is not enough."""

    rungs: tuple[Rung, ...]  # ladder order
    reasons: tuple[Reason, ...]
    why_not_below: dict[Rung, str]  # every recommended rung above `prompt`


class LadderFinding(_Frozen):
    """A problem with the chosen rungs, structured for the review rubric."""

    kind: FindingKind
    rung: Rung
    constraint: str
    message: str
    recommended: tuple[Rung, ...]


WHY_NOT_BELOW: Final[dict[Rung, str]] = {
    "few_shot": "why not prompting alone: instructions rarely hold a very high bar; a handful "
    "of worked examples pins the format and the reasoning pattern",
    "rag": "why not few-shot: few-shot examples cannot add facts the model never saw; the "
    "documents' facts have to be retrieved into the prompt",
    "lora": "why not RAG: retrieval adds facts, not a voice; only changing the weights makes the "
    "model write in the required style or format every time",
    "continued_pretraining": "why not LoRA alone: an adapter learns a narrow style or skill from "
    "thousands of examples, not a whole domain language from billions of tokens",
}


def corpus_tokens(constraints: Constraints) -> int:
    """Return the corpus size in tokens: documents × average tokens per document."""
    return constraints.corpus_documents * constraints.avg_document_tokens


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _continued_pretraining_blocker(c: Constraints) -> tuple[str, str] | None:
    """Return the first unmet condition for continued pretraining as (field, value), or None."""
    if not c.style_gap:
        return "style_gap", "off"
    if not c.knowledge_gap:
        return "knowledge_gap", "off"
    if corpus_tokens(c) < CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS:
        return CORPUS_FIELD, f"{compact_number(corpus_tokens(c))} tokens"
    if c.accuracy_bar_pct < VERY_HIGH_ACCURACY_PCT:
        return "accuracy_bar_pct", f"{c.accuracy_bar_pct:g}%"
    return None


def _gap_reason(field: str, gap: bool, rung: Rung, added: str, left_out: str) -> Reason:
    if gap:
        return Reason(
            constraint=field, value="on", rung=rung, text=f"{_shown(field)} is on → {added}"
        )
    return Reason(
        constraint=field,
        value="off",
        rung=None,
        text=f"{_shown(field)} is off → {left_out}, and {COST_STEP}",
    )


def _gap_reasons(c: Constraints) -> list[Reason]:
    return [
        _gap_reason(
            "knowledge_gap",
            c.knowledge_gap,
            "rag",
            "RAG: the model lacks the documents' facts, and retrieval supplies them (and keeps "
            "them current) without training",
            "no RAG: the model already knows the facts it needs",
        ),
        _gap_reason(
            "style_gap",
            c.style_gap,
            "lora",
            "LoRA fine-tune: style and format are learnt into the weights, and a LoRA adapter "
            "is the cheapest fine-tune",
            "no fine-tune: prompting sets the style",
        ),
    ]


def _no_gap_reason(c: Constraints) -> Reason:
    bar = f"{c.accuracy_bar_pct:g}%"
    if c.accuracy_bar_pct >= VERY_HIGH_ACCURACY_PCT:
        return Reason(
            constraint="accuracy_bar_pct",
            value=bar,
            rung="few_shot",
            text=f"{BAR_SHOWN} is {bar} (≥ {VERY_HIGH_ACCURACY_PCT:g}%) with neither gap → "
            "few-shot examples over plain prompting, still far cheaper than RAG",
        )
    return Reason(
        constraint="accuracy_bar_pct",
        value=bar,
        rung="prompt",
        text=f"{BAR_SHOWN} is {bar} (< {VERY_HIGH_ACCURACY_PCT:g}%) with neither gap → "
        "prompting: instructions meet the bar, so stay on the lowest rung",
    )


def _pretraining_reason(c: Constraints) -> Reason:
    blocker = _continued_pretraining_blocker(c)
    tokens = f"{compact_number(corpus_tokens(c))} tokens"
    if blocker is None:
        return Reason(
            constraint=CORPUS_FIELD,
            value=tokens,
            rung="continued_pretraining",
            text=f"{CORPUS_SHOWN} is {tokens} (≥ "
            f"{compact_number(CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS)}) with both gaps on and "
            f"{BAR_SHOWN} ≥ {VERY_HIGH_ACCURACY_PCT:g}% → continued pretraining on the "
            "domain text, with LoRA after it for the format and RAG for current facts",
        )
    field, value = blocker
    shown = CORPUS_SHOWN if field == CORPUS_FIELD else _shown(field)
    return Reason(
        constraint=field,
        value=value,
        rung=None,
        text=f"{shown} is {value} → no continued pretraining: it needs both gaps, ≥ "
        f"{compact_number(CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS)} tokens of domain text and "
        f"{BAR_SHOWN} ≥ {VERY_HIGH_ACCURACY_PCT:g}%, and it costs ~10x a LoRA fine-tune",
    )


def recommend_technique(constraints: Constraints) -> Recommendation:
    """Return the lowest rungs that meet the Phase 1 bar, with a reason per deciding field."""
    c = constraints
    reasons = _gap_reasons(c)
    if not (c.knowledge_gap or c.style_gap):
        reasons.append(_no_gap_reason(c))
    if c.knowledge_gap and c.style_gap:
        reasons.append(_pretraining_reason(c))
    chosen = {reason.rung for reason in reasons if reason.rung is not None}
    rungs = tuple(rung for rung in LADDER if rung in chosen)
    return Recommendation(
        rungs=rungs,
        reasons=tuple(reasons),
        why_not_below={rung: WHY_NOT_BELOW[rung] for rung in rungs if rung in WHY_NOT_BELOW},
    )


def _deciding_field(rung: Rung, c: Constraints) -> tuple[str, str]:
    """Return the constraint (field, value) that keeps `rung` out of the recommendation."""
    if rung == "continued_pretraining":
        return _continued_pretraining_blocker(c) or ("accuracy_bar_pct", f"{c.accuracy_bar_pct:g}%")
    if rung == "lora":
        return "style_gap", _on(c.style_gap)
    if rung == "rag":
        return "knowledge_gap", _on(c.knowledge_gap)
    return "accuracy_bar_pct", f"{c.accuracy_bar_pct:g}%"


def _unjustified(design: Design, rec: Recommendation) -> list[LadderFinding]:
    if design.technique.justification.strip():
        return []
    top = max(LADDER.index(rung) for rung in rec.rungs)
    shown = " + ".join(RUNGS[rung] for rung in rec.rungs)
    findings = []
    for rung in design.technique.rungs:
        if LADDER.index(rung) <= top:
            continue
        field, value = _deciding_field(rung, design.constraints)
        findings.append(
            LadderFinding(
                kind="unjustified_rung",
                rung=rung,
                constraint=field,
                recommended=rec.rungs,
                message=f"{RUNGS[rung]} is above the recommendation ({shown}) because "
                f"{_shown(field)} is {value}, and {JUSTIFICATION_SHOWN} is empty: {COST_STEP}, "
                "so state "
                "why it is needed or drop it",
            )
        )
    return findings


def _missing(design: Design, rec: Recommendation) -> list[LadderFinding]:
    chosen = design.technique.rungs
    top_chosen = max(LADDER.index(rung) for rung in chosen)
    findings = []
    for rung in rec.rungs:
        # A missing prompt or few-shot rung is covered by any higher rung that was chosen.
        if rung in chosen or (rung in ("prompt", "few_shot") and LADDER.index(rung) < top_chosen):
            continue
        fine_tuned = rung == "rag" and any(r in chosen for r in ("lora", "continued_pretraining"))
        reason = next(r for r in rec.reasons if r.rung == rung)
        findings.append(
            LadderFinding(
                kind="fine_tune_for_knowledge" if fine_tuned else "missing_rung",
                rung=rung,
                constraint=reason.constraint,
                recommended=rec.rungs,
                message="fine-tuning was chosen for a knowledge gap without RAG: it teaches "
                "style, not reliable recall of facts, cannot cite, and goes stale as the "
                "documents change; add RAG"
                if fine_tuned
                else f"{RUNGS[rung]} is recommended but not chosen: {reason.text}",
            )
        )
    return findings


def check_technique(design: Design) -> list[LadderFinding]:
    """Return the problems with the chosen rungs: unjustified extras, then missing rungs."""
    rec = recommend_technique(design.constraints)
    return _unjustified(design, rec) + _missing(design, rec)
