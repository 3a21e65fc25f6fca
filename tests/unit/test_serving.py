"""Serving estimates: what fits, TTFT, ITL and throughput behave as the physics says they must."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook import update_design
from playbook.catalog import Gpu, OpenModel, Precision, find, load_catalog
from playbook.design import Design
from playbook.estimates.memory import kv_bytes_per_token, weights_memory
from playbook.estimates.serving import (
    Efficiency,
    Load,
    ServingSetup,
    allreduce_bytes_per_token,
    itl,
    kv_cache_in_use,
    kv_space_bytes,
    max_concurrency,
    memory_fit,
    operating_point,
    prefill_time,
    roofline,
    sequence_bytes,
    sequences_that_fit,
    serving_report,
    setup_from_design,
    ttft,
    weights_per_gpu,
)
from playbook.estimates.serving.setup import _compute_tflops

SOURCE = {"source": "test fixture", "as_of": "2024"}
BF16 = Precision(id="bf16", name="BF16", bytes_per_value=2, compute="bf16", **SOURCE)
FP8 = Precision(id="fp8", name="FP8", bytes_per_value=1, compute="fp8", **SOURCE)
INT4 = Precision(id="int4", name="INT4", bytes_per_value=0.5, compute="bf16", **SOURCE)
PRECISIONS = (BF16, FP8, INT4)
H100 = Gpu(
    id="h100",
    name="H100",
    memory_gb=80,
    bandwidth_tbs=3.35,
    dense_tflops={"bf16": 989.4, "fp8": 1978.9},
    usd_per_hour=4.0,
    price_source="test",
    price_as_of="2025",
    **SOURCE,
)


def _llama(total: float, layers: int, hidden: int, heads: int, **extra: float) -> OpenModel:
    return OpenModel(
        id=f"m{int(total / 1e9)}",
        name=f"{total / 1e9:.0f}B",
        total_params=total,
        layers=layers,
        hidden_size=hidden,
        attention_heads=heads,
        kv_heads=8,
        head_dim=128,
        attention="gqa",
        max_context=32_768,
        **SOURCE,
        **extra,
    )


LLAMA_8B = _llama(8.03e9, 32, 4096, 32)
LLAMA_70B = _llama(70.55e9, 80, 8192, 64)
MIXTRAL = _llama(46.7e9, 32, 4096, 32, active_params=12.9e9)
DENSE_13B = _llama(12.9e9, 32, 4096, 32)
DENSE_47B = _llama(46.7e9, 32, 4096, 32)


def _setup(model: OpenModel = LLAMA_8B, **changes: object) -> ServingSetup:
    fields: dict[str, object] = {
        "model": model,
        "gpu": H100,
        "precision": BF16,
        "kv_precision": BF16,
        "prompt_tokens": 1_500,
        "output_tokens": 300,
    }
    return ServingSetup.model_validate(fields | changes)


concurrencies = st.integers(min_value=1, max_value=600)


@settings(max_examples=60, deadline=None)
@given(
    low=concurrencies,
    high=concurrencies,
    prompt=st.integers(64, 8_000),
    engine=st.sampled_from(["vllm", "sglang", "tensorrt_llm", "tgi"]),
)
def test_more_concurrency_never_lowers_kv_memory_or_itl(
    low: int, high: int, prompt: int, engine: str
) -> None:
    setup = _setup(prompt_tokens=prompt, engine=engine)
    low, high = min(low, high), max(low, high)

    kv = [kv_cache_in_use(setup, load=Load(concurrency=c)).value for c in (low, high)]
    latency = [itl(setup, load=Load(concurrency=c)).value for c in (low, high)]

    assert kv[0] <= kv[1]
    assert latency[0] <= latency[1] * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(
    gpus=st.sampled_from([1, 2, 4]),
    more=st.sampled_from([2, 4, 8]),
    context=st.integers(256, 32_000),
)
def test_more_gpus_never_lower_the_number_of_sequences_that_fit(
    gpus: int, more: int, context: int
) -> None:
    few = _setup(LLAMA_70B, tensor_parallel=gpus, prompt_tokens=context, output_tokens=256)
    many = few.model_copy(update={"tensor_parallel": max(gpus, more)})

    counts = [max_concurrency(setup).value for setup in (few, many)]

    assert counts[0] <= counts[1]


@given(model=st.sampled_from([LLAMA_8B, LLAMA_70B, MIXTRAL]))
def test_a_lower_precision_never_raises_the_weight_memory(model: OpenModel) -> None:
    sizes = [weights_memory(model, precision).value for precision in PRECISIONS]

    assert sizes == sorted(sizes, reverse=True)


@settings(max_examples=60, deadline=None)
@given(short=st.integers(16, 16_000), longer=st.integers(16, 16_000), users=concurrencies)
def test_longer_prompts_never_lower_ttft(short: int, longer: int, users: int) -> None:
    short, longer = min(short, longer), max(short, longer)
    load = Load(concurrency=users)

    times = [ttft(_setup(prompt_tokens=n), load=load).value for n in (short, longer)]

    assert times[0] <= times[1] * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(
    users=concurrencies,
    acceptance=st.floats(0.0, 0.95),
    drafts=st.integers(1, 8),
    model=st.sampled_from([LLAMA_8B, MIXTRAL]),
)
def test_speculative_decoding_never_raises_itl(
    users: int, acceptance: float, drafts: int, model: OpenModel
) -> None:
    plain = _setup(model, acceptance_rate=acceptance, draft_tokens=drafts)
    speculating = plain.model_copy(update={"speculative_decoding": True})
    load = Load(concurrency=users)

    before, after = itl(plain, load=load).value, itl(speculating, load=load).value

    assert after <= before * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(hit_rate=st.floats(0.0, 0.95), qps=st.floats(0.1, 20.0))
def test_prefix_caching_never_raises_ttft(hit_rate: float, qps: float) -> None:
    cold = _setup()
    warm = cold.model_copy(update={"prefix_cache_hit_rate": hit_rate})

    before, after = ttft(cold, load=Load(qps=qps)).value, ttft(warm, load=Load(qps=qps)).value

    assert after <= before * (1 + 1e-9)


def test_mixture_of_experts_ttft_is_closer_to_its_active_size_than_its_total() -> None:
    alone = Load(concurrency=1)
    setups = [_setup(m, tensor_parallel=2) for m in (MIXTRAL, DENSE_13B, DENSE_47B)]

    mixtral, small, large = (ttft(setup, load=alone).value for setup in setups)

    assert abs(mixtral - small) < abs(mixtral - large)


def test_mixture_of_experts_weights_count_every_expert() -> None:
    assert weights_memory(MIXTRAL, BF16).value == weights_memory(DENSE_47B, BF16).value


def test_a_70b_model_in_bf16_does_not_fit_one_80_gb_gpu_and_the_fixes_would_make_it() -> None:
    setup = _setup(LLAMA_70B)

    fit = memory_fit(setup, precisions=PRECISIONS)

    assert not fit.fits
    assert "Does not fit" in fit.verdict
    changes = {fix.change for fix in fit.fixes}
    assert {"more GPUs", "lower precision"} <= changes
    assert all(fix.max_concurrency >= 1 for fix in fit.fixes)


def test_the_fix_for_more_gpus_names_a_count_that_fits() -> None:
    setup = _setup(LLAMA_70B)

    fix = next(f for f in memory_fit(setup, precisions=PRECISIONS).fixes if f.change == "more GPUs")
    count = int(fix.detail.split()[0])

    assert memory_fit(setup.model_copy(update={"tensor_parallel": count})).fits


def test_llama_8b_on_one_h100_fits_a_plausible_number_of_sequences() -> None:
    fit = memory_fit(_setup(LLAMA_8B))

    assert fit.fits
    assert 100 <= fit.max_concurrency.value <= 1_000


def test_an_overloaded_replica_reports_an_unbounded_ttft() -> None:
    point = operating_point(_setup(), load=Load(qps=10_000))

    assert point.overloaded
    assert point.ttft_s == float("inf")


def test_every_estimate_shows_its_formula_and_worked_numbers() -> None:
    setup = _setup()

    estimates = [prefill_time(setup), ttft(setup), itl(setup), max_concurrency(setup)]

    assert all(e.formula and e.worked and e.sources for e in estimates)


def test_a_hosted_design_has_nothing_to_serve() -> None:
    assert setup_from_design(Design(), load_catalog()) is None
    assert serving_report(Design(), load_catalog()) is None


def test_a_routing_design_serves_its_small_model() -> None:
    design = update_design(Design(), "model", kind="routing", small_model="qwen2.5-7b")

    setup = setup_from_design(design, load_catalog())

    assert setup is not None
    assert setup.model.id == "qwen2.5-7b"


@pytest.mark.parametrize(
    ("engine", "max_num_seqs", "utilization"),
    [("vllm", 1024, 0.9), ("sglang", 4096, 0.88), ("tensorrt_llm", 2048, 0.9), ("tgi", 128, 1.0)],
)
def test_the_designs_engine_sets_the_serving_setups_defaults(
    engine: str, max_num_seqs: int, utilization: float
) -> None:
    design = update_design(Design(), "model", kind="self_hosted", open_model="llama-3.1-8b")
    design = update_design(design, "serving", engine=engine, gpu="h100-sxm")

    setup = setup_from_design(design, load_catalog())

    assert setup is not None
    assert (setup.engine, setup.max_num_seqs) == (engine, max_num_seqs)
    assert setup.gpu_memory_utilization == utilization


def test_a_self_hosted_design_gets_a_report_with_verdicts_against_its_targets() -> None:
    design = update_design(Design(), "model", kind="self_hosted", open_model="llama-3.1-8b")

    report = serving_report(design, load_catalog())

    assert report is not None
    assert report.fit.fits
    assert any("TTFT" in line for line in report.verdicts)
    assert {e.name for e in report.estimates} >= {"Time to first token", "Inter-token latency"}


# --- golden values: each formula worked by hand on a round-numbered toy setup ------------------
#
# Toy 10B: 10e9 parameters, 10 layers, hidden 4096, 32 heads, 4 KV heads of 128.
# Lab 80: 80 GiB, 2.0 TB/s, 1,000 dense BF16 TFLOPS, NVLink at 400 GB/s per direction.
# Factors: 50 % of peak FLOPS, bandwidth and link; 10 µs per all-reduce; 5 ms per served
# request; 1 ms of CPU per step for every engine; nothing per sequence.
# Requests: 1,000 prompt + 1,000 output tokens.

LAB = Gpu(
    id="lab-80",
    name="Lab 80",
    memory_gb=80,
    memory_unit="GiB",
    bandwidth_tbs=2.0,
    dense_tflops={"bf16": 1000},
    usd_per_hour=2.0,
    price_source="test",
    price_as_of="2026",
    interconnect="nvlink",
    interconnect_gbps=400,
    **SOURCE,
)
TOY = OpenModel(
    id="toy-10b",
    name="Toy 10B",
    total_params=10e9,
    layers=10,
    hidden_size=4096,
    attention_heads=32,
    kv_heads=4,
    head_dim=128,
    attention="gqa",
    max_context=32_768,
    **SOURCE,
)
ROUND = Efficiency(
    compute=0.5,
    bandwidth=0.5,
    link=0.5,
    allreduce_us=10,
    request_overhead_ms=5,
    sequence_us=0,
    step_ms_vllm=1,
    step_ms_sglang=1,
    step_ms_tensorrt_llm=1,
    step_ms_tgi=1,
)
ONE = Load(concurrency=1)


def _toy(**changes: object) -> ServingSetup:
    fields: dict[str, object] = {
        "model": TOY,
        "gpu": LAB,
        "precision": BF16,
        "kv_precision": BF16,
        "prompt_tokens": 1_000,
        "output_tokens": 1_000,
    }
    return ServingSetup.model_validate(fields | changes)


def test_golden_weights_per_gpu_split_evenly_over_tensor_parallel_gpus() -> None:
    # 10e9 parameters × 2 B = 20e9 B = 18.63 GiB; over 2 GPUs 9.31 GiB each.
    setup = _toy(tensor_parallel=2)

    assert weights_per_gpu(setup).value == pytest.approx(20e9 / 2 / 2**30)


def test_golden_kv_bytes_per_token_and_fp8_kv_halves_them() -> None:
    # 2 (K, V) × 10 layers × 4 KV heads × 128 × 2 B = 20,480 B; FP8 (1 B) is 10,240 B.
    bf16 = kv_bytes_per_token(TOY, BF16).value
    fp8 = kv_bytes_per_token(TOY, FP8).value

    assert (bf16, fp8) == (20_480, 10_240)
    assert sequence_bytes(_toy(kv_precision=FP8)) == sequence_bytes(_toy()) / 2


def test_golden_kv_is_replicated_when_tensor_parallel_exceeds_the_kv_heads() -> None:
    # A sequence of 2,000 tokens holds 2,000 × 20,480 B = 40.96 MB. At TP 8 over 4 KV heads each
    # head lives on 8 ÷ 4 = 2 GPUs, so the replica holds 2 copies: 81.92 MB. TP 4 holds one.
    assert sequence_bytes(_toy(tensor_parallel=4)) == 40_960_000
    assert sequence_bytes(_toy(tensor_parallel=8)) == 81_920_000


def test_golden_sequences_that_fit_after_the_per_gpu_overhead() -> None:
    # vLLM takes 0.9 of all memory: 0.9 × 80 GiB = 77,309,411,328 B, minus 20e9 B of weights,
    # minus the 2 GiB per-GPU overhead (2,147,483,648 B) = 55,161,927,680 B for the KV cache;
    # ÷ 40,960,000 B per 2,000-token sequence = 1,346.7 -> 1,346 sequences.
    # TensorRT-LLM takes 0.9 of what is free: 0.9 × (85,899,345,920 - 20e9 - 2,147,483,648)
    # = 57,376,676,044.8 B -> 1,400 sequences.
    vllm, trt = _toy(), _toy(engine="tensorrt_llm")

    assert kv_space_bytes(vllm) == pytest.approx(55_161_927_680)
    assert sequences_that_fit(vllm) == 1_346
    assert kv_space_bytes(trt) == pytest.approx(57_376_676_044.8)
    assert sequences_that_fit(trt) == 1_400


def test_golden_itl_counts_two_all_reduces_per_layer_with_their_bytes() -> None:
    # TP 2, one sequence: a decode step reads 20e9 B of weights at 2 × 2.0 TB/s × 0.5 = 10 ms
    # (the 20 GFLOP take 0.02 ms at 2 × 1,000 TFLOPS × 0.5, so reading wins); the KV at the
    # average context 1,000 + 500 tokens is 30.72 MB = 0.01536 ms; CPU 1 ms; and 2 × 10 layers
    # = 20 all-reduces, each 10 µs + 2 × (2 - 1) ÷ 2 × 4096 × 2 B = 8,192 B over 400 GB/s × 0.5
    # (40.96 ns): 20 × 10.04096 µs = 0.2008192 ms. ITL = 11.2161792 ms.
    setup = _toy(tensor_parallel=2)

    point = operating_point(setup, load=ONE, efficiency=ROUND)

    assert allreduce_bytes_per_token(setup) == 8_192
    assert point.itl_s * 1e3 == pytest.approx(11.2161792, rel=1e-9)


def test_golden_ttft_is_the_prefill_plus_the_request_overhead_when_served() -> None:
    # Prefill of 1,000 tokens at TP 2: 1,000 × 2 × 10e9 = 2e13 FLOP ÷ 1e15 = 20 ms (more than the
    # 10 ms of weights), attention 1,000 × 2 × 10 × 500 × 4,096 = 4.096e10 FLOP = 0.04096 ms,
    # CPU 1 ms, 20 all-reduces of 10 µs + 1,000 × 40.96 ns = 1.0192 ms: 22.06016 ms. Served over
    # HTTP adds the 5 ms request overhead: 27.06016 ms. An engine-only run differs by it alone.
    served = operating_point(_toy(tensor_parallel=2), load=ONE, efficiency=ROUND)
    engine_only = operating_point(_toy(tensor_parallel=2, served=False), load=ONE, efficiency=ROUND)

    assert engine_only.ttft_s * 1e3 == pytest.approx(22.06016, rel=1e-9)
    assert served.ttft_s * 1e3 == pytest.approx(27.06016, rel=1e-9)
    assert (served.itl_s, served.output_tokens_per_s) == (
        engine_only.itl_s,
        engine_only.output_tokens_per_s,
    )


def test_golden_throughput_is_littles_law_over_prefill_and_decode() -> None:
    # One request at a time: a request takes 22.06016 ms of prefill + 999 × 11.2161792 ms of
    # decode = 11.22702318 s, so 1,000 output tokens ÷ 11.22702318 s = 89.0708 tokens/s.
    point = operating_point(_toy(tensor_parallel=2), load=ONE, efficiency=ROUND)

    assert point.output_tokens_per_s == pytest.approx(89.0708057, rel=1e-6)


def test_golden_ttft_waits_for_earlier_prefills_as_an_md1_queue() -> None:
    # SGLang runs a prefill as its own pass (22.06016 ms, S). With 4 requests in flight the
    # model finds prefills take rho = 0.5835 % of the time; the M/D/1 wait is
    # rho × S ÷ (2 × (1 - rho)) = 0.005835 × 22.06016 ÷ (2 × 0.994165) = 0.064741 ms, plus half
    # of a decode step (11.2647168 ms at batch 4) for the 3 of 4 who arrive mid-step:
    # 0.75 × 11.2647168 ÷ 2 = 4.2242688 ms. Wait 4.28901 ms; TTFT 5 + 4.28901 + 22.06016 ms.
    point = operating_point(
        _toy(tensor_parallel=2, engine="sglang"), load=Load(concurrency=4), efficiency=ROUND
    )
    rho = point.prefill_busy

    assert rho == pytest.approx(0.0058352164, rel=1e-6)
    assert point.step_s * 1e3 == pytest.approx(11.2647168, rel=1e-9)
    assert point.queue_wait_s == pytest.approx(
        rho * point.prefill_s / (2 * (1 - rho)) + 0.75 * point.step_s / 2, rel=1e-12
    )
    assert point.ttft_s * 1e3 == pytest.approx(5 + 4.289009479 + 22.06016, rel=1e-8)


def test_golden_engine_defaults_come_from_their_documentation() -> None:
    # vLLM: max_num_seqs 1024 on GPUs of 70 GiB or more except the A100, else 256; 0.9 of memory.
    # SGLang: 0.85 of memory at TP 4. TensorRT-LLM: 2048 sequences.
    catalog = load_catalog()
    h100, a100, l40s = (find(catalog.gpus, gpu) for gpu in ("h100-sxm", "a100-80gb", "l40s"))

    assert [_setup(gpu=gpu).max_num_seqs for gpu in (h100, a100, l40s)] == [1024, 256, 256]
    assert _setup(engine="tensorrt_llm").max_num_seqs == 2048
    assert _setup(engine="sglang", tensor_parallel=4).gpu_memory_utilization == 0.85
    assert _setup(engine="vllm").gpu_memory_utilization == 0.9


def test_an_moe_prefill_rides_in_the_decode_step_when_the_engine_mixes_batches() -> None:
    # Mixtral in FP8 on one H100: beside 64 decoders most experts are already read, so vLLM's
    # prefill adds only the experts that are new; SGLang's own prefill pass reads them again.
    load = Load(concurrency=64)

    def added_per_prefill(engine: str) -> float:
        setup = _setup(MIXTRAL, engine=engine, precision=FP8, kv_precision=FP8)
        point = operating_point(setup, load=load)
        return point.prefill_busy / (point.request_rate * 63 / 64)  # busy = rate × added × others

    assert added_per_prefill("vllm") < 0.8 * added_per_prefill("sglang")


def test_golden_roofline_adds_the_share_of_the_shorter_time_that_does_not_overlap() -> None:
    # 3 ms of reading and 2 ms of math: the classic roofline (overlap 1) takes the longer, 3 ms;
    # at overlap 0.6 the unhidden 0.4 × 2 ms adds: 3.8 ms; with no overlap they add: 5 ms.
    assert roofline(3e-3, 2e-3, 1.0) == pytest.approx(3e-3)
    assert roofline(2e-3, 3e-3, 0.6) == pytest.approx(3.8e-3)
    assert roofline(3e-3, 2e-3, 0.0) == pytest.approx(5e-3)


def test_golden_a_prefill_pays_the_unhidden_part_of_its_weight_reading() -> None:
    # The 1,000-token prefill at TP 2 of the TTFT golden: 20 ms of matrix-multiply FLOPs over
    # 10 ms of weight reading. At overlap 0.5 half of the 10 ms adds: 25 ms instead of 20 ms, so
    # the engine-only TTFT 22.06016 ms becomes 27.06016 ms (attention reads no cache: 0 ms of
    # memory under its 0.04096 ms of math, nothing to add).
    half = ROUND.model_copy(update={"overlap": 0.5})

    point = operating_point(_toy(tensor_parallel=2, served=False), load=ONE, efficiency=half)

    assert point.ttft_s * 1e3 == pytest.approx(27.06016, rel=1e-9)


def test_golden_a_closed_loop_queues_its_prefills_by_kingmans_formula() -> None:
    # The M/D/1 golden (SGLang, 4 in flight) with arrivals twice as variable (ca² = 2): Kingman's
    # G/D/1 wait ca² × rho × S ÷ (2(1 - rho)) = 2 × 0.0058352164 × 22.06016 ÷ (2 × 0.9941647836)
    # = 0.1294818 ms, plus the same 4.2242688 ms of half a step: 4.3537506 ms. Poisson arrivals
    # (a request rate) keep ca² = 1 whatever the factor says.
    bursty = ROUND.model_copy(update={"closed_loop_cv2": 2.0})
    setup = _toy(tensor_parallel=2, engine="sglang")

    closed = operating_point(setup, load=Load(concurrency=4), efficiency=bursty)
    poisson = operating_point(setup, load=Load(qps=1.0), efficiency=bursty)
    md1 = operating_point(setup, load=Load(qps=1.0), efficiency=ROUND)

    assert closed.queue_wait_s * 1e3 == pytest.approx(4.3537506, rel=1e-6)
    assert poisson.queue_wait_s == pytest.approx(md1.queue_wait_s, rel=1e-12)


def test_golden_a_narrower_format_realises_a_power_of_its_peak_gain() -> None:
    # H100: 989.4 TFLOPS in BF16, 1,978.9 in FP8 (a gain of 2.0001). Realising the gain to the
    # power 0.5: 989.4 × 2.0001^0.5 = 1,399.258 TFLOPS; power 1 keeps the data sheet's 1,978.9;
    # BF16 itself stays 989.4 whatever the power.
    assert _compute_tflops(H100, FP8, 0.5) == pytest.approx(1399.2582535, rel=1e-9)
    assert _compute_tflops(H100, FP8) == pytest.approx(1978.9)
    assert _compute_tflops(H100, BF16, 0.5) == pytest.approx(989.4)


def test_golden_an_all_reduce_over_pcie_pays_the_pcie_latency() -> None:
    # The ITL golden (TP 2, 11.2161792 ms) with 30 µs per all-reduce over PCIe: its 20
    # all-reduces take 20 × (30 + 0.04096) µs = 0.6008192 ms instead of 0.2008192 ms, so
    # 11.6161792 ms. Over NVLink the 10 µs latency stays.
    factors = ROUND.model_copy(update={"allreduce_pcie_us": 30.0})
    pcie = LAB.model_copy(update={"interconnect": "pcie"})

    over_pcie = operating_point(_toy(tensor_parallel=2, gpu=pcie), load=ONE, efficiency=factors)
    over_nvlink = operating_point(_toy(tensor_parallel=2), load=ONE, efficiency=factors)

    assert over_pcie.itl_s * 1e3 == pytest.approx(11.6161792, rel=1e-9)
    assert over_nvlink.itl_s * 1e3 == pytest.approx(11.2161792, rel=1e-9)


def test_golden_reading_the_kv_cache_runs_at_its_own_share_of_the_bandwidth() -> None:
    # The ITL golden (TP 2, one sequence, 11.2161792 ms) reads 30.72 MB of KV (1,500 tokens ×
    # 20,480 B) at 2 × 2.0 TB/s × 0.5 = 0.01536 ms. At a KV share of 0.25 it takes 30.72e6 ÷
    # (2 × 2.0e12 × 0.25) = 0.03072 ms (its 0.123 GFLOP of attention still hide under it), so the
    # ITL is 11.2161792 - 0.01536 + 0.03072 = 11.2315392 ms. Unset, the weights' share applies.
    slower_kv = ROUND.model_copy(update={"kv_bandwidth": 0.25})

    point = operating_point(_toy(tensor_parallel=2), load=ONE, efficiency=slower_kv)

    assert point.itl_s * 1e3 == pytest.approx(11.2315392, rel=1e-9)
    assert ROUND.kv_bandwidth_share() == ROUND.bandwidth


def test_golden_an_all_reduces_latency_grows_with_each_doubling_of_the_gpus() -> None:
    # latency(tp) = latency(2) × (1 + growth × (log2 tp - 1)): at 10 µs and growth 0.5, 10 µs on
    # 2 GPUs, 15 µs on 4, 20 µs on 8. The ITL at TP 4, one sequence: 20e9 B of weights ÷
    # (4 × 2.0 TB/s × 0.5) = 5 ms (the 20 GFLOP take 0.01 ms), 30.72 MB of KV = 0.00768 ms, 1 ms
    # of CPU, and 20 all-reduces of 15 µs + 12,288 B (2 × 3 ÷ 4 × 4,096 × 2) ÷ 200 GB/s = 61.44 ns:
    # 20 × 15.06144 µs = 0.3012288 ms. ITL = 5 + 0.00768 + 1 + 0.3012288 = 6.3089088 ms.
    growing = ROUND.model_copy(update={"allreduce_growth": 0.5})

    point = operating_point(_toy(tensor_parallel=4), load=ONE, efficiency=growing)

    assert [growing.allreduce_latency_us("nvlink", tp) for tp in (2, 4, 8)] == [10, 15, 20]
    assert point.itl_s * 1e3 == pytest.approx(6.3089088, rel=1e-9)
