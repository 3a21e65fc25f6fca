"""Rules of Phase 5 about the engine's options, context limit, precision and fleet size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from playbook.design import Design
from playbook.format import money
from playbook.labels import PRECISIONS
from playbook.ladder import VERY_HIGH_ACCURACY_PCT
from playbook.rubric.base import Hit, ReviewContext, label, named, numbers, rule, served_node
from playbook.rubric.serving import ITL

# Prompts at least this long carry a shared system prompt and instructions worth caching.
LONG_PROMPT_TOKENS: Final = 1_000
# Replicas beyond this multiple of what the peak needs (and at least 2 spare) sit idle.
OVERPROVISION_FACTOR: Final = 2
LOW_BIT: Final = ("int4", "fp4")


@rule(
    "serving.context_over_serving_limit",
    phase="serving",
    severity="block",
    title="Prompt and answer longer than the engine's context limit",
)
def context_over_serving_limit(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """avg_prompt_tokens + avg_output_tokens exceeds serving.max_context_tokens."""
    c, limit = design.constraints, design.serving.max_context_tokens
    needed = c.avg_prompt_tokens + c.avg_output_tokens
    if ctx.serving_report is None or needed <= limit:
        return
    yield Hit(
        component=served_node(design),
        constraint="avg_prompt_tokens + avg_output_tokens",
        message=f"{c.avg_prompt_tokens:,} prompt + {c.avg_output_tokens:,} output = {needed:,} "
        f"tokens, beyond the engine's {label('serving.max_context_tokens')} of {limit:,}: "
        "requests are refused",
        fix=f"set {label('serving.max_context_tokens')} to at least {needed:,}, or send shorter "
        "prompts",
    )


@rule(
    "serving.no_continuous_batching",
    phase="serving",
    severity="warn",
    title="Static batching",
)
def no_continuous_batching(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Without continuous batching a batch waits for its longest answer."""
    if ctx.serving_report is None or design.serving.continuous_batching:
        return
    yield Hit(
        component=served_node(design),
        constraint="peak_qps",
        message="static batching: a batch runs until its longest answer ends, leaving slots "
        "idle and new requests waiting; the throughput and latency estimates assume continuous "
        "batching and are too optimistic",
        fix="turn continuous batching on (vLLM, SGLang, TGI and TensorRT-LLM all support it)",
    )


@rule(
    "serving.no_paged_attention",
    phase="serving",
    severity="warn",
    title="No paged KV cache",
)
def no_paged_attention(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A contiguous KV cache reserves each sequence's whole context up front."""
    report = ctx.serving_report
    if report is None or design.serving.paged_attention:
        return
    yield Hit(
        component=served_node(design),
        constraint="concurrent_users",
        message="without PagedAttention the KV cache is reserved per sequence up front and "
        "fragments (the vLLM paper measured 60-80% waste), so far fewer sequences fit than the "
        f"{report.fit.max_concurrency.shown()} estimated",
        numbers=(report.fit.max_concurrency,),
        fix="turn paged attention on",
    )


@rule(
    "serving.speculative_off_itl_over",
    phase="serving",
    severity="info",
    title="Speculative decoding off while ITL is over budget",
)
def speculative_off_itl_over(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """ITL over budget and no speculative decoding, which cuts ITL at small batches."""
    report, node = ctx.serving_report, ctx.figures.timeline.model_node
    broken = [c for c in ctx.figures.broken("itl") if c.node == node]
    if report is None or not report.fit.fits or not broken:
        return
    if design.serving.speculative_decoding:
        return
    yield Hit(
        component=served_node(design),
        constraint="itl_ms",
        message="the ITL is over budget and speculative decoding is off: a draft model "
        "proposing a few tokens per step can cut ITL when batches are small",
        numbers=numbers(named(report.estimates, ITL)),
        fix="turn speculative decoding on and check the ITL estimate again",
    )


@rule(
    "serving.no_prefix_caching_long_prompt",
    phase="serving",
    severity="info",
    title="No prefix caching with long prompts",
)
def no_prefix_caching_long_prompt(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Long prompts share a system prompt that prefix caching would compute once."""
    report = ctx.serving_report
    prompt = design.constraints.avg_prompt_tokens
    if report is None or design.serving.prefix_caching or prompt < LONG_PROMPT_TOKENS:
        return
    yield Hit(
        component=served_node(design),
        constraint="avg_prompt_tokens",
        message=f"prompts of {prompt:,} tokens (≥ {LONG_PROMPT_TOKENS:,}) with prefix caching "
        "off: the shared system prompt and instructions are prefilled again for every request",
        numbers=numbers(named(report.estimates, "Prefill (idle replica)")),
        fix="turn prefix caching on",
    )


@rule(
    "serving.overprovisioned",
    phase="serving",
    severity="info",
    title="Far more replicas than the peak needs",
)
def overprovisioned(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Replicas ≥ OVERPROVISION_FACTOR × needed (and 2 or more spare) idle all month."""
    capacity = ctx.figures.capacity
    if capacity is None or capacity.replicas_needed is None or capacity.replicas is None:
        return
    chosen, needed = capacity.replicas_chosen, capacity.replicas_needed
    if chosen < OVERPROVISION_FACTOR * needed or chosen - needed < 2:
        return
    fleet = ctx.cost_report.line("gpu_fleet")
    fleet_numbers = (fleet.estimate,) if fleet else ()
    yield Hit(
        component=served_node(design),
        constraint="cost_per_user_month_usd",
        message=f"{chosen} replicas where the peak needs {needed:,}: the spare GPUs are "
        f"paid all month ({money(fleet.usd_per_month) if fleet else '?'} for the fleet)",
        numbers=(capacity.replicas, *fleet_numbers),
        fix=f"{needed:,} replicas plus the headroom you can justify, or autoscaling",
    )


@rule(
    "serving.low_bit_weights_at_very_high_bar",
    phase="serving",
    severity="info",
    title="4-bit weights at a very high accuracy bar",
)
def low_bit_weights_at_very_high_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """INT4/FP4 weights lose some accuracy; at a ≥ 95% bar that loss needs measuring."""
    bar, precision = design.constraints.accuracy_bar_pct, design.serving.precision
    if ctx.serving_report is None or precision not in LOW_BIT or bar < VERY_HIGH_ACCURACY_PCT:
        return
    yield Hit(
        component=served_node(design),
        constraint="accuracy_bar_pct",
        message=f"{PRECISIONS[precision]} weights at a {bar:g}% bar (≥ "
        f"{VERY_HIGH_ACCURACY_PCT:g}%): 4-bit quantisation costs a little accuracy, which a "
        "very high bar may not have to spare",
        fix="compare the quantised model with BF16 or FP8 on the golden set before committing",
    )


RULES = (
    context_over_serving_limit,
    no_continuous_batching,
    no_paged_attention,
    speculative_off_itl_over,
    no_prefix_caching_long_prompt,
    overprovisioned,
    low_bit_weights_at_very_high_bar,
)
