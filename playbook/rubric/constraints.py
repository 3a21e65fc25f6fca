"""Rules of Phase 1 (the product ask) and of the components a design adds itself."""

from __future__ import annotations

from collections.abc import Iterator

from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.labels import PHASES
from playbook.rubric.base import Hit, ReviewContext, label, rule


def _response_at_budgets(design: Design) -> Estimate:
    c = design.constraints
    ms = c.ttft_ms + (c.avg_output_tokens - 1) * c.itl_ms
    return Estimate(
        name="Response time at the TTFT and ITL budgets",
        value=ms / 1e3,
        unit="s",
        formula="TTFT budget + (output tokens - 1) × ITL budget",
        worked=f"{c.ttft_ms:,} ms + ({c.avg_output_tokens:,} - 1) × {c.itl_ms:,} ms = "
        f"{ms / 1e3:,.1f} s",
        assumptions=("the first token comes with the prefill; each later one costs one ITL",),
    )


@rule(
    "constraints.latency_budgets_disagree",
    phase="constraints",
    severity="info",
    title="The TTFT and ITL budgets allow more than the total response time",
)
def latency_budgets_disagree(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A response at the TTFT and ITL budgets takes longer than `total_response_s`."""
    c = design.constraints
    at_budgets = _response_at_budgets(design)
    if at_budgets.value <= c.total_response_s:
        return
    tighter = (c.total_response_s * 1e3 - c.ttft_ms) / max(c.avg_output_tokens - 1, 1)
    yield Hit(
        constraint="ttft_ms + (avg_output_tokens - 1) × itl_ms",
        message=f"at its TTFT and ITL budgets a {c.avg_output_tokens:,}-token answer takes "
        f"{at_budgets.shown()}, over the total of {c.total_response_s:g} s: the total is the "
        "budget that decides, so the ITL budget is looser than it looks",
        numbers=(at_budgets,),
        fix=f"set {label('constraints.itl_ms')} to at most {max(tighter, 0):,.0f} ms, or raise "
        f"{label('constraints.total_response_s')}, or "
        f"ask for shorter answers (lower {label('constraints.avg_output_tokens')})",
    )


@rule(
    "constraints.load_exceeds_users",
    phase="constraints",
    severity="info",
    title="More requests in flight at peak than concurrent users",
)
def load_exceeds_users(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Little's law: peak QPS × response time gives more requests in flight than users."""
    c = design.constraints
    in_flight = c.peak_qps * c.total_response_s
    if in_flight <= c.concurrent_users:
        return
    estimate = Estimate(
        name="Requests in flight at peak",
        value=in_flight,
        unit="requests",
        formula="peak QPS × total response time (Little's law)",
        worked=f"{c.peak_qps:g} × {c.total_response_s:g} s = {in_flight:,.0f}",
        assumptions=("each user waits for an answer before asking again",),
        sources=("Little's law",),
    )
    yield Hit(
        constraint="peak_qps × total_response_s vs concurrent_users",
        message=f"{estimate.shown()} are in flight at peak but only {c.concurrent_users:,} users "
        f"are concurrent: one of {label('constraints.peak_qps')}, "
        f"{label('constraints.total_response_s')} or {label('constraints.concurrent_users')} "
        "is off, and the "
        "cost per user and the serving load depend on them",
        numbers=(estimate,),
        fix="recheck the Phase 1 load: concurrent users at least peak QPS × response time",
    )


@rule(
    "constraints.unjustified_component",
    phase="constraints",
    severity="warn",
    title="A component no constraint justifies",
)
def unjustified_component(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A component the user added without stating the constraint it serves."""
    for component in design.components:
        if component.justification.strip():
            continue
        yield Hit(
            phase=component.phase,
            component=component.id,
            message=f"component {component.id!r} ({component.kind}, "
            f"{PHASES[component.phase]}) states no constraint it serves: a component that no "
            "constraint asks for adds cost, latency and failure modes for nothing",
            fix=f"write which Phase 1 constraint {component.id!r} serves in its justification, "
            "or remove it",
        )


RULES = (latency_budgets_disagree, load_exceeds_users, unjustified_component)
