"""Time the reverse planner on 1,000 configurations (median of several runs)."""

from __future__ import annotations

import statistics
import time

from playbook.catalog import Catalog, find
from playbook.planner import Targets, configurations, rank

# 4 models × 10 GPUs × 4 GPU counts × 4 weight precisions × 2 KV precisions = 1,280 setups;
# the first 1,000 are planned.
MODELS = ("llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b", "qwen2.5-32b")
TARGETS = Targets(ttft_ms=800, itl_ms=50, qps=10, prompt_tokens=1_500, output_tokens=300)
CONFIGURATIONS = 1_000
RUNS = 7


def run(catalog: Catalog) -> float:
    """Print and return the median seconds the planner takes over 1,000 configurations."""
    models = [find(catalog.open_models, model_id, what="model") for model_id in MODELS]
    setups = configurations(models, catalog, TARGETS)[:CONFIGURATIONS]
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = rank(setups, TARGETS)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print("== Planner timing ==")
    print(
        f"{result.evaluated:,} configurations ({', '.join(MODELS)}; every GPU × 1/2/4/8 GPUs × "
        f"weight × KV precision), targets {TARGETS.model_dump()}"
    )
    print(
        f"median of {RUNS} runs: {median * 1e3:,.1f} ms "
        f"({median / result.evaluated * 1e6:,.1f} µs per configuration, "
        f"fastest {min(seconds) * 1e3:,.1f} ms, slowest {max(seconds) * 1e3:,.1f} ms)"
    )
    cheapest = result.rows[0] if result.rows else None
    print(
        f"cheapest: {cheapest.replicas}× {cheapest.gpus_per_replica}× {cheapest.gpu} "
        f"{cheapest.model} {cheapest.precision}/{cheapest.kv_precision} "
        f"${cheapest.usd_per_hour:g}/h"
        if cheapest
        else f"no configuration: {result.reason}"
    )
    return median
