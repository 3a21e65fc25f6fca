"""Cost: self-hosted dollars per million output tokens against a hosted API, and the monthly bill.

Self-hosted: GPU $/hour × GPUs ÷ output tokens per hour ($/1M tokens = $/h ÷ (tokens/s × 3600)
× 1e6, arithmetic). Hosted: list price per million input and output tokens × tokens. Monthly:
Phase 1's peak QPS × an average-to-peak ratio × seconds per month, against the ceilings per
request and per active user.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from playbook.catalog import Catalog, HostedModel, OpenModel, find
from playbook.design import Constraints, Design
from playbook.estimates.base import Estimate
from playbook.estimates.serving import (
    Efficiency,
    Load,
    ServingSetup,
    design_load,
    operating_point,
    self_hosted_share,
    sequences_that_fit,
    setup_from_design,
)

# Average traffic over a month as a share of the peak (assumption: business-hours traffic with
# a daily peak around three times the mean).
AVERAGE_TO_PEAK = 0.3
HOURS_PER_MONTH = 730.0  # 8,760 hours a year ÷ 12
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def self_hosted_usd_per_1m_output(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the GPU cost per million output tokens at `load` (default: a full replica)."""
    load = load or Load()
    point = operating_point(setup, load=load, efficiency=efficiency)
    usd_per_hour = setup.gpus * setup.gpu.usd_per_hour
    tokens_per_hour = point.output_tokens_per_s * setup.replicas * 3600
    value = usd_per_hour / tokens_per_hour * 1e6 if tokens_per_hour > 0 else math.inf
    return Estimate(
        name="Self-hosted $ per 1M output tokens",
        value=value,
        unit="$",
        formula="GPU $/hour × GPUs ÷ (output tokens/s × 3,600) × 1,000,000",
        worked=f"${setup.gpu.usd_per_hour:g} × {setup.gpus} ÷ ({tokens_per_hour / 3600:,.0f} "
        f"× 3,600) × 1e6 = ${value:,.3f}",
        assumptions=(
            f"load: {load.describe()}; idle GPU time is paid for too",
            "the GPU time of the prompts (prefill) is charged to the output tokens",
            "on-demand price of the GPU; no reserved or spot discount",
        ),
        sources=(setup.gpu.price_source, setup.gpu.source),
    )


def hosted_usd_per_request(
    hosted: HostedModel, *, prompt_tokens: int, output_tokens: int
) -> Estimate:
    """Return a hosted API's price for one request of `prompt_tokens` in, `output_tokens` out."""
    value = (
        prompt_tokens * hosted.usd_per_1m_input + output_tokens * hosted.usd_per_1m_output
    ) / 1e6
    return Estimate(
        name=f"{hosted.name} $ per request",
        value=value,
        unit="$",
        formula="(prompt tokens × $ per 1M input + output tokens × $ per 1M output) ÷ 1M",
        worked=f"({prompt_tokens:,} × ${hosted.usd_per_1m_input:g} + {output_tokens:,} × "
        f"${hosted.usd_per_1m_output:g}) ÷ 1e6 = ${value:.5f}",
        assumptions=("list prices, no prompt-cache or batch discount",),
        sources=(hosted.source,),
    )


def hosted_usd_per_1m_output(
    hosted: HostedModel, *, prompt_tokens: int, output_tokens: int
) -> Estimate:
    """Return a hosted API's price per million output tokens, with the input tokens they need."""
    per_request = hosted_usd_per_request(
        hosted, prompt_tokens=prompt_tokens, output_tokens=output_tokens
    )
    value = per_request.value / output_tokens * 1e6
    return per_request.model_copy(
        update={
            "name": f"{hosted.name} $ per 1M output tokens (with their input)",
            "value": value,
            "formula": "$ per 1M output + $ per 1M input × prompt tokens ÷ output tokens",
            "worked": f"${hosted.usd_per_1m_output:g} + ${hosted.usd_per_1m_input:g} × "
            f"{prompt_tokens:,} ÷ {output_tokens:,} = ${value:,.3f}",
        }
    )


def monthly_requests(
    constraints: Constraints, *, average_to_peak: float = AVERAGE_TO_PEAK
) -> Estimate:
    """Return the requests per month at Phase 1's peak QPS and an average-to-peak ratio."""
    value = constraints.peak_qps * average_to_peak * SECONDS_PER_MONTH
    return Estimate(
        name="Requests per month",
        value=value,
        unit="requests",
        formula="peak QPS × average-to-peak ratio × seconds per month",
        worked=f"{constraints.peak_qps:g} × {average_to_peak:g} × {SECONDS_PER_MONTH:,.0f} s = "
        f"{value:,.0f}",
        assumptions=(
            f"average traffic is {average_to_peak:.0%} of the peak (assumption)",
            f"a month is {HOURS_PER_MONTH:g} hours",
        ),
    )


def fleet_usd_per_month(setup: ServingSetup) -> Estimate:
    """Return the monthly bill of the GPUs of every replica, running all month."""
    value = setup.gpus * setup.gpu.usd_per_hour * HOURS_PER_MONTH
    return Estimate(
        name="Self-hosted GPUs per month",
        value=value,
        unit="$",
        formula="replicas × GPUs per replica × $/GPU-hour × hours per month",
        worked=f"{setup.replicas} × {setup.tensor_parallel} × ${setup.gpu.usd_per_hour:g} × "
        f"{HOURS_PER_MONTH:g} h = ${value:,.0f}",
        assumptions=("the replicas run all month (sized for the peak, no autoscaling)",),
        sources=(setup.gpu.price_source,),
    )


def marginal_usd_per_request(
    model: OpenModel, base: ServingSetup, *, efficiency: Efficiency | None = None
) -> Estimate:
    """Return an open model's GPU cost per request on `base`'s GPU type, replicas kept busy."""
    setup = base.model_copy(update={"model": model, "replicas": 1})
    for count in sorted({base.tensor_parallel, 1, 2, 4, 8}):
        setup = base.model_copy(update={"model": model, "replicas": 1, "tensor_parallel": count})
        if count >= base.tensor_parallel and sequences_that_fit(setup):
            break
    per_1m = self_hosted_usd_per_1m_output(setup, efficiency=efficiency)
    value = per_1m.value * setup.output_tokens / 1e6
    return per_1m.model_copy(
        update={
            "name": f"{model.name} $ per request (self-hosted, busy)",
            "value": value,
            "formula": "$ per 1M output tokens at full load × output tokens ÷ 1M",
            "worked": f"${per_1m.value:,.3f} × {setup.output_tokens:,} ÷ 1e6 = ${value:.5f} "
            f"({setup.tensor_parallel}× {setup.gpu.name})",
        }
    )


def _large_per_request(
    design: Design, catalog: Catalog, setup: ServingSetup, efficiency: Efficiency | None
) -> Estimate:
    large = design.model.large_model
    c = design.constraints
    if large in {m.id for m in catalog.hosted_models}:
        return hosted_usd_per_request(
            find(catalog.hosted_models, large),
            prompt_tokens=c.avg_prompt_tokens,
            output_tokens=c.avg_output_tokens,
        )
    model = find(catalog.open_models, large, what="open model")
    return marginal_usd_per_request(model, setup, efficiency=efficiency)


def routing_saving(
    design: Design, catalog: Catalog, *, efficiency: Efficiency | None = None
) -> Estimate | None:
    """Return the monthly saving of routing the small share to the small model (None: no router)."""
    setup = setup_from_design(design, catalog)
    if design.model.kind != "routing" or setup is None:
        return None
    requests = monthly_requests(design.constraints).value
    large = _large_per_request(design, catalog, setup, efficiency)
    fleet = fleet_usd_per_month(setup).value
    share = self_hosted_share(design)
    all_large = requests * large.value
    routed = fleet + (1 - share) * requests * large.value
    return Estimate(
        name="Routing saving per month",
        value=all_large - routed,
        unit="$",
        formula="requests × large $/request - (small-model GPUs + large share × requests × "
        "large $/request)",
        worked=f"{requests:,.0f} × ${large.value:.5f} - (${fleet:,.0f} + {1 - share:.0%} × "
        f"{requests:,.0f} × ${large.value:.5f}) = ${all_large - routed:,.0f}",
        assumptions=(
            f"{share:.0%} of requests go to the small model, whose GPUs run all month",
            "a negative saving means the small model's GPUs cost more than the traffic they take",
            *large.assumptions,
        ),
        sources=large.sources,
    )


class CostReport(BaseModel):
    """The design's monthly bill, per request and per user, against Phase 1's ceilings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    estimates: tuple[Estimate, ...]
    usd_per_month: float
    usd_per_request: float
    usd_per_user_month: float
    within_request_ceiling: bool
    within_user_ceiling: bool
    verdicts: tuple[str, ...]


def _monthly(
    design: Design, catalog: Catalog, efficiency: Efficiency | None
) -> tuple[float, list[Estimate]]:
    """Return the monthly bill and the estimates behind it."""
    c = design.constraints
    requests = monthly_requests(c)
    setup = setup_from_design(design, catalog)
    if setup is None:
        hosted = find(catalog.hosted_models, design.model.hosted_model, what="hosted model")
        per_request = hosted_usd_per_request(
            hosted, prompt_tokens=c.avg_prompt_tokens, output_tokens=c.avg_output_tokens
        )
        return requests.value * per_request.value, [requests, per_request]
    fleet = fleet_usd_per_month(setup)
    at_peak = self_hosted_usd_per_1m_output(setup, load=design_load(design), efficiency=efficiency)
    found = [requests, fleet, at_peak]
    total = fleet.value
    if design.model.kind == "routing":
        large = _large_per_request(design, catalog, setup, efficiency)
        total += (1 - self_hosted_share(design)) * requests.value * large.value
        found.append(large)
    return total, found


def cost_report(
    design: Design, catalog: Catalog, *, efficiency: Efficiency | None = None
) -> CostReport:
    """Return the design's monthly cost, per request and per user, against the ceilings."""
    c = design.constraints
    total, found = _monthly(design, catalog, efficiency)
    requests = monthly_requests(c).value
    per_request, per_user = total / requests, total / c.monthly_active_users
    saving = routing_saving(design, catalog, efficiency=efficiency)
    monthly = Estimate(
        name="Cost per month",
        value=total,
        unit="$",
        formula="hosted: requests × $/request; self-hosted: GPUs all month; routing: small-model "
        "GPUs + large share × requests × large $/request",
        worked=f"${total:,.0f} per month; ÷ {requests:,.0f} requests = ${per_request:.5f} per "
        f"request; ÷ {c.monthly_active_users:,} monthly active users = ${per_user:,.2f} "
        "per user",
        assumptions=(*monthly_requests(c).assumptions,),
    )
    estimates = (*found, *((saving,) if saving else ()), monthly)
    within_request = per_request <= c.cost_per_request_usd
    within_user = per_user <= c.cost_per_user_month_usd
    return CostReport(
        estimates=estimates,
        usd_per_month=total,
        usd_per_request=per_request,
        usd_per_user_month=per_user,
        within_request_ceiling=within_request,
        within_user_ceiling=within_user,
        verdicts=_cost_verdicts(c, per_request, per_user),
    )


def _cost_verdicts(c: Constraints, per_request: float, per_user: float) -> tuple[str, ...]:
    """Return one line per ceiling: the cost, the ceiling, within or over."""
    return (
        f"${per_request:.4f} per request against a ceiling of ${c.cost_per_request_usd:g}: "
        + ("within" if per_request <= c.cost_per_request_usd else "over"),
        f"${per_user:,.2f} per user per month against a ceiling of "
        f"${c.cost_per_user_month_usd:g}: "
        + ("within" if per_user <= c.cost_per_user_month_usd else "over"),
    )
