"""Whether a setup fits on its GPUs, and which single change would make it fit."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from playbook.catalog import Precision
from playbook.estimates.base import GIB, Estimate
from playbook.estimates.serving.numbers import kv_space, max_concurrency, weights_per_gpu
from playbook.estimates.serving.setup import (
    OVERHEAD_GIB_PER_GPU,
    ServingSetup,
    kv_space_bytes,
    sequence_bytes,
    sequences_that_fit,
)

# --- does it fit, and what would make it fit ---------------------------------------------------


class Fix(BaseModel):
    """One change that would make a setup fit, and how many sequences would then fit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    change: str  # "more GPUs", "lower precision", "FP8 KV cache", "shorter context"
    detail: str
    max_concurrency: int


class MemoryFit(BaseModel):
    """Whether the weights and at least one full sequence fit on a replica, with the math."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fits: bool
    verdict: str
    weights_per_gpu: Estimate
    kv_space: Estimate
    max_concurrency: Estimate
    fixes: tuple[Fix, ...] = ()


def _longest_context(setup: ServingSetup) -> int:
    """Return the longest context one sequence can hold (0: not even one token)."""
    space = kv_space_bytes(setup)
    low, high = 0, setup.context_tokens
    while low < high:  # bisection: sliding windows make bytes per sequence non-linear
        middle = (low + high + 1) // 2
        low, high = (middle, high) if sequence_bytes(setup, middle) <= space else (low, middle - 1)
    return low


def _candidates(
    setup: ServingSetup, precisions: Sequence[Precision]
) -> list[tuple[str, str, ServingSetup]]:
    """Return each single change worth trying, in the order a reader would try them."""
    found: list[tuple[str, str, dict[str, object]]] = [
        ("more GPUs", f"{n} GPUs per replica (tensor parallel {n})", {"tensor_parallel": n})
        for n in (2, 4, 8)
        if n > setup.tensor_parallel
    ]
    lower = sorted(precisions, key=lambda p: -p.bytes_per_value)
    found += [
        (
            "lower precision",
            f"{p.id} weights ({p.bytes_per_value:g} B per parameter)",
            {"precision": p},
        )
        for p in lower
        if p.bytes_per_value < setup.precision.bytes_per_value
    ]
    found += [
        (
            "FP8 KV cache",
            f"store the KV cache in {p.id} ({p.bytes_per_value:g} B)",
            {"kv_precision": p},
        )
        for p in precisions
        if p.id == "fp8" and p.bytes_per_value < setup.kv_precision.bytes_per_value
    ]
    longest = _longest_context(setup)
    if longest >= min(setup.prompt_tokens, 256):
        detail = f"cap the context at {longest:,} tokens (prompt + output)"
        found.append(("shorter context", detail, {"max_context": longest}))
    return [(change, detail, setup.model_copy(update=update)) for change, detail, update in found]


def _fixes(setup: ServingSetup, precisions: Sequence[Precision]) -> tuple[Fix, ...]:
    """Return the first change of each kind that makes the setup fit."""
    fixes: dict[str, Fix] = {}
    for change, detail, changed in _candidates(setup, precisions):
        count = sequences_that_fit(changed) if change not in fixes else 0
        if count:
            fixes[change] = Fix(change=change, detail=detail, max_concurrency=count)
    return tuple(fixes.values())


def memory_fit(setup: ServingSetup, *, precisions: Sequence[Precision] = ()) -> MemoryFit:
    """Return whether the setup fits, and if not, which fixes (from `precisions`) would."""
    count = sequences_that_fit(setup)
    weights = weights_per_gpu(setup)
    budget = setup.gpu_memory_utilization * setup.gpu.memory_bytes
    if count:
        verdict = (
            f"Fits: {count:,} sequences of {setup.context_tokens:,} tokens per replica, "
            f"{weights.value:,.1f} GiB of weights per GPU"
        )
    elif kv_space_bytes(setup) + OVERHEAD_GIB_PER_GPU * GIB * setup.tensor_parallel <= 0:
        verdict = (
            f"Does not fit: {weights.value:,.1f} GiB of weights per GPU against a budget of "
            f"{budget / GIB:,.1f} GiB ({setup.gpu_memory_utilization:.0%} of "
            f"{setup.gpu.memory_gb:g} {setup.gpu.memory_unit})"
        )
    else:
        verdict = (
            f"Does not fit: after the weights there is no room for one sequence of "
            f"{setup.context_tokens:,} tokens"
        )
    return MemoryFit(
        fits=count > 0,
        verdict=verdict,
        weights_per_gpu=weights,
        kv_space=kv_space(setup),
        max_concurrency=max_concurrency(setup),
        fixes=() if count else _fixes(setup, precisions),
    )
