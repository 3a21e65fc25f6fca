"""Rules of Phase 3: hosted, self-hosted or routed models against the on-prem and cost asks."""

from __future__ import annotations

from collections.abc import Iterator

from playbook.catalog import find, ids, name_of
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.format import money
from playbook.labels import RUNGS
from playbook.rubric.base import Hit, ReviewContext, answer_node, label, named, rule


def _hosted_slots(design: Design, ctx: ReviewContext) -> list[tuple[str, str]]:
    """Return (diagram node, model id) for every model of the design called over an API."""
    hosted = ids(ctx.catalog.hosted_models)
    if design.model.kind == "hosted":
        return [("llm", design.model.hosted_model)]
    if design.model.kind == "routing" and design.model.large_model in hosted:
        return [("large_llm", design.model.large_model)]
    return []


def _open_slots(design: Design, ctx: ReviewContext) -> list[tuple[str, str]]:
    """Return (diagram node, model id) for every open-weights model the design runs."""
    if design.model.kind == "self_hosted":
        return [("llm", design.model.open_model)]
    if design.model.kind == "hosted":
        return []
    slots = [("small_llm", design.model.small_model)]
    if design.model.large_model in ids(ctx.catalog.open_models):
        slots.append(("large_llm", design.model.large_model))
    return slots


@rule(
    "model.hosted_on_prem",
    phase="model",
    severity="block",
    title="A hosted model with an on-prem requirement",
)
def hosted_on_prem(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """on_prem is on, yet prompts go to a hosted API."""
    if not design.constraints.on_prem:
        return
    for node, model_id in _hosted_slots(design, ctx):
        name = name_of(ctx.catalog.hosted_models, model_id)
        yield Hit(
            component=node,
            constraint="on_prem",
            message=f"{label('constraints.on_prem')} is on, but {name} is a hosted API: every "
            "prompt, with its retrieved documents, leaves the premises",
            fix="self-host an open-weights model (or route only to open-weights models)",
        )


def _cost_numbers(ctx: ReviewContext) -> tuple[Estimate, ...]:
    return ctx.cost_report.estimates


@rule(
    "model.cost_per_request_over",
    phase="model",
    severity="block",
    title="Cost per request over the ceiling",
)
def cost_per_request_over(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The monthly bill divided by the requests is above cost_per_request_usd."""
    report = ctx.cost_report
    if not report.over_request_ceiling:
        return
    yield Hit(
        component=answer_node(design),
        constraint="cost_per_request_usd",
        message=report.verdicts[0],
        numbers=_cost_numbers(ctx),
        fix="a smaller or cheaper model, routing the easy share to a small model, fewer or "
        "cheaper GPUs, or shorter prompts and answers",
    )


@rule(
    "model.cost_per_user_over",
    phase="model",
    severity="block",
    title="Cost per user per month over the ceiling",
)
def cost_per_user_over(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The monthly bill divided by the users is above cost_per_user_month_usd."""
    report = ctx.cost_report
    if not report.over_user_ceiling:
        return
    yield Hit(
        component=answer_node(design),
        constraint="cost_per_user_month_usd",
        message=report.verdicts[1],
        numbers=_cost_numbers(ctx),
        fix="a cheaper model or routing, fewer GPUs, or fewer or shorter requests per user",
    )


@rule(
    "model.routing_share_extreme",
    phase="model",
    severity="warn",
    title="A router that sends everything one way",
)
def routing_share_extreme(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Routing with a small-model share of 0% or 100%: one of the models never answers."""
    share = design.model.small_share_pct
    if design.model.kind != "routing" or share not in (0, 100):
        return
    idle = "small" if share == 0 else "large"
    yield Hit(
        component="router",
        constraint=None,
        message=f"the router sends {share}% of requests to the small model, so the {idle} model "
        "never answers: the router adds latency and a failure point for nothing",
        fix="choose one model (hosted or self-hosted), or set "
        f"{label('model.small_share_pct')} to the "
        "share of easy requests",
    )


@rule(
    "model.routing_costs_more",
    phase="model",
    severity="warn",
    title="Routing that costs more than the large model alone",
)
def routing_costs_more(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The small model's GPUs cost more per month than the large-model traffic they take."""
    saving = named(ctx.cost_report.estimates, "Routing saving per month")
    if saving is None or saving.value >= 0 or design.model.small_share_pct in (0, 100):
        return
    yield Hit(
        component="router",
        constraint="cost_per_user_month_usd",
        message=f"routing loses {money(-saving.value)} a month: the small model's GPUs, running "
        "all month, cost more than the "
        f"{design.model.small_share_pct}% of traffic they take off the large model",
        numbers=(saving,),
        fix="send everything to the large model, or give the small model a cheaper GPU or a "
        "larger share",
    )


@rule(
    "model.context_over_model_limit",
    phase="model",
    severity="block",
    title="Prompt and answer longer than the model's context",
)
def context_over_model_limit(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """avg_prompt_tokens + avg_output_tokens exceeds an open model's max_context."""
    c = design.constraints
    needed = c.avg_prompt_tokens + c.avg_output_tokens
    for node, model_id in _open_slots(design, ctx):
        model = find(ctx.catalog.open_models, model_id, what="open model")
        if needed <= model.max_context:
            continue
        yield Hit(
            component=node,
            constraint="avg_prompt_tokens + avg_output_tokens",
            message=f"{c.avg_prompt_tokens:,} prompt + {c.avg_output_tokens:,} output = "
            f"{needed:,} tokens, beyond {model.name}'s context of {model.max_context:,}: "
            "requests are cut or refused",
            fix="a model with a longer context, or fewer or shorter retrieved chunks",
        )


@rule(
    "model.trains_hosted_model",
    phase="model",
    severity="warn",
    title="Fine-tuning or pretraining a hosted model",
)
def trains_hosted_model(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A training rung on a model whose weights the team does not hold."""
    trained = [r for r in design.technique.rungs if r in ("lora", "continued_pretraining")]
    if not trained or design.model.kind != "hosted":
        return
    name = name_of(ctx.catalog.hosted_models, design.model.hosted_model)
    yield Hit(
        component="llm",
        constraint="style_gap",
        message=f"{' and '.join(RUNGS[r] for r in trained)} on {name}, a hosted API: the "
        "weights are not yours, so continued pretraining is impossible and a fine-tune exists "
        "only where the provider sells one",
        fix="self-host an open-weights model to train it, or check the provider's fine-tuning "
        "offer and name it in technique.justification",
    )


RULES = (
    hosted_on_prem,
    cost_per_request_over,
    cost_per_user_over,
    routing_share_extreme,
    routing_costs_more,
    context_over_model_limit,
    trains_hosted_model,
)
