"""Reverse planner: the cheapest GPU setups that meet Phase 1's latency and load targets.

For each open model it tries every GPU type × GPUs per replica (1, 2, 4, 8) × weight precision ×
KV-cache precision, finds the most requests per second one replica carries within the TTFT and
ITL targets (`playbook.estimates.serving.best_rate`), adds replicas until the peak load is
carried, and ranks what is left by dollars per hour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from playbook.analysis import Figures, figures
from playbook.catalog import Catalog, Gpu, OpenModel, find
from playbook.design import Design
from playbook.estimates.serving import (
    Efficiency,
    Load,
    ServingSetup,
    best_rate,
    engine_limits,
    load_efficiency,
    operating_point,
    sequences_that_fit,
)

GPU_COUNTS: tuple[int, ...] = (1, 2, 4, 8)
WEIGHT_PRECISIONS: tuple[str, ...] = ("bf16", "fp8", "int8", "int4")
KV_PRECISIONS: tuple[str, ...] = ("bf16", "fp8")


class Targets(BaseModel):
    """Phase 1's targets the planner must meet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttft_ms: float = Field(gt=0)
    itl_ms: float = Field(gt=0)
    qps: float = Field(gt=0)
    prompt_tokens: int = Field(1_500, ge=1)
    output_tokens: int = Field(300, ge=1)


class PlanRow(BaseModel):
    """One configuration that meets the targets, as a table row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    gpu: str
    gpus_per_replica: int
    precision: str
    kv_precision: str
    replicas: int
    total_gpus: int
    usd_per_hour: float
    qps_per_replica: float  # the most one replica carries within both latency targets
    ttft_ms: float  # at the target load, spread over the replicas
    itl_ms: float
    output_tokens_per_s: float  # all replicas together at the target load
    max_concurrency: int  # sequences one replica holds


class Plan(BaseModel):
    """The cheapest configurations first, how many were tried, and why none, when none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: tuple[PlanRow, ...]
    evaluated: int
    reason: str = ""


def configurations(
    models: Sequence[OpenModel],
    catalog: Catalog,
    targets: Targets,
    *,
    gpus: Sequence[Gpu] | None = None,
    precisions: Sequence[str] = WEIGHT_PRECISIONS,
    kv_precisions: Sequence[str] = KV_PRECISIONS,
    base: ServingSetup | None = None,
) -> list[ServingSetup]:
    """Return every setup the planner tries (one replica each).

    With `base` (a design's own setup) every option it has (context limit, prefix caching,
    speculative decoding, ...) is kept and only the GPU, its count and the precisions vary, so
    a row applied to the design gives the design exactly the row's numbers.
    """
    weights = [p for p in catalog.precisions if p.id in precisions]
    caches = [p for p in catalog.precisions if p.id in kv_precisions]
    if base is not None:
        return [
            base.model_copy(
                update={
                    "model": model,
                    "gpu": gpu,
                    "tensor_parallel": count,
                    "replicas": 1,
                    "precision": weight,
                    "kv_precision": cache,
                    # The engine's limits depend on the GPU and its count: what the design
                    # gets when the row is applied (`setup_from_design` validates them in).
                    **engine_limits(base.engine, gpu, count),
                }
            )
            for model in models
            for gpu in gpus or catalog.gpus
            for count in GPU_COUNTS
            for weight in weights
            for cache in caches
        ]
    return [
        ServingSetup.model_construct(  # trusted catalog objects: skip re-validation for speed
            model=model,
            gpu=gpu,
            tensor_parallel=count,
            precision=weight,
            kv_precision=cache,
            prompt_tokens=targets.prompt_tokens,
            output_tokens=targets.output_tokens,
            **engine_limits("vllm", gpu, count),  # what model_validate would fill in
        )
        for model in models
        for gpu in gpus or catalog.gpus
        for count in GPU_COUNTS
        for weight in weights
        for cache in caches
    ]


def _row(setup: ServingSetup, targets: Targets, rate: float, eff: Efficiency) -> PlanRow:
    replicas = max(1, math.ceil(targets.qps / rate))
    sized = setup.model_copy(update={"replicas": replicas})
    point = operating_point(sized, load=Load(qps=targets.qps), efficiency=eff)
    return PlanRow(
        model=setup.model.id,
        gpu=setup.gpu.id,
        gpus_per_replica=setup.tensor_parallel,
        precision=setup.precision.id,
        kv_precision=setup.kv_precision.id,
        replicas=replicas,
        total_gpus=replicas * setup.tensor_parallel,
        usd_per_hour=replicas * setup.tensor_parallel * setup.gpu.usd_per_hour,
        qps_per_replica=rate,
        ttft_ms=point.ttft_s * 1e3,
        itl_ms=point.itl_s * 1e3,
        output_tokens_per_s=point.output_tokens_per_s * replicas,
        max_concurrency=sequences_that_fit(setup),
    )


def _reason(targets: Targets, fitting: int, evaluated: int) -> str:
    if evaluated == 0:
        return "no configuration to try: check the model, GPU and precision choices"
    if fitting == 0:
        return "no configuration has room for the weights and one sequence of the context"
    return (
        f"none of the {fitting} configurations that fit in memory reaches TTFT ≤ "
        f"{targets.ttft_ms:g} ms and ITL ≤ {targets.itl_ms:g} ms even at the lightest load"
    )


def plan(
    models: Sequence[OpenModel],
    catalog: Catalog,
    targets: Targets,
    *,
    top: int = 10,
    gpus: Sequence[Gpu] | None = None,
    precisions: Sequence[str] = WEIGHT_PRECISIONS,
    kv_precisions: Sequence[str] = KV_PRECISIONS,
    efficiency: Efficiency | None = None,
    base: ServingSetup | None = None,
) -> Plan:
    """Return the `top` cheapest configurations that meet `targets`, by dollars per hour."""
    setups = configurations(
        models, catalog, targets, gpus=gpus, precisions=precisions, kv_precisions=kv_precisions,
        base=base,
    )  # fmt: skip
    return rank(setups, targets, top=top, efficiency=efficiency)


def rank(
    setups: Sequence[ServingSetup],
    targets: Targets,
    *,
    top: int = 10,
    efficiency: Efficiency | None = None,
) -> Plan:
    """Return the `top` cheapest of `setups` (one replica each) sized to meet `targets`."""
    eff = efficiency or load_efficiency()
    found: list[tuple[float, ServingSetup, float]] = []
    fitting = 0
    for setup in setups:
        if sequences_that_fit(setup) < 1:
            continue
        fitting += 1
        rate = best_rate(
            setup, ttft_s=targets.ttft_ms / 1e3, itl_s=targets.itl_ms / 1e3, efficiency=eff
        )
        if rate > 0:
            cost = math.ceil(targets.qps / rate) * setup.tensor_parallel * setup.gpu.usd_per_hour
            found.append((cost, setup, rate))
    found.sort(key=lambda item: (item[0], item[1].tensor_parallel, -item[2]))
    rows = tuple(_row(setup, targets, rate, eff) for _, setup, rate in found[:top])
    return Plan(
        rows=rows,
        evaluated=len(setups),
        reason="" if rows else _reason(targets, fitting, len(setups)),
    )


def row_setup(row: PlanRow, catalog: Catalog, targets: Targets) -> ServingSetup:
    """Return the deployment a plan row describes (to show its estimates with the math)."""
    return ServingSetup(
        model=find(catalog.open_models, row.model, what="model"),
        gpu=find(catalog.gpus, row.gpu, what="GPU"),
        tensor_parallel=row.gpus_per_replica,
        replicas=row.replicas,
        precision=find(catalog.precisions, row.precision, what="precision"),
        kv_precision=find(catalog.precisions, row.kv_precision, what="precision"),
        prompt_tokens=targets.prompt_tokens,
        output_tokens=targets.output_tokens,
    )


def plan_for_design(
    design: Design, catalog: Catalog, *, top: int = 8, analysis: Figures | None = None
) -> Plan | None:
    """Return the cheapest setups for the design's self-hosted model at its Phase 1 targets.

    The targets are the analysis's: the peak load on the model and the TTFT budget left once
    retrieval has run; each setup keeps the design's own options, so a row's numbers are the
    numbers the design gets when the row is applied.
    """
    found = analysis or figures(design, catalog, by_class=False)
    capacity = found.capacity
    if capacity is None:
        return None
    setup, qps = capacity.report.setup, capacity.report.load.qps
    if qps is None:
        return Plan(rows=(), evaluated=0, reason="the self-hosted model carries no traffic")
    if capacity.model_ttft_budget_ms <= 0:
        return Plan(
            rows=(),
            evaluated=0,
            reason="the stages before the model spend the whole TTFT budget: no GPU helps",
        )
    targets = Targets(
        ttft_ms=capacity.model_ttft_budget_ms,
        itl_ms=design.constraints.itl_ms,
        qps=qps,
        prompt_tokens=setup.prompt_tokens,
        output_tokens=setup.output_tokens,
    )
    return plan([setup.model], catalog, targets, top=top, base=setup)
