"""The verdicts: every figure against its budget, ceiling or load, decided here and only here."""

from __future__ import annotations

from playbook.analysis.figures import Bill, Capacity, Check, Timeline
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.format import count, duration


def _latency(design: Design, timeline: Timeline) -> list[Check]:
    c, node, state = design.constraints, timeline.model_node, timeline.state
    before = timeline.before_model_ms
    if timeline.ttft_ms is None:
        why = state.reason or "no estimate"
        return [
            Check(id="ttft", ok=False, node=node, text=f"First token: no estimate: {why}"),
            Check(id="total_response", ok=False, node=node,
                  text=f"Whole answer: no estimate: {why}"),
            *_itl(design, timeline),
        ]  # fmt: skip
    ttft = timeline.ttft_ms
    model = timeline.model_ttft_ms or 0.0
    split = f" ({duration(before)} before the model + {duration(model)} model)" if before else ""
    checks = [
        Check(
            id="ttft",
            ok=ttft <= c.ttft_ms,
            node=node,
            text=f"First token in {duration(ttft)} end to end{split} against a budget of "
            f"{c.ttft_ms:,} ms",
            estimate=_estimate("First token, end to end", ttft, timeline, first=True),
        ),
        *_itl(design, timeline),
    ]
    total = timeline.total_ms
    if total is not None:
        checks.append(
            Check(
                id="total_response",
                ok=total <= c.total_response_s * 1e3,
                node=node,
                text=f"Whole answer of {c.avg_output_tokens:,} tokens in {duration(total)} "
                f"against a budget of {c.total_response_s:g} s",
                estimate=_estimate("Whole answer, end to end", total, timeline, first=False),
            )
        )
    return checks


def _itl(design: Design, timeline: Timeline) -> list[Check]:
    itl = timeline.itl_ms
    if itl is None:
        return []
    budget = design.constraints.itl_ms
    return [
        Check(
            id="itl",
            ok=itl <= budget,
            node=timeline.model_node,
            text=f"ITL {duration(itl)} against a target of {budget:,} ms",
        )
    ]


def _estimate(name: str, value: float, timeline: Timeline, *, first: bool) -> Estimate:
    steps = [s for s in timeline.steps if s.ms is not None and (s.before_first_token or not first)]
    parts = " + ".join(
        f"{s.name} {duration(s.ms)}" + (" (beside the search)" if s.parallel_with else "")
        for s in steps
    )
    return Estimate(
        name=name,
        value=value,
        unit="ms",
        formula="the sum of the stages in order; a stage beside another counts only where it "
        "is slower",
        worked=f"{parts} = {duration(value)}",
        assumptions=(f"the path of {timeline.path}",),
    )


def _capacity(design: Design, capacity: Capacity) -> list[Check]:
    node = "small_llm" if design.model.kind == "routing" else "llm"
    fit = capacity.report.fit
    checks = [Check(id="fit", ok=fit.fits, node=node, text=fit.verdict)]
    if not fit.fits:
        return checks
    if capacity.state.kind == "overloaded":
        checks.append(Check(id="load", ok=False, node=node, text=capacity.state.reason))
    chosen, needed = capacity.replicas_chosen, capacity.replicas_needed
    text = (
        f"{chosen} replica(s) chosen; {count(needed)} needed at peak"
        if needed
        else f"{chosen} replica(s) chosen; no number of replicas meets both latency targets: "
        "change GPU, precision or model"
    )
    checks.append(
        Check(
            id="replicas",
            ok=needed is not None and chosen >= needed,
            node=node,
            text=text,
            estimate=capacity.replicas,
        )
    )
    return checks


def _cost(design: Design, bill: Bill) -> list[Check]:
    node = "router" if design.model.kind == "routing" else "llm"
    per_request, per_user = bill.verdicts
    return [
        Check(id="cost_per_request", ok=bill.within_request_ceiling, node=node, text=per_request),
        Check(id="cost_per_user", ok=bill.within_user_ceiling, node=node, text=per_user),
    ]


def checks(
    design: Design, timeline: Timeline, capacity: Capacity | None, bill: Bill
) -> tuple[Check, ...]:
    """Return every verdict of the design, in the order the pages list them."""
    found = _capacity(design, capacity) if capacity else []
    return (*found, *_latency(design, timeline), *_cost(design, bill))
