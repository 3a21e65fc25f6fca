"""A serving setup, its load and efficiency factors, and how many sequences fit in memory."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import NamedTuple, TypedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playbook.catalog import Gpu, OpenModel, Precision
from playbook.estimates.base import GIB
from playbook.estimates.memory import (
    kv_bytes_per_sequence,
)
from playbook.estimates.serving.engines import EngineId, engine

# vLLM's defaults on a GPU under 70 GiB: gpu_memory_utilization=0.9 and max_num_seqs=256 (vLLM
# engine arguments). Each engine's own defaults, by GPU, are in playbook/data/engines.json.
DEFAULT_UTILIZATION = 0.9
DEFAULT_MAX_NUM_SEQS = 256
# An engine whose batch only memory limits (none today) gets this cap.
UNLIMITED_SEQS = 1 << 20
# Tensor-parallel all-reduces move activations in 16 bits (assumption: FP8 engines still reduce
# in BF16/FP16).
ACTIVATION_BYTES = 2
# Activations, CUDA graphs and NCCL buffers per GPU; vLLM measures this at start-up (typically
# 1-4 GiB). An assumption, not fitted.
OVERHEAD_GIB_PER_GPU = 2.0
# A draft model (or EAGLE-style head) step costs about this share of a target step (assumption).
DRAFT_COST = 0.05
# With prefix caching on, the share of prompt tokens found in the cache (shared system prompt and
# instructions; assumption used when a design only says "on").
DEFAULT_PREFIX_HIT_RATE = 0.25
DEFAULT_ACCEPTANCE_RATE = 0.7
DEFAULT_DRAFT_TOKENS = 4
EFFICIENCY_SOURCE = "playbook/data/efficiency.json (fitted on published measurements)"


class Efficiency(BaseModel):
    """Physical efficiency factors of the serving model, fitted on published measurements."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    compute: float = Field(gt=0, le=1)  # share of dense peak FLOPS the matrix multiplies reach
    bandwidth: float = Field(gt=0, le=1)  # share of peak HBM bandwidth a decode step reaches
    # Share of peak HBM bandwidth attention reaches reading the KV cache: paged attention kernels
    # gather scattered blocks, unlike the weights' long contiguous reads (None: `bandwidth`).
    kv_bandwidth: float | None = Field(None, gt=0, le=1)
    link: float = Field(0.7, gt=0, le=1)  # share of the interconnect bandwidth all-reduces reach
    allreduce_us: float = Field(ge=0)  # latency of one tensor-parallel all-reduce
    # Over PCIe (no NVLink or Infinity Fabric) an all-reduce goes through the host's switches, a
    # latency of its own (None: the same as over a GPU link).
    allreduce_pcie_us: float | None = Field(None, ge=0)
    # Each doubling of the GPUs beyond 2 adds this share of the 2-GPU latency: NCCL's tree and
    # ring algorithms take more steps on more GPUs (log2(tp) for a tree). 0: the same latency at
    # every TP size.
    allreduce_growth: float = Field(0.0, ge=0, le=4)
    request_overhead_ms: float = Field(ge=0)  # per request served over HTTP: API, tokenising
    sequence_us: float = Field(0.0, ge=0)  # per sequence per step: sampling, scheduling, updates
    # Share of the shorter of a kernel group's memory time and compute time that hides under the
    # longer: 1 is the classic roofline's max; below 1 part of it adds (the small matrix
    # multiplies of a short prefill neither stream weights at full speed nor reach peak FLOPS).
    overlap: float = Field(1.0, ge=0, le=1)
    # Squared coefficient of variation of the arrivals a closed loop makes (a fixed number of
    # clients, each sending its next request when the last ends): 1 is Poisson; fixed-length
    # requests finish and return in bursts, so prefills queue longer than M/D/1's.
    closed_loop_cv2: float = Field(1.0, ge=0, le=10)
    # The exponent of a narrower format's peak-FLOPS gain over BF16 that kernels realise (1: all
    # of it): quantised GEMMs spend time on scales and conversions the data sheet's peak omits.
    narrow_gain: float = Field(1.0, ge=0, le=1)
    # CPU time per forward pass (scheduling, launches, sampling), per engine.
    step_ms_vllm: float = Field(1.0, ge=0)
    step_ms_sglang: float = Field(1.0, ge=0)
    step_ms_tensorrt_llm: float = Field(1.0, ge=0)
    step_ms_tgi: float = Field(1.0, ge=0)

    def allreduce_latency_us(self, interconnect: str | None, tensor_parallel: int = 2) -> float:
        """Return one all-reduce's latency over `interconnect` (None: PCIe) among `tensor_parallel`.

        latency(tp) = latency(2) × (1 + growth × (log2 tp - 1)): at growth 0.5, 20 µs on 2 GPUs
        is 20 × (1 + 0.5 × (3 - 1)) = 40 µs on 8.
        """
        base = self.allreduce_us
        if interconnect in (None, "pcie") and self.allreduce_pcie_us is not None:
            base = self.allreduce_pcie_us
        doublings = math.log2(max(tensor_parallel, 2)) - 1
        return base * (1 + self.allreduce_growth * doublings)

    def kv_bandwidth_share(self) -> float:
        """Return the share of peak bandwidth reading the KV cache reaches."""
        return self.bandwidth if self.kv_bandwidth is None else self.kv_bandwidth

    def step_overhead_ms(self, engine_id: EngineId) -> float:
        """Return the fitted CPU time per forward pass of `engine_id`."""
        value: float = getattr(self, f"step_ms_{engine_id}")
        return value

    def describe(self, engine_id: EngineId = "vllm") -> str:
        """Return the factors as one readable line."""
        return (
            f"efficiency fitted on published measurements: {self.compute:.0%} of peak FLOPS, "
            f"{self.bandwidth:.0%} of peak bandwidth reading weights and "
            f"{self.kv_bandwidth_share():.0%} reading the KV cache, "
            f"{self.link:.0%} of the interconnect's, "
            f"{self.overlap:.0%} of the shorter of memory and compute time hidden under the "
            f"longer, {self.step_overhead_ms(engine_id):.2g} ms per step "
            f"({engine(engine_id).name}), {self.sequence_us:.3g} µs per sequence per step, "
            f"a closed loop's arrivals at a squared coefficient of variation of "
            f"{self.closed_loop_cv2:.2g} (Poisson: 1), "
            f"{self.request_overhead_ms:.3g} ms per served request, {self.allreduce_us:.3g} µs "
            f"latency per all-reduce over NVLink or Infinity Fabric, "
            f"{self.allreduce_latency_us('pcie'):.3g} µs over PCIe (on 2 GPUs; each doubling "
            f"beyond adds {self.allreduce_growth:.0%} of it)"
        )


@cache
def load_efficiency() -> Efficiency:
    """Return the fitted factors shipped in `playbook/data/efficiency.json` (read once)."""
    text = resources.files("playbook").joinpath("data/efficiency.json").read_text("utf-8")
    return Efficiency.model_validate(json.loads(text)["factors"])


class Load(BaseModel):
    """The traffic: requests per second (open loop), or requests in flight per replica."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    qps: float | None = Field(None, gt=0)  # arrivals per second over all replicas (Poisson)
    concurrency: float | None = Field(None, gt=0)  # requests in flight per replica

    @model_validator(mode="after")
    def _one_kind(self) -> Load:
        if self.qps is not None and self.concurrency is not None:
            raise ValueError("give qps or concurrency, not both")
        return self

    def describe(self) -> str:
        """Return the load in words."""
        if self.qps is not None:
            return f"{self.qps:g} requests/s (Poisson arrivals)"
        if self.concurrency is not None:
            return f"{self.concurrency:g} requests in flight per replica"
        return "as many requests in flight as a replica holds"


class ServingSetup(BaseModel):
    """One self-hosted deployment: model, GPUs, number formats, request shape and engine options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: OpenModel
    gpu: Gpu
    tensor_parallel: int = Field(1, ge=1, le=64)  # GPUs per replica
    replicas: int = Field(1, ge=1)
    precision: Precision  # weights
    kv_precision: Precision
    prompt_tokens: int = Field(ge=1)
    output_tokens: int = Field(ge=1)
    max_context: int | None = Field(None, ge=1)  # None: the model's own limit
    engine: EngineId = "vllm"
    served: bool = True  # behind an HTTP API (False: an engine-only benchmark, no request cost)
    # Unset: the engine's default for this GPU and TP size (playbook/data/engines.json).
    gpu_memory_utilization: float = Field(DEFAULT_UTILIZATION, gt=0, le=1)
    max_num_seqs: int = Field(DEFAULT_MAX_NUM_SEQS, ge=1)
    prefill_chunk_tokens: int | None = Field(None, ge=1)  # None: a prompt in one pass
    speculative_decoding: bool = False
    acceptance_rate: float = Field(DEFAULT_ACCEPTANCE_RATE, ge=0, lt=1)
    draft_tokens: int = Field(DEFAULT_DRAFT_TOKENS, ge=1, le=16)
    prefix_cache_hit_rate: float = Field(0.0, ge=0, lt=1)

    @model_validator(mode="before")
    @classmethod
    def _engine_defaults(cls, data: object) -> object:
        """Fill the limits the caller left unset with the engine's defaults for this GPU."""
        if not isinstance(data, dict) or "gpu" not in data:
            return data
        gpu = data["gpu"] if isinstance(data["gpu"], Gpu) else Gpu.model_validate(data["gpu"])
        limits = engine_limits(data.get("engine", "vllm"), gpu, int(data.get("tensor_parallel", 1)))
        return {**limits, **data}

    @property
    def context_tokens(self) -> int:
        """Tokens one sequence holds at its end: prompt plus output, capped by the context."""
        limit = min(self.max_context or self.model.max_context, self.model.max_context)
        return min(self.prompt_tokens + self.output_tokens, limit)

    @property
    def gpus(self) -> int:
        """GPUs over all replicas."""
        return self.tensor_parallel * self.replicas

    def describe(self) -> str:
        """Return the setup in one line, e.g. 'Llama 3.1 8B on 1× H100 SXM, bf16 weights'."""
        return (
            f"{self.model.name} on {self.tensor_parallel}× {self.gpu.name} × {self.replicas} "
            f"replica(s), {self.precision.id} weights, {self.kv_precision.id} KV cache"
        )


class EngineLimits(TypedDict):
    """The setup fields an engine's defaults fill in."""

    gpu_memory_utilization: float
    max_num_seqs: int
    prefill_chunk_tokens: int | None


def engine_limits(engine_id: EngineId, gpu: Gpu, tensor_parallel: int) -> EngineLimits:
    """Return the engine's default memory fraction, batch limit and prefill chunk for a GPU."""
    chosen = engine(engine_id)
    return {
        "gpu_memory_utilization": chosen.gpu_memory_utilization(gpu, tensor_parallel),
        "max_num_seqs": chosen.max_num_seqs(gpu, tensor_parallel) or UNLIMITED_SEQS,
        "prefill_chunk_tokens": chosen.chunk_tokens(gpu, tensor_parallel),
    }


class OperatingPoint(NamedTuple):
    """The steady state of one replica under a load (seconds, requests and tokens per second)."""

    batch: float  # sequences decoding together (0: nothing fits)
    request_rate: float  # requests finished per second by the replica
    output_tokens_per_s: float  # the replica's output tokens per second, all requests together
    ttft_s: float
    itl_s: float
    step_s: float  # decode time per token, before other requests' prefills interrupt it
    prefill_s: float
    prefill_busy: float  # share of GPU time spent on other requests' prefills
    queue_wait_s: float  # waiting for earlier prefills
    slot_wait_s: float  # waiting for a free sequence slot
    overloaded: bool  # arrivals exceed what the replica can finish: the queue grows


# --- memory: what fits ------------------------------------------------------------------------


def _compute_tflops(gpu: Gpu, precision: Precision, gain: float = 1.0) -> float:
    """Dense TFLOPS of the tensor math `precision` runs on (bf16 when the GPU lacks it).

    `gain` is the exponent of the narrower format's peak gain over BF16 that kernels realise:
    FP4 at 4× the BF16 peak and gain 0.8 reaches 4^0.8 = 3.03× (1 takes the data sheet's gain).
    """
    bf16 = gpu.dense_tflops["bf16"]
    return bf16 * math.pow(gpu.dense_tflops.get(precision.compute, bf16) / bf16, gain)


def _kv_replication(setup: ServingSetup) -> float:
    """How many copies of each KV entry tensor parallelism keeps over a replica's GPUs."""
    if setup.model.attention == "mla":  # the latent is not split by head: every GPU holds it
        return float(setup.tensor_parallel)
    return max(1.0, setup.tensor_parallel / setup.model.kv_heads)  # fewer KV heads than GPUs


def kv_space_bytes(setup: ServingSetup) -> float:
    """Return the bytes left for the KV cache on one replica (negative: the weights do not fit)."""
    tp = setup.tensor_parallel
    memory = setup.gpu.memory_bytes * tp
    weights = setup.model.total_params * setup.precision.bytes_per_value
    overhead = OVERHEAD_GIB_PER_GPU * GIB * tp
    if engine(setup.engine).memory_fraction_of == "free":
        # TensorRT-LLM: the KV cache takes its fraction of what the weights and activations leave.
        free = memory - weights - overhead
        return setup.gpu_memory_utilization * free if free > 0 else free
    # vLLM, SGLang: the fraction bounds weights, activations and KV cache together.
    return setup.gpu_memory_utilization * memory - weights - overhead


def sequence_bytes(setup: ServingSetup, tokens: int | None = None) -> float:
    """Return the KV bytes one sequence of `tokens` (default: its whole context) takes."""
    count = setup.context_tokens if tokens is None else tokens
    per_copy = kv_bytes_per_sequence(setup.model, setup.kv_precision, max(count, 1))
    return per_copy * _kv_replication(setup)


def sequences_that_fit(setup: ServingSetup) -> int:
    """Return how many sequences of the setup's context fit in one replica's KV space."""
    space = kv_space_bytes(setup)
    return max(0, math.floor(space / sequence_bytes(setup))) if space > 0 else 0
