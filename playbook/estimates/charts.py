"""The data behind the pictures: memory per GPU, latency against load, cost by model class."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from playbook.design import ModelKind
from playbook.estimates.base import GIB
from playbook.estimates.serving import (
    OVERHEAD_GIB_PER_GPU,
    Load,
    ServingSetup,
    kv_cache_in_use,
    operating_point,
    sequences_that_fit,
    weights_per_gpu,
)

SWEEP_POINTS = 12


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MemorySlice(_Row):
    """One part of a GPU's memory, in GiB."""

    part: str
    gib: float


class LoadPoint(_Row):
    """Latency and throughput of one replica with `concurrency` requests in flight."""

    concurrency: int
    itl_ms: float
    ttft_ms: float
    tokens_per_s: float


class ClassCost(_Row):
    """The monthly cost of the design if Phase 3 chose `kind`."""

    kind: ModelKind
    usd_per_month: float


def memory_breakdown(setup: ServingSetup, *, load: Load) -> tuple[MemorySlice, ...]:
    """Return one GPU's memory split into weights, KV cache in use, reserved, and free."""
    total = setup.gpu.memory_bytes / GIB
    weights = weights_per_gpu(setup).value
    kv = kv_cache_in_use(setup, load=load).value / setup.tensor_parallel
    reserved = OVERHEAD_GIB_PER_GPU + (1 - setup.gpu_memory_utilization) * total
    free = max(0.0, total - weights - kv - reserved)
    return (
        MemorySlice(part="Weights", gib=weights),
        MemorySlice(part="KV in use", gib=kv),
        MemorySlice(part="Reserved", gib=reserved),
        MemorySlice(part="Free", gib=free),
    )


def concurrency_sweep(setup: ServingSetup, *, points: int = SWEEP_POINTS) -> tuple[LoadPoint, ...]:
    """Return ITL, TTFT and output tokens/s of one replica from 1 request to as many as fit."""
    most = sequences_that_fit(setup)
    if most < 1:
        return ()
    # Geometric steps show both the single-user and the saturated end of the curve.
    steps = sorted({max(1, round(most ** (i / (points - 1)))) for i in range(points)})
    sweep = []
    for concurrency in steps:
        point = operating_point(setup, load=Load(concurrency=concurrency))
        if math.isfinite(point.ttft_s) and math.isfinite(point.itl_s):
            sweep.append(
                LoadPoint(
                    concurrency=concurrency,
                    itl_ms=point.itl_s * 1e3,
                    ttft_ms=point.ttft_s * 1e3,
                    tokens_per_s=point.output_tokens_per_s,
                )
            )
    return tuple(sweep)
