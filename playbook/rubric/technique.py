"""Rules of Phase 2: the rungs of the technique ladder against the Phase 1 gaps."""

from __future__ import annotations

from collections.abc import Iterator

from playbook.design import Design, Rung
from playbook.estimates.base import Estimate
from playbook.labels import RUNGS, compact_number
from playbook.ladder import (
    CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS,
    CORPUS_FIELD,
    WHY_NOT_BELOW,
    LadderFinding,
    corpus_tokens,
)
from playbook.rubric.base import Hit, ReviewContext, answer_node, label, rule


def _node(rung: Rung, design: Design) -> str:
    """Return the diagram node a rung puts on the diagram (or changes)."""
    if rung in ("lora", "continued_pretraining"):
        return "trainer"
    return "retriever" if rung == "rag" else answer_node(design)


def _ladder(ctx: ReviewContext, kind: str, rungs: tuple[Rung, ...]) -> list[LadderFinding]:
    return [f for f in ctx.technique_findings if f.kind == kind and f.rung in rungs]


def _recommended(ctx: ReviewContext) -> str:
    return " + ".join(RUNGS[rung] for rung in ctx.recommendation.rungs)


@rule(
    "technique.unjustified_rung",
    phase="technique",
    severity="warn",
    title="A rung above the ladder's recommendation without a reason",
)
def unjustified_rung(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A rung above what the gaps need, and technique.justification is empty."""
    for found in ctx.technique_findings:
        if found.kind == "unjustified_rung":
            yield Hit(
                component=_node(found.rung, design),
                constraint=found.constraint,
                message=found.message,
                fix=f"drop {RUNGS[found.rung]} (the gaps need {_recommended(ctx)}), or write "
                f"in {label('technique.justification')} which constraint needs it",
            )


@rule(
    "technique.fine_tune_for_knowledge",
    phase="technique",
    severity="block",
    title="Fine-tuning chosen for a knowledge gap",
)
def fine_tune_for_knowledge(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A knowledge gap closed with fine-tuning instead of retrieval."""
    for found in _ladder(ctx, "fine_tune_for_knowledge", ("rag",)):
        yield Hit(
            component="trainer",
            constraint=found.constraint,
            message=found.message,
            fix="add RAG for the documents' facts; keep the fine-tune only if "
            f"{label('constraints.style_gap')} is on",
        )


def _missing(ctx: ReviewContext, rung: Rung, design: Design, fix: str) -> Iterator[Hit]:
    for found in _ladder(ctx, "missing_rung", (rung,)):
        yield Hit(
            component=_node(rung, design) if rung != "lora" else answer_node(design),
            constraint=found.constraint,
            message=f"{found.message}; {WHY_NOT_BELOW[rung]}",
            fix=fix,
        )


@rule(
    "technique.knowledge_gap_without_rag",
    phase="technique",
    severity="block",
    title="A knowledge gap with no retrieval",
)
def knowledge_gap_without_rag(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """knowledge_gap is on and no rung brings the documents' facts in."""
    yield from _missing(
        ctx, "rag", design, f"add the RAG rung, or turn {label('constraints.knowledge_gap')} off"
    )


@rule(
    "technique.style_gap_without_fine_tune",
    phase="technique",
    severity="warn",
    title="A style gap with no fine-tune",
)
def style_gap_without_fine_tune(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """style_gap is on and nothing changes the weights."""
    yield from _missing(
        ctx, "lora", design, "add a LoRA fine-tune on examples in the required style"
    )


@rule(
    "technique.prompt_only_at_very_high_bar",
    phase="technique",
    severity="info",
    title="Plain prompting for a very high accuracy bar",
)
def prompt_only_at_very_high_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """No gap and a very high bar, yet no worked examples in the prompt."""
    yield from _missing(ctx, "few_shot", design, "add few-shot examples to the prompt")


@rule(
    "technique.continued_pretraining_recommended",
    phase="technique",
    severity="info",
    title="Continued pretraining is recommended but not chosen",
)
def continued_pretraining_recommended(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Both gaps, a huge domain corpus and a very high bar, but no continued pretraining."""
    yield from _missing(
        ctx,
        "continued_pretraining",
        design,
        "consider continued pretraining on the domain corpus, or say in technique.justification "
        "why RAG and LoRA are enough",
    )


def _corpus_estimate(design: Design) -> Estimate:
    c = design.constraints
    tokens = corpus_tokens(c)
    return Estimate(
        name="Corpus tokens",
        value=float(tokens),
        unit="tokens",
        formula="corpus documents × average tokens per document",
        worked=f"{c.corpus_documents:,} × {c.avg_document_tokens:,} = {tokens:,}",
    )


@rule(
    "technique.continued_pretraining_small_corpus",
    phase="technique",
    severity="warn",
    title="Continued pretraining on a small corpus",
)
def continued_pretraining_small_corpus(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Continued pretraining with far fewer tokens than a new domain language needs."""
    if "continued_pretraining" not in design.technique.rungs:
        return
    corpus = _corpus_estimate(design)
    if corpus.value >= CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS:
        return
    yield Hit(
        component="trainer",
        constraint=CORPUS_FIELD,
        message=f"continued pretraining on {corpus.shown()}, below the "
        f"{compact_number(CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS)} tokens a new domain "
        "language needs: the model barely moves, at ~10x the cost of a LoRA fine-tune",
        numbers=(corpus,),
        fix="drop continued pretraining: RAG for the facts, LoRA for the style",
    )


RULES = (
    unjustified_rung,
    fine_tune_for_knowledge,
    knowledge_gap_without_rag,
    style_gap_without_fine_tune,
    prompt_only_at_very_high_bar,
    continued_pretraining_recommended,
    continued_pretraining_small_corpus,
)
