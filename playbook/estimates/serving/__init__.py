"""Serving estimates: what fits on the GPUs, time to first token, inter-token latency, throughput.

The model is a roofline per forward pass — prefill is compute-bound at 2 × parameters FLOPs per
token (Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2), a decode step is memory-bound on reading
the weights and the KV cache (Pope et al. 2022, arXiv:2211.05102 §2) — scaled by a few efficiency
factors fitted on published measurements (`playbook/data/efficiency.json`, fitted by
`playbook.estimates.calibration`). On top sits a queueing model of continuous batching: other
requests' prefills interrupt the decode steps, a new request waits for earlier prefills
(M/D/1, Pollaczek-Khinchine) and, when every slot is taken, for a free one (Little's law).
"""

from __future__ import annotations

from playbook.estimates.serving.core import (
    allreduce_bytes_per_token,
    best_rate,
    expected_tokens_per_step,
    operating_point,
    roofline,
    weight_bytes_read,
)
from playbook.estimates.serving.engines import (
    CLI_NAMES,
    ENGINE_IDS,
    Engine,
    EngineId,
    engine,
    load_engines,
)
from playbook.estimates.serving.fit import (
    Fix,
    MemoryFit,
    memory_fit,
)
from playbook.estimates.serving.numbers import (
    itl,
    kv_cache_in_use,
    kv_space,
    max_concurrency,
    output_throughput,
    prefill_time,
    ttft,
    weights_per_gpu,
)
from playbook.estimates.serving.report import (
    ServingReport,
    design_load,
    replicas_needed,
    self_hosted_share,
    serving_report,
    setup_from_design,
)
from playbook.estimates.serving.setup import (
    DEFAULT_ACCEPTANCE_RATE,
    DEFAULT_DRAFT_TOKENS,
    DEFAULT_MAX_NUM_SEQS,
    DEFAULT_PREFIX_HIT_RATE,
    DEFAULT_UTILIZATION,
    DRAFT_COST,
    EFFICIENCY_SOURCE,
    OVERHEAD_GIB_PER_GPU,
    Efficiency,
    Load,
    OperatingPoint,
    ServingSetup,
    engine_limits,
    kv_space_bytes,
    load_efficiency,
    sequence_bytes,
    sequences_that_fit,
)

__all__ = [
    "CLI_NAMES",
    "DEFAULT_ACCEPTANCE_RATE",
    "DEFAULT_DRAFT_TOKENS",
    "DEFAULT_MAX_NUM_SEQS",
    "DEFAULT_PREFIX_HIT_RATE",
    "DEFAULT_UTILIZATION",
    "DRAFT_COST",
    "EFFICIENCY_SOURCE",
    "ENGINE_IDS",
    "OVERHEAD_GIB_PER_GPU",
    "Efficiency",
    "Engine",
    "EngineId",
    "Fix",
    "Load",
    "MemoryFit",
    "OperatingPoint",
    "ServingReport",
    "ServingSetup",
    "allreduce_bytes_per_token",
    "best_rate",
    "design_load",
    "engine",
    "engine_limits",
    "expected_tokens_per_step",
    "itl",
    "kv_cache_in_use",
    "kv_space",
    "kv_space_bytes",
    "load_efficiency",
    "load_engines",
    "max_concurrency",
    "memory_fit",
    "operating_point",
    "output_throughput",
    "prefill_time",
    "replicas_needed",
    "roofline",
    "self_hosted_share",
    "sequence_bytes",
    "sequences_that_fit",
    "serving_report",
    "setup_from_design",
    "ttft",
    "weight_bytes_read",
    "weights_per_gpu",
]
