"""The load searches the peer drivers share; standard library only (they run in a peer's venv).

Each takes the peer's estimate as a function, so tests/unit/test_bench_peers.py checks them with a
fake one, without any peer installed.
"""

from __future__ import annotations

import math
from collections.abc import Callable

# One estimate at a batch: (ttft ms, itl ms, output tokens/s, request latency ms, fits in memory).
Point = tuple[float, float, float, float, bool]
Estimate = Callable[[int], Point]

LITTLE_ITERATIONS = 8


def little_batch(estimate: Estimate, qps: float, cap: int) -> int | None:
    """Return N with N = ceil(qps x latency(N)) (fixed-point iteration), None past `cap`."""
    batch = 1
    for _ in range(LITTLE_ITERATIONS):
        latency_ms = estimate(batch)[3]
        wanted = max(1, math.ceil(qps * latency_ms / 1000))
        if wanted > cap:
            return None
        if wanted == batch:
            return batch
        batch = wanted
    return batch


def largest_batch(fits: Callable[[int], bool], cap: int) -> int:
    """Return the largest batch in [1, cap] that fits (bisection; fits is monotone), 0 if none."""
    if not fits(1):
        return 0
    low, high = 1, cap
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low
