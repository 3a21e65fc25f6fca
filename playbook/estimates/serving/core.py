"""The numeric core: a replica's latency and throughput as plain floats, fast for the planner."""

from __future__ import annotations

import math
from typing import NamedTuple

from playbook.catalog import OpenModel, Precision
from playbook.estimates.serving.setup import (
    DRAFT_COST,
    Efficiency,
    Load,
    OperatingPoint,
    ServingSetup,
    _compute_tflops,
    load_efficiency,
    sequence_bytes,
    sequences_that_fit,
)

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
