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

import json
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playbook.catalog import Catalog, Gpu, OpenModel, Precision, find
from playbook.design import Design
from playbook.estimates.base import GIB, Estimate
from playbook.estimates.memory import (
    kv_bytes_per_sequence,
    kv_bytes_per_token,
    kv_cache_memory,
    weights_memory,
)

# vLLM defaults: gpu_memory_utilization=0.9 and max_num_seqs=256 (vLLM engine arguments,
# https://docs.vllm.ai/en/latest/models/engine_args.html).
DEFAULT_UTILIZATION = 0.9
DEFAULT_MAX_NUM_SEQS = 256
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
    step_overhead_ms: float = Field(ge=0)  # fixed cost per forward pass: launches, sampling
    request_overhead_ms: float = Field(ge=0)  # fixed cost per request: HTTP, tokenising
    allreduce_us: float = Field(ge=0)  # one tensor-parallel all-reduce

    def describe(self) -> str:
        """Return the factors as one readable line."""
        return (
            f"efficiency fitted on published measurements: {self.compute:.0%} of peak FLOPS, "
            f"{self.bandwidth:.0%} of peak bandwidth, {self.step_overhead_ms:.2g} ms per step, "
            f"{self.request_overhead_ms:.3g} ms per request, {self.allreduce_us:.3g} µs per "
            "all-reduce"
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
    gpu_memory_utilization: float = Field(DEFAULT_UTILIZATION, gt=0, le=1)
    max_num_seqs: int = Field(DEFAULT_MAX_NUM_SEQS, ge=1)
    speculative_decoding: bool = False
    acceptance_rate: float = Field(DEFAULT_ACCEPTANCE_RATE, ge=0, lt=1)
    draft_tokens: int = Field(DEFAULT_DRAFT_TOKENS, ge=1, le=16)
    prefix_cache_hit_rate: float = Field(0.0, ge=0, lt=1)

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


def _compute_tflops(gpu: Gpu, precision: Precision) -> float:
    """Dense TFLOPS of the tensor math `precision` runs on (bf16 when the GPU lacks it)."""
    return gpu.dense_tflops.get(precision.compute, gpu.dense_tflops["bf16"])


def _kv_replication(setup: ServingSetup) -> float:
    """How many copies of each KV entry tensor parallelism keeps over a replica's GPUs."""
    if setup.model.attention == "mla":  # the latent is not split by head: every GPU holds it
        return float(setup.tensor_parallel)
    return max(1.0, setup.tensor_parallel / setup.model.kv_heads)  # fewer KV heads than GPUs


def kv_space_bytes(setup: ServingSetup) -> float:
    """Return the bytes left for the KV cache on one replica (negative: the weights do not fit)."""
    tp = setup.tensor_parallel
    budget = setup.gpu_memory_utilization * setup.gpu.memory_gb * 1e9 * tp
    weights = setup.model.total_params * setup.precision.bytes_per_value
    return budget - weights - OVERHEAD_GIB_PER_GPU * GIB * tp


def sequence_bytes(setup: ServingSetup, tokens: int | None = None) -> float:
    """Return the KV bytes one sequence of `tokens` (default: its whole context) takes."""
    count = setup.context_tokens if tokens is None else tokens
    per_copy = kv_bytes_per_sequence(setup.model, setup.kv_precision, max(count, 1))
    return per_copy * _kv_replication(setup)


def sequences_that_fit(setup: ServingSetup) -> int:
    """Return how many sequences of the setup's context fit in one replica's KV space."""
    space = kv_space_bytes(setup)
    return max(0, math.floor(space / sequence_bytes(setup))) if space > 0 else 0


# --- the numeric core: fast, floats only (the planner evaluates thousands of setups) -----------


class _Core(NamedTuple):
    prefill_s: float
    request_s: float
    decode_tokens: float  # output tokens after the first, which the prefill produces
    output_tokens: float
    max_batch: int
    weight_bytes: float
    active_share: float | None  # mixture-of-experts: active ÷ total parameters
    kv_seq_bytes: float  # KV one decoding sequence holds on average
    flops_per_token: float  # decode FLOPs per token, attention at the average context included
    bytes_per_s: float  # effective bandwidth of the replica
    flops_per_s: float  # effective FLOPS of the replica
    fixed_step_s: float
    spec: tuple[float, int] | None  # (acceptance rate, draft tokens) when speculating


def _allreduce_s(setup: ServingSetup, eff: Efficiency) -> float:
    # Megatron-LM tensor parallelism: two all-reduces per layer per forward pass
    # (Shoeybi et al. 2019, arXiv:1909.08053 §3). Only their latency is modelled (fitted).
    return 2 * setup.model.layers * eff.allreduce_us * 1e-6 if setup.tensor_parallel > 1 else 0.0


def _prefill_flops(model: OpenModel, new_tokens: float, cached_tokens: float) -> float:
    # Kaplan et al. 2020 eq. 2.2: 2N + 2·layers·context·d_attn FLOPs per token; with causal
    # attention a new token sees the cached tokens plus half the new ones on average.
    d_attn = model.attention_heads * model.head_dim
    context = cached_tokens + new_tokens / 2
    return new_tokens * (2 * model.params_per_token + 2 * model.layers * context * d_attn)


def weight_bytes_read(model: OpenModel, precision: Precision, tokens: float) -> float:
    """Return the weight bytes a forward pass over `tokens` tokens reads (MoE: experts touched)."""
    total = model.total_params * precision.bytes_per_value
    if model.active_params is None:
        return total
    # Uniform, independent routing: a parameter is used by a token with chance active ÷ total, so
    # a batch of b tokens touches 1 - (1 - active/total)^b of them (b = 1: the active ones).
    share = model.active_params / model.total_params
    return total * (1 - math.pow(1 - share, max(tokens, 1.0)))


def _prefill_seconds(setup: ServingSetup, eff: Efficiency, flops: float, bw: float) -> float:
    cached = setup.prompt_tokens * setup.prefix_cache_hit_rate
    new = setup.prompt_tokens - cached
    compute = _prefill_flops(setup.model, new, cached) / flops
    memory = weight_bytes_read(setup.model, setup.precision, new) / bw
    return max(compute, memory) + eff.step_overhead_ms / 1e3 + _allreduce_s(setup, eff)


def _core(setup: ServingSetup, eff: Efficiency) -> _Core:
    tp = setup.tensor_parallel
    flops = _compute_tflops(setup.gpu, setup.precision) * 1e12 * tp * eff.compute
    bw = setup.gpu.bandwidth_tbs * 1e12 * tp * eff.bandwidth
    model = setup.model
    average = min(setup.prompt_tokens + setup.output_tokens // 2, setup.context_tokens)
    attention = 2 * model.layers * average * model.attention_heads * model.head_dim
    return _Core(
        prefill_s=_prefill_seconds(setup, eff, flops, bw),
        request_s=eff.request_overhead_ms / 1e3,
        decode_tokens=float(setup.output_tokens - 1),
        output_tokens=float(setup.output_tokens),
        max_batch=min(sequences_that_fit(setup), setup.max_num_seqs),
        weight_bytes=model.total_params * setup.precision.bytes_per_value,
        active_share=model.active_params / model.total_params if model.active_params else None,
        kv_seq_bytes=sequence_bytes(setup, average),
        flops_per_token=2 * model.params_per_token + attention,
        bytes_per_s=bw,
        flops_per_s=flops,
        fixed_step_s=eff.step_overhead_ms / 1e3 + _allreduce_s(setup, eff),
        spec=(setup.acceptance_rate, setup.draft_tokens) if setup.speculative_decoding else None,
    )


def _step(core: _Core, batch: float, tokens_per_sequence: int) -> float:
    """One decode forward pass: memory-bound on weights + KV, or compute-bound for big batches."""
    tokens = batch * tokens_per_sequence
    weights = core.weight_bytes
    if core.active_share is not None:
        weights *= 1 - math.pow(1 - core.active_share, max(tokens, 1.0))
    memory = (weights + batch * core.kv_seq_bytes) / core.bytes_per_s
    compute = tokens * core.flops_per_token / core.flops_per_s
    return max(memory, compute) + core.fixed_step_s


def expected_tokens_per_step(acceptance_rate: float, draft_tokens: int) -> float:
    """Return the tokens one verification step yields (Leviathan et al. 2023, eq. 1)."""
    # arXiv:2211.17192 §3.1: E[tokens] = (1 - a^(g+1)) / (1 - a); a acceptance rate, g drafts.
    return (1 - math.pow(acceptance_rate, draft_tokens + 1)) / (1 - acceptance_rate)


def _token_seconds(core: _Core, batch: float) -> float:
    plain = _step(core, batch, 1)
    if core.spec is None:
        return plain
    alpha, drafts = core.spec
    # The target verifies drafts + 1 tokens per sequence in one pass; the draft model runs
    # `drafts` small steps first. Engines switch speculation off where it does not pay
    # (vLLM's speculative_disable_by_batch_size), hence the min.
    verify = _step(core, batch, drafts + 1) + drafts * DRAFT_COST * plain
    return min(plain, verify / expected_tokens_per_step(alpha, drafts))


def _request_rate(core: _Core, token_s: float, batch: float, others: float) -> float:
    """Requests per second that keep `batch` sequences busy (Little's law, solved exactly)."""
    p, k = core.prefill_s, core.decode_tokens
    if k == 0:
        return min(batch, 1.0) / p  # no decode: prefills run back to back
    if others == 0:
        return batch / (p + k * token_s)
    # batch = X·(p + k·ITL), ITL = token_s / u, u = 1 - X·p·others; in u this is the quadratic
    # p·u² + (k·token_s + batch·p·others - p)·u - k·token_s = 0, whose positive root we take.
    b_term = k * token_s + batch * p * others - p
    u = (-b_term + math.sqrt(b_term * b_term + 4 * p * k * token_s)) / (2 * p)
    return min((1 - u) / (p * others), 0.999 / p)


def _at_batch(core: _Core, batch: float) -> OperatingPoint:
    """Return the steady state with `batch` sequences decoding together."""
    token_s = _token_seconds(core, batch)
    others = max(0.0, (batch - 1) / batch)  # a sequence is not interrupted by its own prefill
    rate = _request_rate(core, token_s, batch, others)
    busy = min(rate * core.prefill_s * others, 0.999)
    # M/D/1 wait for the prefills ahead (Pollaczek-Khinchine: W = rho·S / (2(1 - rho))), plus half a
    # decode step on average until the running step ends and the new prompt can join.
    queue = busy * core.prefill_s / (2 * (1 - busy)) + others * _step(core, batch, 1) / 2
    return OperatingPoint(
        batch=batch,
        request_rate=rate,
        output_tokens_per_s=rate * core.output_tokens,
        ttft_s=core.request_s + queue + core.prefill_s,
        itl_s=token_s / (1 - busy),
        step_s=token_s,
        prefill_s=core.prefill_s,
        prefill_busy=busy,
        queue_wait_s=queue,
        slot_wait_s=0.0,
        overloaded=False,
    )


_NOTHING_FITS = OperatingPoint(0.0, 0.0, 0.0, math.inf, math.inf, math.inf, math.inf, 0, 0, 0, True)


def _at_rate(core: _Core, rate: float) -> OperatingPoint:
    """Return the steady state at `rate` Poisson arrivals per second (bisection on the batch)."""
    if core.max_batch < 1:
        return _NOTHING_FITS
    full = _at_batch(core, core.max_batch)
    if rate >= full.request_rate:
        return full._replace(ttft_s=math.inf, slot_wait_s=math.inf, overloaded=True)
    low, high = 0.0, float(core.max_batch)
    for _ in range(48):
        middle = (low + high) / 2
        if _at_batch(core, middle).request_rate < rate:
            low = middle
        else:
            high = middle
    return _at_batch(core, high)


def _at_concurrency(core: _Core, concurrency: float) -> OperatingPoint:
    """Return the steady state with `concurrency` requests in flight (closed loop)."""
    if core.max_batch < 1:
        return _NOTHING_FITS
    batch = min(concurrency, core.max_batch)
    point = _at_batch(core, batch)
    wait = (concurrency - batch) / point.request_rate  # Little's law on the requests waiting
    return point._replace(ttft_s=point.ttft_s + wait, slot_wait_s=wait)


def operating_point(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> OperatingPoint:
    """Return one replica's steady state under `load` (default: as many requests as it holds)."""
    core = _core(setup, efficiency or load_efficiency())
    load = load or Load()
    if load.qps is not None:
        return _at_rate(core, load.qps / setup.replicas)
    return _at_concurrency(core, load.concurrency or max(core.max_batch, 1))


def best_rate(
    setup: ServingSetup, *, ttft_s: float, itl_s: float, efficiency: Efficiency | None = None
) -> float:
    """Return the most requests/s one replica carries within both latency targets (0: none)."""
    core = _core(setup, efficiency or load_efficiency())
    if core.max_batch < 1:
        return 0.0

    def meets(batch: float) -> bool:
        point = _at_batch(core, batch)
        return point.ttft_s <= ttft_s and point.itl_s <= itl_s

    if not meets(1e-9):
        return 0.0
    if meets(core.max_batch):
        return _at_batch(core, core.max_batch).request_rate * (1 - 1e-9)
    low, high = 1e-9, float(core.max_batch)
    for _ in range(24):
        middle = (low + high) / 2
        low, high = (middle, high) if meets(middle) else (low, middle)
    return _at_batch(core, low).request_rate


# --- estimates: each number with its formula, worked numbers, assumptions and sources ---------


def _sources(setup: ServingSetup) -> tuple[str, ...]:
    return (setup.model.source, setup.gpu.source, setup.precision.source)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if math.isfinite(seconds) else "unbounded"


def weights_per_gpu(setup: ServingSetup) -> Estimate:
    """Return the weight memory on each GPU of a replica (tensor parallelism splits it evenly)."""
    total = weights_memory(setup.model, setup.precision)
    per_gpu = total.value / setup.tensor_parallel
    return total.model_copy(
        update={
            "name": "Weights per GPU",
            "value": per_gpu,
            "formula": "parameters × bytes per parameter ÷ GPUs per replica",
            "worked": f"{total.worked} ÷ {setup.tensor_parallel} = {per_gpu:,.1f} GiB",
        }
    )


def kv_space(setup: ServingSetup) -> Estimate:
    """Return the memory left for the KV cache on one replica."""
    tp, gpu = setup.tensor_parallel, setup.gpu
    space = kv_space_bytes(setup)
    weights = setup.model.total_params * setup.precision.bytes_per_value
    return Estimate(
        name="KV cache space per replica",
        value=space / GIB,
        unit="GiB",
        formula="utilisation × GPU memory × GPUs - weights - overhead × GPUs",
        worked=f"{setup.gpu_memory_utilization:g} × {gpu.memory_gb:g} GB × {tp} - "
        f"{weights / 1e9:,.1f} GB - {OVERHEAD_GIB_PER_GPU:g} GiB × {tp} = {space / 1e9:,.1f} GB",
        assumptions=(
            f"the engine may use {setup.gpu_memory_utilization:.0%} of each GPU's memory "
            "(vLLM's gpu_memory_utilization default is 0.9)",
            f"activations, CUDA graphs and communication buffers take {OVERHEAD_GIB_PER_GPU:g} "
            "GiB per GPU (vLLM measures this at start-up; 1-4 GiB is typical)",
        ),
        sources=(setup.gpu.source, setup.model.source, setup.precision.source),
    )


def max_concurrency(setup: ServingSetup) -> Estimate:
    """Return how many sequences of the setup's full context fit in one replica at once."""
    per_sequence = sequence_bytes(setup)
    count = sequences_that_fit(setup)
    assumptions = [
        f"each sequence holds its whole context ({setup.context_tokens:,} tokens = prompt + "
        "output, capped by the context limit) in the KV cache",
        f"the engine also caps running sequences at {setup.max_num_seqs} (vLLM's max_num_seqs)",
    ]
    if _kv_replication(setup) > 1:
        assumptions.append(
            f"tensor parallelism keeps {_kv_replication(setup):g} copies of each KV entry "
            "(more GPUs than KV heads, or MLA's latent on every GPU)"
        )
    return Estimate(
        name="Max concurrent sequences per replica",
        value=float(count),
        unit="sequences",
        formula="floor(KV cache space ÷ KV bytes per sequence)",
        worked=f"floor({max(kv_space_bytes(setup), 0) / 1e9:,.2f} GB ÷ "
        f"{per_sequence / 1e6:,.1f} MB) = {count:,}",
        assumptions=tuple(assumptions),
        sources=(setup.model.source, setup.gpu.source),
    )


def prefill_time(setup: ServingSetup, *, efficiency: Efficiency | None = None) -> Estimate:
    """Return one prompt's prefill time on an idle replica: compute-bound for long prompts."""
    eff = efficiency or load_efficiency()
    tp, model = setup.tensor_parallel, setup.model
    tflops = _compute_tflops(setup.gpu, setup.precision)
    new = setup.prompt_tokens * (1 - setup.prefix_cache_hit_rate)
    core = _core(setup, eff)
    seconds = core.prefill_s
    compute = _prefill_flops(model, new, setup.prompt_tokens - new) / core.flops_per_s
    read = weight_bytes_read(model, setup.precision, new)
    memory = read / core.bytes_per_s
    assumptions = [eff.describe()]
    if setup.prefix_cache_hit_rate:
        assumptions.append(
            f"prefix caching finds {setup.prefix_cache_hit_rate:.0%} of the prompt already "
            "computed, so only the rest is prefilled (attention still reads the cached part)"
        )
    if model.active_params:
        assumptions.append("mixture-of-experts: compute uses the active parameters per token")
    return Estimate(
        name="Prefill (idle replica)",
        value=seconds * 1e3,
        unit="ms",
        formula="max(2 × active params × new tokens (+ attention) ÷ (FLOPS × GPUs × efficiency), "
        "weights read ÷ (bandwidth × GPUs × efficiency)) + step overhead + all-reduces",
        worked=f"max({_prefill_flops(model, new, setup.prompt_tokens - new) / 1e12:,.1f} "
        f"TFLOP ÷ ({tflops:g} TFLOPS × {tp} × {eff.compute:.2f}) = {compute * 1e3:,.1f} ms, "
        f"{read / 1e9:,.1f} GB ÷ ({setup.gpu.bandwidth_tbs:g} TB/s × {tp} × "
        f"{eff.bandwidth:.2f}) = {memory * 1e3:,.1f} ms) + {eff.step_overhead_ms:.2g} ms + "
        f"{_allreduce_s(setup, eff) * 1e3:.2g} ms = {seconds * 1e3:,.1f} ms",
        assumptions=tuple(assumptions),
        sources=(
            *_sources(setup),
            "Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2",
            EFFICIENCY_SOURCE,
        ),
    )


def _load_assumption(setup: ServingSetup, load: Load, point: OperatingPoint) -> str:
    return (
        f"load: {load.describe()}; {point.batch:,.1f} sequences decode together per replica "
        f"(of at most {min(sequences_that_fit(setup), setup.max_num_seqs):,})"
    )


def ttft(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the mean time to first token under `load`: prefill plus the waits in front of it."""
    eff, load = efficiency or load_efficiency(), load or Load()
    point = operating_point(setup, load=load, efficiency=eff)
    return Estimate(
        name="Time to first token",
        value=point.ttft_s * 1e3,
        unit="ms",
        formula="request overhead + wait for a free slot + wait for earlier prefills "
        "(M/D/1: rho × prefill ÷ (2 × (1 - rho))) + half a decode step + prefill",
        worked=f"{eff.request_overhead_ms:.3g} ms + {_ms(point.slot_wait_s)} + "
        f"{_ms(point.queue_wait_s)} + {_ms(point.prefill_s)} = {_ms(point.ttft_s)}",
        assumptions=(
            _load_assumption(setup, load, point),
            f"rho = share of GPU time in other requests' prefills = {point.prefill_busy:.0%}",
            *(
                ("arrivals exceed what the replicas finish: the queue grows",)
                if point.overloaded
                else ()
            ),
            *prefill_time(setup, efficiency=eff).assumptions,
        ),
        sources=(
            *_sources(setup),
            "Pollaczek-Khinchine M/D/1 mean wait; Little's law",
            EFFICIENCY_SOURCE,
        ),
    )


def _decode_assumptions(setup: ServingSetup, eff: Efficiency, weights: float) -> list[str]:
    """Return what a decode step's estimate assumes for this setup."""
    assumptions = [eff.describe()]
    if setup.model.active_params:
        assumptions.append(
            "mixture-of-experts: a step reads the experts its batch touches, 1 - (1 - active ÷ "
            f"total)^tokens of the weights (uniform routing): {weights / 1e9:,.1f} GB here"
        )
    if setup.speculative_decoding:
        tokens = expected_tokens_per_step(setup.acceptance_rate, setup.draft_tokens)
        assumptions.append(
            f"speculative decoding: {setup.draft_tokens} draft tokens accepted at "
            f"{setup.acceptance_rate:.0%} give {tokens:.2f} tokens per target step (Leviathan et "
            f"al. 2023, eq. 1); a draft step costs {DRAFT_COST:.0%} of a target step; the engine "
            "turns speculation off when it would not pay"
        )
    if setup.tensor_parallel > 1:
        assumptions.append(f"2 all-reduces per layer per step, {eff.allreduce_us:.3g} µs each")
    return assumptions


def itl(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the mean inter-token latency under `load`: decode steps, slowed by other prefills."""
    eff, load = efficiency or load_efficiency(), load or Load()
    point = operating_point(setup, load=load, efficiency=eff)
    core = _core(setup, eff)
    batch = max(point.batch, 1.0)
    weights = weight_bytes_read(setup.model, setup.precision, batch)
    kv = point.batch * core.kv_seq_bytes
    bandwidth = setup.gpu.bandwidth_tbs * setup.tensor_parallel
    flops = _compute_tflops(setup.gpu, setup.precision) * setup.tensor_parallel
    memory = (weights + kv) / core.bytes_per_s
    compute = batch * core.flops_per_token / core.flops_per_s
    assumptions = [_load_assumption(setup, load, point), *_decode_assumptions(setup, eff, weights)]
    return Estimate(
        name="Inter-token latency",
        value=point.itl_s * 1e3,
        unit="ms",
        formula="max((weights read + batch × KV per sequence) ÷ (bandwidth × GPUs × efficiency), "
        "batch × FLOPs per token ÷ (FLOPS × GPUs × efficiency)) + step overhead + all-reduces, "
        "÷ tokens per step, ÷ (1 - share of time in other prefills)",
        worked=f"max(({weights / 1e9:,.1f} GB + {kv / 1e9:,.2f} GB) ÷ ({bandwidth:g} TB/s × "
        f"{eff.bandwidth:.2f}) = {memory * 1e3:,.1f} ms, {batch:,.1f} × "
        f"{core.flops_per_token / 1e9:,.1f} GFLOP ÷ ({flops:g} TFLOPS × {eff.compute:.2f}) = "
        f"{compute * 1e3:,.1f} ms) + {core.fixed_step_s * 1e3:.2g} ms"
        f"{' (speculative decoding per token)' if setup.speculative_decoding else ''} = "
        f"{_ms(point.step_s)} per token; ÷ (1 - {point.prefill_busy:.2f}) = {_ms(point.itl_s)}",
        assumptions=tuple(assumptions),
        sources=(*_sources(setup), "Pope et al. 2022, arXiv:2211.05102 §2", EFFICIENCY_SOURCE),
    )


def output_throughput(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the output tokens per second of all replicas, all requests together."""
    eff, load = efficiency or load_efficiency(), load or Load()
    point = operating_point(setup, load=load, efficiency=eff)
    total = point.output_tokens_per_s * setup.replicas
    return Estimate(
        name="Output throughput",
        value=total,
        unit="tokens/s",
        formula="requests finished per second × output tokens × replicas, where "
        "sequences in flight = requests/s × (prefill + (output - 1) × ITL) (Little's law)",
        worked=f"{point.request_rate:,.2f} req/s × {setup.output_tokens:,} tokens × "
        f"{setup.replicas} = {total:,.0f} tokens/s",
        assumptions=(_load_assumption(setup, load, point), eff.describe()),
        sources=(*_sources(setup), "Little's law", EFFICIENCY_SOURCE),
    )


def kv_cache_in_use(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the KV cache one replica holds under `load` (every sequence at full context)."""
    point = operating_point(setup, load=load or Load(), efficiency=efficiency)
    estimate = kv_cache_memory(
        setup.model,
        setup.kv_precision,
        tokens_per_sequence=setup.context_tokens,
        sequences=math.ceil(point.batch),
    )
    return estimate.model_copy(update={"value": estimate.value * _kv_replication(setup)})


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
    budget = setup.gpu_memory_utilization * setup.gpu.memory_gb
    if count:
        verdict = (
            f"Fits: {count:,} sequences of {setup.context_tokens:,} tokens per replica, "
            f"{weights.value:,.1f} GiB of weights per GPU"
        )
    elif kv_space_bytes(setup) + OVERHEAD_GIB_PER_GPU * GIB * setup.tensor_parallel <= 0:
        verdict = (
            f"Does not fit: {weights.value:,.1f} GiB of weights per GPU against a budget of "
            f"{budget * 1e9 / GIB:,.1f} GiB ({setup.gpu_memory_utilization:.0%} of "
            f"{setup.gpu.memory_gb:g} GB)"
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


# --- from a design -----------------------------------------------------------------------------


def setup_from_design(design: Design, catalog: Catalog) -> ServingSetup | None:
    """Return the self-hosted deployment of `design`, or None when every model is hosted."""
    # Routing designs serve their small model themselves (the design only allows open-weights
    # small models); a large open-weights model would need a second deployment, not sized here
    # (the cost report prices it per request on the same GPU type instead).
    if design.model.kind == "hosted":
        return None
    model_id = (
        design.model.open_model
        if design.model.kind == "self_hosted"
        else (design.model.small_model)
    )
    serving = design.serving
    return ServingSetup(
        model=find(catalog.open_models, model_id, what="open model"),
        gpu=find(catalog.gpus, serving.gpu, what="GPU"),
        tensor_parallel=serving.gpus_per_replica,
        replicas=serving.replicas,
        precision=find(catalog.precisions, serving.precision, what="precision"),
        kv_precision=find(catalog.precisions, serving.kv_cache_precision, what="precision"),
        prompt_tokens=design.constraints.avg_prompt_tokens,
        output_tokens=design.constraints.avg_output_tokens,
        max_context=serving.max_context_tokens,
        speculative_decoding=serving.speculative_decoding,
        prefix_cache_hit_rate=DEFAULT_PREFIX_HIT_RATE if serving.prefix_caching else 0.0,
    )


def self_hosted_share(design: Design) -> float:
    """Return the share of the traffic the self-hosted model carries (routing: the small share)."""
    return design.model.small_share_pct / 100 if design.model.kind == "routing" else 1.0


def design_load(design: Design) -> Load:
    """Return the peak load on the self-hosted model: Phase 1's peak QPS times its share."""
    qps = design.constraints.peak_qps * self_hosted_share(design)
    return Load(qps=qps) if qps > 0 else Load(concurrency=1)


def replicas_needed(
    setup: ServingSetup,
    *,
    qps: float,
    ttft_ms: float,
    itl_ms: float,
    efficiency: Efficiency | None = None,
) -> Estimate:
    """Return the replicas needed to carry `qps` within both latency targets (inf: none can)."""
    rate = best_rate(setup, ttft_s=ttft_ms / 1e3, itl_s=itl_ms / 1e3, efficiency=efficiency)
    count = math.ceil(qps / rate) if rate > 0 else math.inf
    return Estimate(
        name="Replicas needed at peak",
        value=float(count),
        unit="replicas",
        formula="ceil(peak requests/s ÷ most requests/s one replica carries within TTFT and ITL)",
        worked=f"ceil({qps:g} ÷ {rate:,.2f}) = {count:g}"
        if rate > 0
        else f"no load meets TTFT ≤ {ttft_ms:g} ms and ITL ≤ {itl_ms:g} ms on one replica",
        assumptions=(
            "latency grows with load; the search finds the highest load that still meets both",
            (efficiency or load_efficiency()).describe(),
        ),
        sources=(*_sources(setup), EFFICIENCY_SOURCE),
    )


class ServingReport(BaseModel):
    """Everything the serving page shows for a design's self-hosted model, each with its math."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    setup: ServingSetup
    load: Load
    role: str
    fit: MemoryFit
    estimates: tuple[Estimate, ...]
    meets_ttft: bool
    meets_itl: bool
    enough_replicas: bool
    verdicts: tuple[str, ...]


def _verdicts(design: Design, fit: MemoryFit, numbers: dict[str, Estimate]) -> tuple[str, ...]:
    c = design.constraints
    found = [
        fit.verdict,
        *(f"Fix: {fix.detail} ({fix.max_concurrency:,} sequences)" for fix in fit.fixes),
    ]
    if fit.fits:
        found.append(f"TTFT {numbers['ttft'].shown()} against a target of {c.ttft_ms} ms")
        found.append(f"ITL {numbers['itl'].shown()} against a target of {c.itl_ms} ms")
        needed = numbers["replicas"].value
        found.append(
            f"{design.serving.replicas} replica(s) chosen; {needed:g} needed at peak"
            if math.isfinite(needed)
            else "no number of replicas meets both latency targets: change GPU, precision or model"
        )
    return tuple(found)


def _under_load(
    design: Design, setup: ServingSetup, load: Load, eff: Efficiency
) -> dict[str, Estimate]:
    """Return the design's latency, throughput and replica estimates at its peak load."""
    return {
        "ttft": ttft(setup, load=load, efficiency=eff),
        "itl": itl(setup, load=load, efficiency=eff),
        "throughput": output_throughput(setup, load=load, efficiency=eff),
        "replicas": replicas_needed(
            setup,
            qps=load.qps or 0.0,
            ttft_ms=design.constraints.ttft_ms,
            itl_ms=design.constraints.itl_ms,
            efficiency=eff,
        ),
    }


def serving_report(
    design: Design, catalog: Catalog, *, efficiency: Efficiency | None = None
) -> ServingReport | None:
    """Return the serving estimates of `design`'s self-hosted model, or None when all hosted."""
    setup = setup_from_design(design, catalog)
    if setup is None:
        return None
    eff, load = efficiency or load_efficiency(), design_load(design)
    fit = memory_fit(setup, precisions=catalog.precisions)
    numbers = _under_load(design, setup, load, eff)
    share = self_hosted_share(design)
    role = (
        "the self-hosted model"
        if share == 1
        else f"the small model, carrying {share:.0%} of traffic"
    )
    head = (
        fit.weights_per_gpu,
        kv_bytes_per_token(setup.model, setup.kv_precision),
        fit.kv_space,
        fit.max_concurrency,
        prefill_time(setup, efficiency=eff),
    )
    return ServingReport(
        setup=setup,
        load=load,
        role=role,
        fit=fit,
        estimates=head + (tuple(numbers.values()) if fit.fits else ()),
        meets_ttft=fit.fits and numbers["ttft"].value <= design.constraints.ttft_ms,
        meets_itl=fit.fits and numbers["itl"].value <= design.constraints.itl_ms,
        enough_replicas=fit.fits and numbers["replicas"].value <= setup.replicas,
        verdicts=_verdicts(design, fit, numbers),
    )
