"""Calibration: the fitted factors are physical and beat the naive roofline on the measurements."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from playbook.catalog import load_catalog
from playbook.estimates import calibration as cal
from playbook.estimates.serving import ENGINE_IDS, Efficiency, load_efficiency


def _physical(factors: Efficiency) -> bool:
    return (
        0 < factors.compute <= 1
        and 0 < factors.bandwidth <= 1
        and 0 < factors.link <= 1
        and 0 < factors.kv_bandwidth_share() <= 1
        and 0 <= factors.allreduce_growth <= 2  # at most 3× the 2-GPU latency on 8 GPUs
        and all(factors.step_overhead_ms(engine_id) >= 0 for engine_id in ENGINE_IDS)
        and factors.request_overhead_ms >= 0
        and factors.allreduce_us >= 0
    )


@pytest.fixture(scope="module")
def cases() -> tuple[cal.Case, ...]:
    used, _ = cal.cases(cal.load_rows(), load_catalog())
    return used


def test_the_stored_factors_are_physical() -> None:
    assert _physical(load_efficiency())


def test_the_stored_factors_are_no_worse_than_the_starting_point(
    cases: tuple[cal.Case, ...],
) -> None:
    # A full refit takes half a minute (make bench does it); the stored factors must at least
    # beat where the search starts.
    assert cal.loss(cases, load_efficiency()) < cal.loss(cases, cal._START)


@pytest.mark.parametrize("metric", cal.METRICS)
def test_our_median_error_is_lower_than_the_naive_rooflines(
    cases: tuple[cal.Case, ...], metric: cal.Metric
) -> None:
    report = cal.report(cases, (), load_efficiency())

    ours, naive = report.median_error(metric, "ours"), report.median_error(metric, "naive")

    assert ours < naive / 2


def test_rows_without_a_serving_setup_are_skipped_with_a_reason() -> None:
    used, skipped = cal.cases(cal.load_rows(), load_catalog())

    assert {s.row_id for s in skipped if s.metric is None} >= {
        "pagedattention_opt13b_kv",
        "pagedattention_13b_a100_memory_split",
    }
    assert all(s.reason for s in skipped)
    assert len(used) >= 100


def test_every_row_names_its_source_date_engine_and_whether_it_was_served() -> None:
    for row in cal.load_rows():
        if "setup" not in row:
            continue
        assert row["source"], row["id"]
        assert row["source_id"], row["id"]
        assert row["date"], row["id"]
        assert row["engine_id"] in ENGINE_IDS, row["id"]
        assert row["measured_as"] in {"served", "engine-only"}, row["id"]


def test_the_rows_cover_pcie_and_nvlink_multi_gpu_moe_fp8_and_fp4(
    cases: tuple[cal.Case, ...],
) -> None:
    multi = {case.setup.gpu.interconnect for case in cases if case.setup.tensor_parallel > 1}

    assert {"pcie", "nvlink"} <= multi
    assert any(case.setup.model.active_params for case in cases)
    assert {"fp8", "fp4"} <= {case.setup.precision.id for case in cases}
    assert {"served", "engine-only"} == {
        "served" if case.setup.served else "engine-only" for case in cases
    }


def test_an_overloaded_open_loop_run_keeps_only_its_throughput() -> None:
    row = next(
        r for r in cal.load_rows() if r["id"].endswith("llama-3.1-70b_h100-sxm_tp4_467x256_qps32")
    )

    used, skipped = cal.cases([row], load_catalog())

    assert set(used[0].measured) == {"throughput"}
    assert {s.metric for s in skipped} == {"ttft", "itl"}
    assert all("overloaded" in s.reason for s in skipped)


def test_the_stored_factors_name_rows_of_the_copied_measurements() -> None:
    text = resources.files("playbook").joinpath("data/efficiency.json").read_text("utf-8")

    stored = json.loads(text)

    assert set(stored["rows"]) <= {row["id"] for row in cal.load_rows()}
    assert stored["fitted_on"]


def test_the_fit_only_moves_when_it_improves() -> None:
    start = cal._START

    best = cal.fit([], start=start, objective=lambda _cases, e: abs(e.compute - 0.7))

    assert best.compute == pytest.approx(0.7, abs=1e-2)
    assert best.bandwidth == start.bandwidth


def test_leaving_a_source_out_predicts_each_of_its_rows_once(
    cases: tuple[cal.Case, ...],
) -> None:
    few = [
        case for case in cases if case.source_id in {"trtllm-perf-0.5", "nim-benchmarking-1.8.0"}
    ]

    held_out = cal.leave_one_source_out(few)

    assert sorted(p.row_id for p in held_out) == sorted(
        case.row_id for case in few for _ in case.measured
    )


def _row(**fields: object) -> dict[str, object]:
    setup = {"tensor_parallel": 4, "concurrency": 8, "output_tokens": 2048}
    return {"id": "r", "setup": setup} | fields


def test_golden_a_throughput_printed_per_gpu_counts_every_gpu_of_the_replica() -> None:
    # 1,486 output tokens/s per GPU on a TP 4 replica: 5,944 tokens/s in all.
    assert cal._measured(_row(output_throughput_tok_s_per_gpu=1486)) == {"throughput": 5944.0}


def test_golden_a_static_batchs_latency_gives_its_output_throughput() -> None:
    # A batch of 8 answers of 2,048 tokens in 19.677 s: 16,384 ÷ 19.677 = 832.647 tokens/s.
    measured = cal._measured(_row(batch_latency_s=19.677))

    assert measured["throughput"] == pytest.approx(832.647253, rel=1e-6)


def test_ttft_and_itl_each_come_from_several_sources_and_vllm_is_measured(
    cases: tuple[cal.Case, ...],
) -> None:
    # Leave-one-source-out means something only when a metric has more than one source.
    for metric in ("ttft", "itl"):
        assert len({case.source_id for case in cases if metric in case.measured}) >= 3, metric
    assert any(case.setup.engine == "vllm" for case in cases)


def test_every_serving_row_names_a_catalog_model_and_gpu_and_a_dated_source() -> None:
    catalog = load_catalog()
    models = {model.id for model in catalog.open_models}
    gpus = {gpu.id for gpu in catalog.gpus}

    for row in cal.load_rows():
        if "setup" not in row:
            continue
        assert row["setup"]["model"] in models, row["id"]
        assert row["setup"]["gpu"] in gpus, row["id"]
        assert row["source"].strip(), row["id"]
        assert row["date"].strip(), row["id"]


def test_every_engine_offered_is_measured_and_vllm_also_on_nvidia(
    cases: tuple[cal.Case, ...],
) -> None:
    measured: dict[str, set[str]] = {}
    for case in cases:
        if case.measured:
            measured.setdefault(case.setup.engine, set()).update(case.measured)

    # The CLI offers vllm, sglang and trt-llm: each has rows the fit sees.
    assert {"vllm", "sglang", "tensorrt_llm"} <= set(measured)
    assert "itl" in measured["sglang"]
    # vLLM's per-step cost is not learned from AMD parts only (the catalog's Infinity Fabric
    # GPUs are AMD's): some vLLM rows ran on NVIDIA GPUs, with latency as well as throughput.
    nvidia_vllm = [
        case
        for case in cases
        if case.setup.engine == "vllm" and case.setup.gpu.interconnect != "infinity_fabric"
    ]
    assert {"ttft", "itl", "throughput"} <= {metric for c in nvidia_vllm for metric in c.measured}
