"""Serving estimates: what fits, TTFT, ITL and throughput behave as the physics says they must."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from playbook import update_design
from playbook.catalog import Gpu, OpenModel, Precision, load_catalog
from playbook.design import Design
from playbook.estimates.memory import weights_memory
from playbook.estimates.serving import (
    Load,
    ServingSetup,
    itl,
    kv_cache_in_use,
    max_concurrency,
    memory_fit,
    operating_point,
    prefill_time,
    serving_report,
    setup_from_design,
    ttft,
)

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
@given(low=concurrencies, high=concurrencies, prompt=st.integers(64, 8_000))
def test_more_concurrency_never_lowers_kv_memory_or_itl(low: int, high: int, prompt: int) -> None:
    setup = _setup(prompt_tokens=prompt)
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


def test_a_self_hosted_design_gets_a_report_with_verdicts_against_its_targets() -> None:
    design = update_design(Design(), "model", kind="self_hosted", open_model="llama-3.1-8b")

    report = serving_report(design, load_catalog())

    assert report is not None
    assert report.fit.fits
    assert any("TTFT" in line for line in report.verdicts)
    assert {e.name for e in report.estimates} >= {"Time to first token", "Inter-token latency"}
