"""Rules of Phase 5: whether the self-hosted model fits and meets the latency and load targets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.serving import ServingReport
from playbook.rubric.base import Hit, ReviewContext, named, numbers, rule, served_node

TTFT: Final = "Time to first token"
ITL: Final = "Inter-token latency"
REPLICAS: Final = "Replicas needed at peak"


def _fitting(ctx: ReviewContext) -> ServingReport | None:
    """Return the serving report when the model fits (latency numbers exist), else None."""
    report = ctx.serving_report
    return report if report is not None and report.fit.fits else None


def _overloaded(ctx: ReviewContext) -> bool:
    return ctx.peak_point is not None and ctx.peak_point.overloaded


@rule(
    "serving.does_not_fit",
    phase="serving",
    severity="block",
    title="The model and its KV cache do not fit on a replica",
)
def does_not_fit(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The weights, or the weights plus one full sequence of KV cache, exceed the GPUs."""
    report = ctx.serving_report
    if report is None or report.fit.fits:
        return
    fit = report.fit
    fixes = "; ".join(f"{fix.detail} ({fix.max_concurrency:,} sequences)" for fix in fit.fixes)
    yield Hit(
        component=served_node(design),
        constraint="avg_prompt_tokens + avg_output_tokens",
        message=fit.verdict,
        numbers=(fit.weights_per_gpu, fit.kv_space, fit.max_concurrency),
        fix=fixes or "a GPU with more memory, or a smaller model",
    )


def _capacity(report: ServingReport) -> Estimate:
    full = report.fit.max_concurrency.value
    arrivals = (report.load.qps or 0.0) / report.setup.replicas
    return Estimate(
        name="Peak arrivals per replica",
        value=arrivals,
        unit="requests/s",
        formula="peak QPS × share of traffic ÷ replicas, against the rate one replica finishes "
        "with its KV cache full",
        worked=f"{report.load.qps or 0:g} ÷ {report.setup.replicas} = {arrivals:,.2f} requests/s "
        f"with at most {full:,.0f} sequences in the KV cache",
        assumptions=("Poisson arrivals; continuous batching",),
    )


@rule(
    "serving.kv_cache_full_at_peak",
    phase="serving",
    severity="block",
    title="The KV cache does not hold the peak concurrency",
)
def kv_cache_full_at_peak(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """At peak load every KV slot is taken and requests arrive faster than they finish."""
    report = _fitting(ctx)
    if report is None or not _overloaded(ctx):
        return
    yield Hit(
        component=served_node(design),
        constraint="peak_qps",
        message=f"at {report.load.describe()} the replicas cannot hold the requests in flight: "
        f"each holds {report.fit.max_concurrency.shown()} and arrivals outrun what finishes, so "
        "the queue (and the time to first token) grows without bound",
        numbers=(_capacity(report), report.fit.max_concurrency, report.fit.kv_space),
        fix="more replicas, an FP8 KV cache, lower-precision weights or more GPUs per replica",
    )


def _steps(ctx: ReviewContext) -> tuple[Estimate, ...]:
    """Return the timeline's stage estimates: where the time goes."""
    return tuple(s.estimate for s in ctx.figures.timeline.steps if s.estimate is not None)


@rule(
    "serving.ttft_over_budget",
    phase="serving",
    severity="block",
    title="Time to first token over the budget",
)
def ttft_over_budget(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The end-to-end first token (retrieval + model, hosted or not) exceeds ttft_ms."""
    for check in ctx.figures.broken("ttft"):
        yield Hit(
            component=check.node,
            constraint="ttft_ms",
            message=check.text,
            numbers=numbers(check.estimate, *_steps(ctx)),
            fix="prefix caching, a faster GPU or more GPUs per replica, more replicas (less "
            "queueing), a smaller or faster model, fewer reranker candidates, or shorter prompts",
        )


@rule(
    "serving.itl_over_budget",
    phase="serving",
    severity="block",
    title="Inter-token latency over the budget",
)
def itl_over_budget(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The estimated (or, hosted, published) ITL at peak load exceeds itl_ms."""
    decode = ctx.figures.timeline.step("decode")
    served = named(ctx.serving_report.estimates, ITL) if ctx.serving_report else None
    for check in ctx.figures.broken("itl"):
        primary = check.node == ctx.figures.timeline.model_node
        yield Hit(
            component=check.node,
            constraint="itl_ms",
            message=check.text,
            numbers=numbers(served, decode.estimate if decode else None) if primary else (),
            fix="lower-precision weights (FP8), more GPUs per replica (more bandwidth), "
            "speculative decoding, fewer sequences per replica, or a smaller or faster model",
        )


@rule(
    "serving.total_response_over_budget",
    phase="serving",
    severity="block",
    title="Whole response time over the budget",
)
def total_response_over_budget(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The first token plus the decode of the whole answer exceeds total_response_s."""
    for check in ctx.figures.broken("total_response"):
        yield Hit(
            component=check.node,
            constraint="total_response_s",
            message=check.text,
            numbers=numbers(check.estimate, *_steps(ctx)),
            fix="a lower ITL (FP8 weights, more GPUs per replica, speculative decoding), a "
            "faster model, or shorter answers",
        )


@rule(
    "serving.too_few_replicas",
    phase="serving",
    severity="block",
    title="Fewer replicas than the peak needs",
)
def too_few_replicas(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The replicas chosen carry less than the peak load within both latency budgets."""
    check, capacity = ctx.figures.check("replicas"), ctx.figures.capacity
    if check is None or check.ok or capacity is None:
        return
    needed = capacity.replicas_needed
    message = (
        f"{capacity.replicas_chosen} replica(s) chosen; {needed:,} needed to carry "
        f"{capacity.report.load.describe()} within the TTFT and ITL budgets"
        if needed
        else "no number of replicas meets both latency budgets: one replica cannot meet them "
        "even when idle (or retrieval spends the whole TTFT budget)"
    )
    yield Hit(
        component=served_node(design),
        constraint="peak_qps",
        message=message,
        numbers=numbers(capacity.replicas),
        fix=f"set replicas to {needed:,}"
        if needed
        else "a faster GPU, more GPUs per replica, lower precision or a smaller model",
    )


RULES = (
    does_not_fit,
    kv_cache_full_at_peak,
    ttft_over_budget,
    itl_over_budget,
    total_response_over_budget,
    too_few_replicas,
)
