"""Capacity: whether the self-hosted model fits, carries the peak, and the replicas it needs.

The serving estimates themselves live in `playbook.estimates.serving`; this module only puts
them together for one design: the load, the TTFT budget left once retrieval has run, the
replicas needed within it, and a `State` with its reason where a figure cannot exist.
"""

from __future__ import annotations

import math
import re

from playbook.analysis.figures import OK, Capacity, State
from playbook.catalog import Catalog, find
from playbook.design import Design
from playbook.estimates.base import GIB, Estimate
from playbook.estimates.charts import concurrency_sweep, memory_breakdown
from playbook.estimates.cost import fleet_usd_per_month
from playbook.estimates.serving import (
    ServingReport,
    ServingSetup,
    engine_limits,
    operating_point,
    replicas_needed,
    sequences_that_fit,
    serving_report,
)
from playbook.format import count, memory

REPLICAS = "Replicas needed at peak"
MODEL_TTFT = "Model's time to first token (queue + prefill)"


def fit_state(report: ServingReport) -> State:
    """Return 'does not fit' with the weights against the memory, or OK when it fits."""
    if report.fit.fits:
        return OK
    setup = report.setup
    weights = report.fit.weights_per_gpu.value * setup.tensor_parallel
    gpus = setup.gpu.memory_bytes / GIB * setup.tensor_parallel
    usable = setup.gpu_memory_utilization * gpus
    if weights >= usable:
        reason = f"does not fit: {memory(weights)} of weights on {memory(gpus)}"
    else:
        reason = (
            f"does not fit: after {memory(weights)} of weights there is no room on "
            f"{memory(gpus)} for one sequence of {setup.context_tokens:,} tokens"
        )
    return State(kind="does_not_fit", reason=reason)


def _load_state(report: ServingReport, overloaded: bool, needed: int | None) -> State:
    if not overloaded:
        return OK
    qps = report.load.qps or 0.0
    replicas = report.setup.replicas
    more = (
        f"needs {count(needed)} replicas"
        if needed
        else "no number of replicas meets the latency targets"
    )
    return State(
        kind="overloaded",
        reason=f"overloaded: {count(qps)} QPS on {replicas} replica(s) {more}",
    )


def _replicas(report: ServingReport, design: Design, budget_ms: float) -> Estimate:
    """Return the replicas that carry the peak with the TTFT budget left for the model."""
    if budget_ms <= 0:
        return Estimate(
            name=REPLICAS,
            value=0.0,
            unit="replicas",
            formula="ceil(peak requests/s ÷ most requests/s one replica carries within TTFT "
            "and ITL)",
            worked=f"retrieval and guardrails spend the whole {design.constraints.ttft_ms:,} ms "
            "TTFT budget before the model starts: no number of replicas helps",
        )
    return replicas_needed(
        report.setup,
        qps=report.load.qps or 0.0,
        ttft_ms=budget_ms,
        itl_ms=design.constraints.itl_ms,
    )


def capacity(
    design: Design, catalog: Catalog, *, before_model_ms: float, served: Design
) -> Capacity | None:
    """Return the capacity of `served` (the design as the model sees it); None when all hosted.

    `before_model_ms` is what gateway, guardrails and retrieval spend of the TTFT budget.
    """
    report = serving_report(served, catalog)
    if report is None:
        return None
    budget = design.constraints.ttft_ms - before_model_ms
    replicas = _replicas(report, design, budget)
    needed = int(replicas.value) if math.isfinite(replicas.value) and replicas.value > 0 else None
    point = operating_point(report.setup, load=report.load)
    state = fit_state(report)
    if state.ok:
        state = _load_state(report, point.overloaded, needed)
    # An estimate that cannot exist (the queue grows without bound) is left out: the state says
    # why, and no page prints an infinity.
    shown = tuple(
        _renamed(e) for e in report.estimates if e.name != REPLICAS and math.isfinite(e.value)
    )
    fits = report.fit.fits
    return Capacity(
        state=state,
        report=report,
        point=point,
        replicas_chosen=report.setup.replicas,
        replicas_needed=needed,
        replicas=replicas if needed else None,
        model_ttft_budget_ms=budget,
        estimates=(*shown, replicas) if fits and needed else shown,
        memory=memory_breakdown(report.setup, load=report.load) if fits else (),
        sweep=concurrency_sweep(report.setup) if fits else (),
    )


def _renamed(estimate: Estimate) -> Estimate:
    # The end-to-end first token is the timeline's; this one is the model's share of it.
    if estimate.name == "Time to first token":
        return estimate.model_copy(update={"name": MODEL_TTFT})
    if estimate.unit == "GiB" and estimate.value < 0:
        # Memory is never negative: what is missing is said in words, the figure is none left.
        missing = re.sub(r"= -([\d,.]+ \w+)$", r"= nothing left: \1 short", estimate.worked)
        return estimate.model_copy(update={"value": 0.0, "worked": missing})
    return estimate


GPU_COUNTS = (1, 2, 4, 8)


def large_fleet(
    design: Design, catalog: Catalog, capacity: Capacity, qps: float
) -> tuple[Estimate, ServingSetup]:
    """Return the fleet a self-hosted large model needs to carry `qps` within the targets.

    Same GPU type and engine options as the small model, the fewest GPUs per replica that fit,
    and the replicas that meet both latency targets (one when none does), paid in full.
    """
    base = capacity.report.setup
    model = find(catalog.open_models, design.model.large_model)
    setup = base.model_copy(update={"model": model, "replicas": 1})
    for tp in GPU_COUNTS:
        limits = engine_limits(base.engine, base.gpu, tp)  # they depend on the GPU count
        setup = base.model_copy(
            update={"model": model, "replicas": 1, "tensor_parallel": tp, **limits}
        )
        if sequences_that_fit(setup):
            break
    needed = replicas_needed(
        setup, qps=qps, ttft_ms=capacity.model_ttft_budget_ms, itl_ms=design.constraints.itl_ms
    ).value
    count = int(needed) if needed == needed and 0 < needed < float("inf") else 1
    sized = setup.model_copy(update={"replicas": max(1, count)})
    fleet = fleet_usd_per_month(sized)
    note = (
        f"sized to carry {qps:g} QPS within the TTFT and ITL targets"
        if count == needed
        else "no replica count meets the latency targets (or it does not fit): priced at one "
        "replica"
    )
    return fleet.model_copy(
        update={
            "name": f"{model.name} fleet (large model)",
            "assumptions": (*fleet.assumptions, note),
        }
    ), sized
