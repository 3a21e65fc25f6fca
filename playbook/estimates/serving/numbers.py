"""Serving estimates with their math: weights, KV, concurrency, prefill, TTFT, ITL, throughput."""

from __future__ import annotations

import math

from playbook.estimates.base import GIB, Estimate
from playbook.estimates.memory import (
    kv_cache_memory,
    weights_memory,
)
from playbook.estimates.serving.core import (
    _allreduce_s,
    _core,
    _prefill,
    allreduce_bytes_per_token,
    expected_tokens_per_step,
    operating_point,
    roofline,
    weight_bytes_read,
)
from playbook.estimates.serving.engines import engine
from playbook.estimates.serving.setup import (
    DRAFT_COST,
    EFFICIENCY_SOURCE,
    OVERHEAD_GIB_PER_GPU,
    Efficiency,
    Load,
    OperatingPoint,
    ServingSetup,
    _compute_tflops,
    _kv_replication,
    kv_space_bytes,
    load_efficiency,
    sequence_bytes,
    sequences_that_fit,
)
from playbook.format import number

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


def _fraction_of(kind: str) -> str:
    return "the memory the weights leave free" if kind == "free" else "each GPU's memory"


def kv_space(setup: ServingSetup) -> Estimate:
    """Return the memory left for the KV cache on one replica."""
    tp, gpu = setup.tensor_parallel, setup.gpu
    space = kv_space_bytes(setup)
    weights = setup.model.total_params * setup.precision.bytes_per_value
    chosen = engine(setup.engine)
    memory = f"{gpu.memory_gb:g} {gpu.memory_unit}"
    if gpu.memory_unit != "GiB":
        memory += f" ({gpu.memory_bytes / GIB:,.1f} GiB)"
    util = setup.gpu_memory_utilization
    if chosen.memory_fraction_of == "free":
        formula = "fraction × (GPU memory × GPUs - weights - overhead × GPUs)"
        worked = f"{util:g} × ({memory} × {tp} - {weights / GIB:,.1f} GiB - "
        worked += f"{OVERHEAD_GIB_PER_GPU:g} GiB × {tp}) = {space / GIB:,.1f} GiB"
    else:
        formula = "fraction × GPU memory × GPUs - weights - overhead × GPUs"
        worked = f"{util:g} × {memory} × {tp} - {weights / GIB:,.1f} GiB - "
        worked += f"{OVERHEAD_GIB_PER_GPU:g} GiB × {tp} = {space / GIB:,.1f} GiB"
    return Estimate(
        name="KV cache space per replica",
        value=space / GIB,
        unit="GiB",
        formula=formula,
        worked=worked,
        assumptions=(
            f"{chosen.name} takes {util:.0%} of {_fraction_of(chosen.memory_fraction_of)} "
            f"({chosen.sources.get('memory_fraction', 'engine default')})",
            f"the GPU's {gpu.memory_gb:g} is read as {gpu.memory_unit}"
            + (f": {gpu.memory_unit_source}" if gpu.memory_unit_source else ""),
            f"activations, CUDA graphs and communication buffers take {OVERHEAD_GIB_PER_GPU:g} "
            "GiB per GPU (engines measure this at start-up; 1-4 GiB is typical)",
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
        f"{engine(setup.engine).name} also caps running sequences at {setup.max_num_seqs:,} "
        f"({engine(setup.engine).sources.get('batch_limit', 'engine default')})",
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
    tflops = _compute_tflops(setup.gpu, setup.precision, eff.narrow_gain)
    new = setup.prompt_tokens * (1 - setup.prefix_cache_hit_rate)
    core = _core(setup, eff)
    seconds, _ = _prefill(core, 0.0)
    compute = core.prefill_flops / core.flops_per_s
    read = weight_bytes_read(model, setup.precision, new / core.chunks) * core.chunks
    memory = read / core.bytes_per_s
    wire = _allreduce_s(setup, eff, new / core.chunks) * core.chunks
    step = eff.step_overhead_ms(setup.engine) * core.chunks
    assumptions = [eff.describe(setup.engine)]
    if core.chunks > 1:
        assumptions.append(
            f"chunked prefill: {core.chunks} forward passes of at most "
            f"{setup.prefill_chunk_tokens:,} tokens ({engine(setup.engine).name})"
        )
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
        formula="the longer of 2 × active params × new tokens (+ attention) ÷ (FLOPS × GPUs × "
        "efficiency) and weights read ÷ (bandwidth × GPUs × efficiency), plus (1 - overlap) × "
        "the shorter, + step overhead + all-reduces, per prefill chunk",
        worked=f"longer of ({core.prefill_flops / 1e12:,.1f} "
        f"TFLOP ÷ ({tflops:g} TFLOPS × {tp} × {eff.compute:.2f}) = {compute * 1e3:,.1f} ms, "
        f"{read / 1e9:,.1f} GB ÷ ({setup.gpu.bandwidth_tbs:g} TB/s × {tp} × "
        f"{eff.bandwidth:.2f}) = {memory * 1e3:,.1f} ms) + (1 - {eff.overlap:.2f}) × the "
        f"shorter = {roofline(memory, compute, eff.overlap) * 1e3:,.1f} ms, + {number(step)} ms "
        f"+ {number(wire * 1e3)} ms = {seconds * 1e3:,.1f} ms",
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
        "(Kingman: ca² × rho × prefill ÷ (2 × (1 - rho)); ca² = 1 for Poisson arrivals) + half a "
        "decode step + prefill",
        worked=f"{number(eff.request_overhead_ms if setup.served else 0)} ms + "
        f"{_ms(point.slot_wait_s)} + "
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
    assumptions = [eff.describe(setup.engine)]
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
        link = setup.gpu.link_gbps * eff.link
        latency = eff.allreduce_latency_us(setup.gpu.interconnect, setup.tensor_parallel)
        assumptions.append(
            f"2 all-reduces per layer per step, each {number(latency)} µs + "
            f"{allreduce_bytes_per_token(setup):,.0f} B per token (ring: 2 × (tp - 1) ÷ tp × "
            f"hidden × 2 B) over {setup.gpu.interconnect or 'PCIe (assumed)'} at "
            f"{setup.gpu.link_gbps:g} GB/s "
            f"× {eff.link:.2f} = {link:,.0f} GB/s"
        )
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
    flops = _compute_tflops(setup.gpu, setup.precision, eff.narrow_gain) * setup.tensor_parallel
    dense = batch * (core.flops_per_token - core.attention_flops_per_token)
    matmuls = roofline(weights / core.bytes_per_s, dense / core.flops_per_s, eff.overlap)
    attention = roofline(
        kv / core.kv_bytes_per_s,
        batch * core.attention_flops_per_token / core.attention_flops_per_s,
        eff.overlap,
    )
    cpu = core.step_s + point.batch * core.sequence_s
    assumptions = [_load_assumption(setup, load, point), *_decode_assumptions(setup, eff, weights)]
    return Estimate(
        name="Inter-token latency",
        value=point.itl_s * 1e3,
        unit="ms",
        formula="roofline(weights read ÷ bandwidth, batch × matmul FLOPs ÷ FLOPS) + "
        "roofline(batch × KV per sequence ÷ bandwidth, batch × attention FLOPs ÷ FLOPS) + CPU "
        "per step (+ per sequence) + all-reduces, ÷ tokens per step, ÷ (1 - share of time in "
        "other prefills); roofline(a, b) = the longer + (1 - overlap) × the shorter; bandwidth "
        "and FLOPS are the replica's peaks × efficiency",
        worked=f"roofline({weights / 1e9:,.1f} GB ÷ ({bandwidth:g} TB/s × {eff.bandwidth:.2f}), "
        f"{dense / 1e12:,.2f} TFLOP ÷ ({flops:g} TFLOPS × {eff.compute:.2f}); overlap "
        f"{eff.overlap:.2f}) = "
        f"{matmuls * 1e3:,.1f} ms + {attention * 1e3:,.1f} ms for {kv / 1e9:,.2f} GB of KV at "
        f"{eff.kv_bandwidth_share():.2f} of the bandwidth + "
        f"{number(cpu * 1e3)} ms + {number(_allreduce_s(setup, eff, batch) * 1e3)} ms"
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
        assumptions=(_load_assumption(setup, load, point), eff.describe(setup.engine)),
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
