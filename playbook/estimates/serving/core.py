"""The numeric core: a replica's latency and throughput as plain floats, fast for the planner."""

from __future__ import annotations

import math
from typing import NamedTuple

from playbook.catalog import OpenModel, Precision
from playbook.estimates.serving.engines import engine
from playbook.estimates.serving.setup import (
    ACTIVATION_BYTES,
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
    prefill_flops: float  # the prompt's prefill FLOPs (new tokens; attention to cached ones)
    prefill_attention_flops: float  # the attention part of them
    prefill_tokens: float  # new prompt tokens (not found in the prefix cache)
    chunks: int  # forward passes the prefill is split into (chunked prefill)
    mixed: bool  # prefill chunks ride in the decode step (continuous batching)
    request_s: float  # per served request (HTTP, tokenising); 0 for an engine-only run
    decode_tokens: float  # output tokens after the first, which the prefill produces
    output_tokens: float
    max_batch: int
    weight_bytes: float
    active_share: float | None  # mixture-of-experts: active ÷ total parameters
    kv_seq_bytes: float  # KV one decoding sequence holds on average
    flops_per_token: float  # decode FLOPs per token, attention at the average context included
    attention_flops_per_token: float  # the attention part of them
    bytes_per_s: float  # effective bandwidth of the replica
    kv_bytes_per_s: float  # and reading the KV cache
    flops_per_s: float  # effective FLOPS of the replica's weight matrix multiplies
    attention_flops_per_s: float  # and of attention, which runs in the KV cache's number format
    step_s: float  # the engine's CPU time per forward pass
    sequence_s: float  # and per sequence in it
    overlap: float  # share of the shorter of memory and compute time hidden under the longer
    closed_cv2: float  # squared coefficient of variation of a closed loop's arrivals
    allreduces: int  # per forward pass: 2 per layer under tensor parallelism, else 0
    allreduce_s: float  # latency of one all-reduce
    allreduce_token_s: float  # wire time of one token's activations in one all-reduce
    spec: tuple[float, int] | None  # (acceptance rate, draft tokens) when speculating


def allreduce_bytes_per_token(setup: ServingSetup) -> float:
    """Return the bytes each GPU sends per token in one ring all-reduce: 2(tp-1)/tp × hidden × 2."""
    # A ring all-reduce of S bytes over tp GPUs sends 2(tp-1)/tp × S from every GPU (reduce-scatter
    # then all-gather; Patarasuk & Yuan 2009). S = hidden × 2 bytes per token (16-bit activations).
    tp = setup.tensor_parallel
    return 2 * (tp - 1) / tp * setup.model.hidden_size * ACTIVATION_BYTES


def _allreduce_parts(setup: ServingSetup, eff: Efficiency) -> tuple[int, float, float]:
    # Megatron-LM tensor parallelism: two all-reduces per layer per forward pass (Shoeybi et al.
    # 2019, arXiv:1909.08053 §3), each a latency plus its bytes over the GPU's link.
    if setup.tensor_parallel == 1:
        return 0, 0.0, 0.0
    link = setup.gpu.link_gbps * 1e9 * eff.link
    latency = eff.allreduce_latency_us(setup.gpu.interconnect, setup.tensor_parallel) * 1e-6
    return 2 * setup.model.layers, latency, allreduce_bytes_per_token(setup) / link


def _allreduce_s(setup: ServingSetup, eff: Efficiency, tokens: float = 1.0) -> float:
    """Return the all-reduce time of one forward pass over `tokens` tokens."""
    count, latency, per_token = _allreduce_parts(setup, eff)
    return count * (latency + tokens * per_token)


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


def _chunks(setup: ServingSetup, new_tokens: float) -> int:
    if setup.prefill_chunk_tokens is None:
        return 1
    return max(1, math.ceil(new_tokens / setup.prefill_chunk_tokens))


def _core(setup: ServingSetup, eff: Efficiency) -> _Core:
    tp = setup.tensor_parallel
    flops = _compute_tflops(setup.gpu, setup.precision, eff.narrow_gain) * 1e12 * tp * eff.compute
    bw = setup.gpu.bandwidth_tbs * 1e12 * tp * eff.bandwidth
    model = setup.model
    average = min(setup.prompt_tokens + setup.output_tokens // 2, setup.context_tokens)
    attention = 2 * model.layers * average * model.attention_heads * model.head_dim
    cached = setup.prompt_tokens * setup.prefix_cache_hit_rate
    new = setup.prompt_tokens - cached
    count, latency, per_token = _allreduce_parts(setup, eff)
    return _Core(
        prefill_flops=_prefill_flops(model, new, cached),
        prefill_attention_flops=_prefill_flops(model, new, cached)
        - new * 2 * model.params_per_token,
        prefill_tokens=new,
        chunks=_chunks(setup, new),
        mixed=engine(setup.engine).mixed_batching,
        request_s=eff.request_overhead_ms / 1e3 if setup.served else 0.0,
        decode_tokens=float(setup.output_tokens - 1),
        output_tokens=float(setup.output_tokens),
        max_batch=min(sequences_that_fit(setup), setup.max_num_seqs),
        weight_bytes=model.total_params * setup.precision.bytes_per_value,
        active_share=model.active_params / model.total_params if model.active_params else None,
        kv_seq_bytes=sequence_bytes(setup, average),
        flops_per_token=2 * model.params_per_token + attention,
        attention_flops_per_token=attention,
        bytes_per_s=bw,
        kv_bytes_per_s=setup.gpu.bandwidth_tbs * 1e12 * tp * eff.kv_bandwidth_share(),
        flops_per_s=flops,
        attention_flops_per_s=_compute_tflops(setup.gpu, setup.kv_precision, eff.narrow_gain)
        * 1e12
        * tp
        * eff.compute,
        step_s=eff.step_overhead_ms(setup.engine) / 1e3,
        sequence_s=eff.sequence_us / 1e6,
        overlap=eff.overlap,
        closed_cv2=eff.closed_loop_cv2,
        allreduces=count,
        allreduce_s=latency,
        allreduce_token_s=per_token,
        spec=(setup.acceptance_rate, setup.draft_tokens) if setup.speculative_decoding else None,
    )


def roofline(memory_s: float, compute_s: float, overlap: float) -> float:
    """Return a kernel group's time: the longer of memory and compute, plus the unhidden rest.

    overlap 1 is the classic roofline, max(memory, compute) (Williams et al. 2009); below 1 the
    share 1 - overlap of the shorter adds: 3 ms of reading and 2 ms of math at overlap 0.6 take
    3 + 0.4 × 2 = 3.8 ms.
    """
    return max(memory_s, compute_s) + (1 - overlap) * min(memory_s, compute_s)


def _pass(core: _Core, batch: float, tokens_per_sequence: int, prompt: float = 0.0) -> float:
    """One forward pass: `batch` decoding sequences plus `prompt` prefill tokens riding along.

    Two rooflines added, as the kernels run one after the other: the weight matrix multiplies
    (reading the weights, or bound by their FLOPs at large batches) and attention (reading each
    sequence's KV cache, or bound by its FLOPs for long prompts); then the engine's CPU time per
    step and the tensor-parallel all-reduces.
    """
    tokens = batch * tokens_per_sequence
    weights = core.weight_bytes
    if core.active_share is not None:  # MoE: the experts the decode and prefill tokens touch
        weights *= 1 - math.pow(1 - core.active_share, max(tokens + prompt, 1.0))
    share = prompt / core.prefill_tokens if core.prefill_tokens else 0.0
    dense = (core.prefill_flops - core.prefill_attention_flops) * share
    dense += tokens * (core.flops_per_token - core.attention_flops_per_token)
    attention = core.prefill_attention_flops * share + tokens * core.attention_flops_per_token
    matmuls = roofline(weights / core.bytes_per_s, dense / core.flops_per_s, core.overlap)
    kv = roofline(
        batch * core.kv_seq_bytes / core.kv_bytes_per_s,
        attention / core.attention_flops_per_s,
        core.overlap,
    )
    wire = core.allreduces * (core.allreduce_s + (tokens + prompt) * core.allreduce_token_s)
    cpu = core.step_s + (batch + (1 if prompt else 0)) * core.sequence_s
    return matmuls + kv + cpu + wire


def _step(core: _Core, batch: float, tokens_per_sequence: int) -> float:
    """One decode forward pass: memory-bound on weights + KV, or compute-bound for big batches."""
    return _pass(core, batch, tokens_per_sequence)


def _prefill(core: _Core, batch: float) -> tuple[float, float]:
    """Return (a prompt's prefill time, the time it adds to the replica) beside `batch` decoders.

    Mixed batching (vLLM, TensorRT-LLM): each chunk rides in a decode step, so the prefill adds
    only its compute, all-reduce bytes and the experts it touches beyond the decoders'. Otherwise
    (SGLang, TGI) each chunk is a forward pass of its own while the decoders wait.
    """
    chunk = core.prefill_tokens / core.chunks
    if core.mixed:
        with_chunk = _pass(core, batch, 1, chunk)
        return core.chunks * with_chunk, core.chunks * (with_chunk - _pass(core, batch, 1))
    alone = core.chunks * _pass(core, 0.0, 1, chunk)
    return alone, alone


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


def _request_rate(core: _Core, token_s: float, batch: float, prefill: tuple[float, float]) -> float:
    """Requests per second that keep `batch` sequences busy (Little's law, solved exactly)."""
    (p, e), k = prefill, core.decode_tokens
    others = max(0.0, (batch - 1) / batch)  # a sequence is not interrupted by its own prefill
    if k == 0:
        return min(batch, 1.0) / p  # no decode: prefills run back to back
    if others == 0 or e <= 0:
        return batch / (p + k * token_s)
    # batch = X·(p + k·ITL), ITL = token_s / u, u = 1 - X·e·others (e: the time a prefill adds);
    # in u this is the quadratic p·u² + (k·token_s + batch·e·others - p)·u - k·token_s = 0, whose
    # positive root we take.
    b_term = k * token_s + batch * e * others - p
    u = (-b_term + math.sqrt(b_term * b_term + 4 * p * k * token_s)) / (2 * p)
    return min((1 - u) / (e * others), 0.999 / e)


def _at_batch(core: _Core, batch: float, arrival_cv2: float = 1.0) -> OperatingPoint:
    """Return the steady state with `batch` sequences decoding together.

    `arrival_cv2` is the squared coefficient of variation of the arrivals: 1 for Poisson, more
    for the bursts a closed loop of fixed-length requests makes.
    """
    token_s = _token_seconds(core, batch)
    others = max(0.0, (batch - 1) / batch)
    prefill_s, added_s = _prefill(core, max(batch - 1, 0.0))
    rate = _request_rate(core, token_s, batch, (prefill_s, added_s))
    busy = min(rate * added_s * others, 0.999)
    # Wait for the prefills ahead, Kingman's G/D/1 approximation W = ca²·rho·S / (2(1 - rho)), S the
    # time a prefill adds (ca² = 1: M/D/1, Pollaczek-Khinchine exactly), plus half a decode step
    # on average until the running step ends.
    queue = arrival_cv2 * busy * added_s / (2 * (1 - busy)) + others * _step(core, batch, 1) / 2
    return OperatingPoint(
        batch=batch,
        request_rate=rate,
        output_tokens_per_s=rate * core.output_tokens,
        ttft_s=core.request_s + queue + prefill_s,
        itl_s=token_s / (1 - busy),
        step_s=token_s,
        prefill_s=prefill_s,
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
    point = _at_batch(core, batch, core.closed_cv2)
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
