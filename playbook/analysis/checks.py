"""The verdicts: every figure against its budget, ceiling or load, decided here and only here."""

from __future__ import annotations

from playbook.analysis.figures import Bill, Capacity, Check, Timeline
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.format import count, duration


def _latency(design: Design, timeline: Timeline) -> list[Check]:
    found = _path(
        design, "", timeline.model_node, timeline.state.reason,
        (timeline.ttft_ms, timeline.model_ttft_ms, timeline.itl_ms, timeline.total_ms),
        before=timeline.before_model_ms,
        estimates=(
            _estimate("First token, end to end", timeline.ttft_ms, timeline, first=True),
            _estimate("Whole answer, end to end", timeline.total_ms, timeline, first=False),
        ),
    )  # fmt: skip
    large = timeline.large
    if large is not None:
        found += _path(
            design, f"Large model ({large.name.removeprefix('the large model, ')}): ",
            large.node, large.state.reason,
            (large.ttft_ms, large.model_ttft_ms, large.itl_ms, large.total_ms),
            before=timeline.before_model_ms, estimates=(large.first_token, None),
        )  # fmt: skip
    return found


def _path(
    design: Design,
    prefix: str,
    node: str,
    reason: str,
    figures: tuple[float | None, float | None, float | None, float | None],
    *,
    before: float,
    estimates: tuple[Estimate | None, Estimate | None],
) -> list[Check]:
    """Return the TTFT, ITL and whole-answer verdicts of one model's path."""
    c = design.constraints
    ttft, model, itl, total = figures
    found = []
    if ttft is None:
        why = reason or "no estimate"
        found += [
            Check(id="ttft", ok=False, node=node, text=f"{prefix}First token: no estimate: {why}"),
            Check(id="total_response", ok=False, node=node,
                  text=f"{prefix}Whole answer: no estimate: {why}"),
        ]  # fmt: skip
    else:
        split = (
            f" ({duration(before)} before the model + {duration(model)} model)" if before else ""
        )
        found.append(
            Check(
                id="ttft",
                ok=ttft <= c.ttft_ms,
                figure=ttft,
                node=node,
                estimate=estimates[0],
                text=f"{prefix}First token in {duration(ttft)} end to end{split} against a "
                f"budget of {c.ttft_ms:,} ms",
            )
        )
    if itl is not None:
        found.append(
            Check(
                id="itl",
                ok=itl <= c.itl_ms,
                figure=itl,
                node=node,
                text=f"{prefix}ITL {duration(itl)} against a target of {c.itl_ms:,} ms",
            )
        )
    if ttft is not None and total is not None:
        found.append(
            Check(
                id="total_response",
                ok=total <= c.total_response_s * 1e3,
                figure=total,
                node=node,
                estimate=estimates[1],
                text=f"{prefix}Whole answer of {c.avg_output_tokens:,} tokens in "
                f"{duration(total)} against a budget of {c.total_response_s:g} s",
            )
        )
    return found


def _estimate(
    name: str, value: float | None, timeline: Timeline, *, first: bool
) -> Estimate | None:
    if value is None:
        return None
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
