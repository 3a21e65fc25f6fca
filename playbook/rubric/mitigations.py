"""Rules of Phase 6 about failure modes: each applicable mode needs a mitigation that fits it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from playbook.design import Design, FailureMode, Mitigation
from playbook.labels import FAILURE_MODES, MITIGATIONS
from playbook.rubric.base import Hit, ReviewContext, answer_node, rule, served_node

# The mitigations that address each failure mode, the usual one first.
ADDRESSES: Final[dict[FailureMode, tuple[Mitigation, ...]]] = {
    "hallucination": (
        "citations_and_faithfulness_check",
        "judge_monitoring_and_pinned_versions",
        "hybrid_search_and_reranker",
        "input_output_guardrails",
    ),
    "prompt_injection": ("input_output_guardrails",),
    "retrieval_miss": ("hybrid_search_and_reranker",),
    "kv_cache_oom": ("admission_control",),
    "model_drift": ("judge_monitoring_and_pinned_versions",),
    "pii_leak": ("pii_redaction", "input_output_guardrails"),
}


def choices_for(mode: FailureMode, current: Mitigation) -> tuple[Mitigation, ...]:
    """Return the mitigations to offer for `mode`: none, or one that addresses it.

    A design saved with a mismatched mitigation keeps it on offer (last), so it still loads and
    the rubric can say why it does not fit.
    """
    offered: tuple[Mitigation, ...] = ("none", *ADDRESSES[mode])
    return offered if current in offered else (*offered, current)


# The Phase 1 ask each failure mode threatens.
THREATENS: Final[dict[FailureMode, str | None]] = {
    "hallucination": "accuracy_bar_pct",
    "prompt_injection": None,
    "retrieval_miss": "accuracy_bar_pct",
    "kv_cache_oom": "peak_qps",
    "model_drift": "accuracy_bar_pct",
    "pii_leak": None,
}


def _node(mode: FailureMode, design: Design) -> str:
    """Return the diagram node where the failure mode happens."""
    if mode == "prompt_injection":
        return "gateway"
    if mode == "retrieval_miss":
        return "retriever"
    return served_node(design) if mode == "kv_cache_oom" else answer_node(design)


def _applicable(design: Design, ctx: ReviewContext) -> Iterator[tuple[FailureMode, Mitigation]]:
    for mode, mitigation in design.evaluation.mitigations.items():
        if mode not in ctx.inapplicable:
            yield mode, mitigation


@rule(
    "evaluation.unmitigated_failure_mode",
    phase="evaluation",
    severity="warn",
    title="A failure mode with no mitigation",
)
def unmitigated_failure_mode(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """One finding per failure mode that can occur in this design and has no mitigation."""
    for mode, mitigation in _applicable(design, ctx):
        if mitigation != "none":
            continue
        yield Hit(
            component=_node(mode, design),
            constraint=THREATENS[mode],
            message=f"{FAILURE_MODES[mode]} can happen in this design and nothing mitigates it",
            fix=f"set the mitigation of {FAILURE_MODES[mode]} to {MITIGATIONS[ADDRESSES[mode][0]]}",
        )


@rule(
    "evaluation.mitigation_mismatch",
    phase="evaluation",
    severity="warn",
    title="A mitigation that does not address its failure mode",
)
def mitigation_mismatch(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A failure mode's mitigation is one that does not act on that mode."""
    for mode, mitigation in _applicable(design, ctx):
        if mitigation == "none" or mitigation in ADDRESSES[mode]:
            continue
        usual = " or ".join(MITIGATIONS[m] for m in ADDRESSES[mode])
        yield Hit(
            component=_node(mode, design),
            constraint=THREATENS[mode],
            message=f"{MITIGATIONS[mitigation]} does not act on {FAILURE_MODES[mode]}",
            fix=f"set the mitigation of {FAILURE_MODES[mode]} to {usual}",
        )


@rule(
    "evaluation.untrusted_without_injection_guard",
    phase="evaluation",
    severity="block",
    title="Untrusted documents with no injection guard",
)
def untrusted_without_injection_guard(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Retrieved untrusted text reaches the model, and prompt injection is not guarded."""
    untrusted = design.uses_rag and design.retrieval.untrusted_documents
    guard = design.evaluation.mitigations["prompt_injection"]
    if not untrusted or guard == "input_output_guardrails":
        return
    yield Hit(
        component="retriever",
        constraint="retrieval.untrusted_documents",
        message="untrusted documents are retrieved into the prompt, and the mitigation of "
        f"prompt injection is {MITIGATIONS[guard]!r}: instructions hidden in a document can "
        "take over the model",
        fix="input/output guardrails on the prompt and the retrieved text (mitigation for "
        "prompt injection), and least privilege for any tool the model calls",
    )


def _claims(design: Design) -> Iterator[tuple[Mitigation, str]]:
    """Yield each mitigation in use whose parts the other phases leave out, with what is missing."""
    used = set(design.evaluation.mitigations.values())
    r = design.retrieval
    if "hybrid_search_and_reranker" in used:
        missing = [
            part
            for part, present in (
                ("RAG", design.uses_rag),
                ("BM25 hybrid search", r.bm25_hybrid),
                ("a reranker", r.reranker),
            )
            if not present
        ]
        if missing:
            yield "hybrid_search_and_reranker", " and ".join(missing)
    if "judge_monitoring_and_pinned_versions" in used and not design.evaluation.llm_as_judge:
        yield "judge_monitoring_and_pinned_versions", "LLM-as-judge"


@rule(
    "evaluation.mitigation_not_built",
    phase="evaluation",
    severity="warn",
    title="A mitigation the design does not contain",
)
def mitigation_not_built(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A mitigation is named, but the phase that would build it leaves its parts out."""
    for mitigation, missing in _claims(design):
        yield Hit(
            component="retriever"
            if mitigation == "hybrid_search_and_reranker" and design.uses_rag
            else answer_node(design),
            constraint="accuracy_bar_pct",
            message=f"{MITIGATIONS[mitigation]} is named as a mitigation, but the design has no "
            f"{missing}",
            fix=f"add {missing}, or choose a mitigation the design contains",
        )


RULES = (
    unmitigated_failure_mode,
    mitigation_mismatch,
    untrusted_without_injection_guard,
    mitigation_not_built,
)
