"""Rules of Phase 6 about measuring quality: the golden set, metrics, judge and red team."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final

from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.rubric.base import Hit, ReviewContext, answer_node, rule

# 95% two-sided normal quantile: the golden set's confidence interval on measured accuracy.
Z_95: Final = 1.96
# A bar of 100% cannot be checked on a finite set; size the set for this bar instead.
MAX_CHECKABLE_BAR_PCT: Final = 99.9


def golden_set_needed(accuracy_bar_pct: float) -> Estimate:
    """Return the golden-set size whose 95% interval at the bar is ± half the allowed errors."""
    p = min(accuracy_bar_pct, MAX_CHECKABLE_BAR_PCT) / 100
    # Normal approximation: half-width z·sqrt(p(1-p)/n) = (1-p)/2  =>  n = 4·z²·p / (1-p).
    n = math.ceil(4 * Z_95**2 * p / (1 - p))
    return Estimate(
        name="Golden-set size to check the accuracy bar",
        value=float(n),
        unit="examples",
        formula="4 × z² × p ÷ (1 - p): the 95% interval z × sqrt(p(1 - p) ÷ n) is half the "
        "allowed error rate (1 - p) ÷ 2",
        worked=f"4 × {Z_95}² × {p:g} ÷ {1 - p:.3g} = {n:,}",
        assumptions=(
            "normal approximation to the binomial; examples independent and representative",
            f"a bar above {MAX_CHECKABLE_BAR_PCT:g}% is sized as {MAX_CHECKABLE_BAR_PCT:g}%",
        ),
    )


@rule(
    "evaluation.no_golden_set",
    phase="evaluation",
    severity="warn",
    title="No golden set",
)
def no_golden_set(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """golden_set_size is 0: nothing checks the accuracy bar before release."""
    if design.evaluation.golden_set_size > 0:
        return
    needed = golden_set_needed(design.constraints.accuracy_bar_pct)
    yield Hit(
        component=answer_node(design),
        constraint="accuracy_bar_pct",
        message=f"no golden set: nothing shows the design meets its "
        f"{design.constraints.accuracy_bar_pct:g}% bar before users see it, or catches a "
        "regression when a prompt, model or index changes",
        numbers=(needed,),
        fix=f"build a golden set of at least {needed.shown()} labelled questions",
    )


@rule(
    "evaluation.golden_set_too_small",
    phase="evaluation",
    severity="warn",
    title="A golden set too small to check the accuracy bar",
)
def golden_set_too_small(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The golden set's confidence interval is wider than the errors the bar allows."""
    size = design.evaluation.golden_set_size
    needed = golden_set_needed(design.constraints.accuracy_bar_pct)
    if size == 0 or size >= needed.value:
        return
    yield Hit(
        component="golden_set",
        constraint="accuracy_bar_pct",
        message=f"{size:,} examples cannot tell a {design.constraints.accuracy_bar_pct:g}% "
        f"system from one with twice the errors: that needs {needed.shown()}",
        numbers=(needed,),
        fix=f"grow the golden set to {needed.shown()}",
    )


@rule(
    "evaluation.no_offline_metric",
    phase="evaluation",
    severity="warn",
    title="No offline metric",
)
def no_offline_metric(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """No offline metric: the golden set's answers are never scored."""
    if design.evaluation.offline_metrics:
        return
    yield Hit(
        component="golden_set" if design.evaluation.golden_set_size else answer_node(design),
        constraint="accuracy_bar_pct",
        message="no offline metric: the golden set's answers are never scored",
        fix="exact match or pass@k for closed answers; RAGAS faithfulness and answer "
        "relevance for open ones; recall@k for retrieval",
    )


@rule(
    "evaluation.no_recall_metric",
    phase="evaluation",
    severity="warn",
    title="RAG without recall@k measured",
)
def no_recall_metric(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The design retrieves, but recall@k is not among the offline metrics."""
    if not design.uses_rag or "recall_at_k" in design.evaluation.offline_metrics:
        return
    yield Hit(
        component="retriever",
        constraint="accuracy_bar_pct",
        message=f"the recall@k target ({design.retrieval.recall_at_k_target_pct:g}%) is never "
        "measured: a retrieval miss then looks like a model error",
        fix="add recall@k to the offline metrics, with the relevant chunks labelled per question",
    )


@rule(
    "evaluation.no_faithfulness_metric",
    phase="evaluation",
    severity="info",
    title="RAG without a faithfulness metric",
)
def no_faithfulness_metric(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The design retrieves, but nothing checks the answers stay within the retrieved text."""
    if not design.uses_rag or "ragas_faithfulness" in design.evaluation.offline_metrics:
        return
    yield Hit(
        component=answer_node(design),
        constraint="accuracy_bar_pct",
        message="nothing checks that answers stick to the retrieved text: hallucinations on "
        "well-retrieved questions go unseen",
        fix="add RAGAS faithfulness to the offline metrics",
    )


@rule(
    "evaluation.no_online_metric",
    phase="evaluation",
    severity="warn",
    title="No online metric",
)
def no_online_metric(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """No online metric: nobody sees quality drop in production."""
    if design.evaluation.online_metrics:
        return
    yield Hit(
        component=answer_node(design),
        constraint="accuracy_bar_pct",
        message="no online metric: after launch nothing shows whether users get good answers, "
        "so drift and regressions surface as complaints",
        fix="track thumbs-up rate and escalation rate (and a latency SLO)",
    )


@rule(
    "evaluation.no_judge_without_golden_set",
    phase="evaluation",
    severity="warn",
    title="Neither a golden set nor an LLM judge",
)
def no_judge_without_golden_set(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """With no golden set and no LLM judge, no answer is ever graded."""
    evaluation = design.evaluation
    if evaluation.golden_set_size > 0 or evaluation.llm_as_judge:
        return
    yield Hit(
        component=answer_node(design),
        constraint="accuracy_bar_pct",
        message="no golden set and no LLM-as-judge: no answer is ever graded, offline or online",
        fix="turn on LLM-as-judge over sampled production answers, and build a golden set",
    )


@rule(
    "evaluation.no_red_team_untrusted",
    phase="evaluation",
    severity="warn",
    title="Untrusted documents without a red-team set",
)
def no_red_team_untrusted(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Retrieved documents may carry attacks, and no adversarial set tests the defences."""
    untrusted = design.uses_rag and design.retrieval.untrusted_documents
    if not untrusted or design.evaluation.red_team_set:
        return
    yield Hit(
        component="retriever",
        constraint="retrieval.untrusted_documents",
        message="the documents are untrusted but no red-team set tests injected instructions, "
        "jailbreaks or PII extraction: the guardrails are never exercised",
        fix="add a red-team set with injected documents and adversarial prompts",
    )


RULES = (
    no_golden_set,
    golden_set_too_small,
    no_offline_metric,
    no_recall_metric,
    no_faithfulness_metric,
    no_online_metric,
    no_judge_without_golden_set,
    no_red_team_untrusted,
)
