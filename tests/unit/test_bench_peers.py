"""bench/peers.py: a calibration row becomes the same setup in each peer's terms; errors by value.

No test here needs a peer installed: the drivers' load searches take the estimate as a function.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench import peer_search, peers
from playbook.catalog import load_catalog
from playbook.estimates import calibration as cal


def _case(engine: str = "tensorrt_llm", **setup: Any) -> cal.Case:
    row = {
        "id": "row-1",
        "source_id": "source-a",
        "engine_id": engine,
        "measured_as": "engine-only",
        "output_throughput_tok_s_total": 1000.0,
        "setup": {
            "model": "llama-3.1-70b",
            "gpu": "h100-sxm",
            "tensor_parallel": 4,
            "precision": "fp8",
            "kv_precision": "fp8",
            "prompt_tokens": 500,
            "output_tokens": 200,
            **setup,
        },
    }
    used, skipped = cal.cases([row], load_catalog())
    assert not skipped
    return used[0]


def test_a_row_becomes_the_same_setup_in_aiconfigurators_names() -> None:
    case = _case(qps=4.0, gpu_memory_utilization=0.95)

    job = peers.aiconfigurator_job(case)

    assert job == {
        "id": "row-1",
        "system": "h100_sxm",
        "backend": "trtllm",
        "tp": 4,
        "gemm": "fp8",
        "kv": "fp8",
        "moe": False,
        "isl": 500,
        "osl": 200,
        "memory_fraction": 0.95,
        "load": {"kind": "qps", "qps": 4.0, "cap": case.setup.max_num_seqs},
        "hf_id": "meta-llama/Meta-Llama-3.1-70B",
    }


def test_fixed_concurrency_is_the_batch() -> None:
    job = peers.aiconfigurator_job(_case(concurrency=25))

    assert isinstance(job, dict)
    assert job["load"] == {"kind": "concurrency", "n": 25}


def test_an_infinite_rate_runs_as_many_as_fit_with_the_engines_prefill_budget() -> None:
    case = _case()  # no qps, no concurrency: a trtllm-bench run at an infinite rate

    job = peers.aiconfigurator_job(case)

    assert isinstance(job, dict)
    # TensorRT-LLM has no prefill chunk in engines.json: its max_num_tokens default, 8192.
    budget = case.setup.prefill_chunk_tokens or 8192
    assert job["load"] == {"kind": "max", "cap": case.setup.max_num_seqs, "ctx_tokens": budget}


def test_fp16_runs_as_bf16_and_a_moe_model_says_so() -> None:
    case = _case(model="mixtral-8x7b", gpu="a100-80gb", precision="fp16", kv_precision="fp16")

    job = peers.aiconfigurator_job(case)

    assert isinstance(job, dict)
    assert (job["system"], job["gemm"], job["kv"], job["moe"]) == (
        "a100_sxm",
        "bfloat16",
        "bfloat16",
        True,
    )
    assert job["hf_id"] == "mistralai/Mixtral-8x7B-v0.1"


def test_a_model_aiconfigurator_does_not_ship_goes_as_its_published_config() -> None:
    case = _case(model="llama-2-7b", gpu="a100-80gb", precision="fp16", kv_precision="fp16")

    job = peers.aiconfigurator_job(case)

    assert isinstance(job, dict)
    assert job["hf_id"] == "meta-llama/Llama-2-7b-hf"
    assert job["config"]["intermediate_size"] == 11008
    assert job["config"]["num_key_value_heads"] == 32


def test_a_setup_aiconfigurator_lacks_is_named_not_guessed() -> None:
    case = _case(
        model="mistral-7b", gpu="l4", precision="int8", kv_precision="fp8", tensor_parallel=1
    )

    reason = peers.aiconfigurator_job(case)

    assert reason == "aiconfigurator 0.12.0 has no GPU l4, weights int8, model mistral-7b"


def test_llm_analysis_gets_the_published_shape_and_its_nearest_number_format() -> None:
    case = _case(model="mixtral-8x7b", concurrency=8)

    job = peers.llm_analysis_job(case)

    assert isinstance(job, dict)
    assert (job["gpu"], job["dtype"], job["kv_bytes"], job["tp"]) == (
        "h100-sxm-80gb",
        "w8a8e16",
        1,
        4,
    )
    assert job["model"]["name"] == "mixtral-8x7b"
    assert (job["model"]["moe_num_experts"], job["model"]["moe_top_k"]) == (8, 2)
    # Mixtral's intermediate_size 14336 over hidden_size 4096.
    assert job["model"]["expansion_ratio"] == 3.5
    assert job["load"] == {"kind": "concurrency", "n": 8}


def test_llm_analysis_lacks_the_newer_gpus() -> None:
    reason = peers.llm_analysis_job(_case(gpu="h200"))

    assert reason == "llm-analysis 0.2.2 has no GPU h200"


@pytest.mark.parametrize(
    ("estimate", "measured", "error"),
    [(90.0, 100.0, 10.0), (150.0, 100.0, 50.0), (25.0, 20.0, 25.0), (7.0, 7.0, 0.0)],
)
def test_percent_error_is_relative_to_the_measurement(
    estimate: float, measured: float, error: float
) -> None:
    assert peers.percent_error(estimate, measured) == pytest.approx(error)


def test_medians_are_taken_on_the_rows_the_peer_estimated_only() -> None:
    comparisons = [
        # ttft: peer errors 10, 30, 50 -> median 30; ours 0, 20, 40 -> median 20.
        peers.Comparison("a", "ttft", 100.0, {"peer": 110.0, "ours": 100.0}),
        peers.Comparison("b", "ttft", 100.0, {"peer": 70.0, "ours": 120.0}),
        peers.Comparison("c", "ttft", 10.0, {"peer": 15.0, "ours": 6.0}),
        # The peer has no estimate here: left out, though ours is far off (900 %).
        peers.Comparison("d", "ttft", 10.0, {"ours": 100.0}),
        # itl: one row, peer 50 % off, ours 0.
        peers.Comparison("a", "itl", 10.0, {"peer": 5.0, "ours": 10.0}),
    ]

    table = peers.median_errors(comparisons, "peer")

    assert table["ttft"] == pytest.approx({"n": 3, "peer": 30.0, "ours": 20.0})
    assert table["itl"] == pytest.approx({"n": 1, "peer": 50.0, "ours": 0.0})
    assert "throughput" not in table


def test_compare_puts_each_columns_estimate_beside_the_measurement() -> None:
    case = _case().model_copy(update={"measured": {"ttft": 50.0, "throughput": 1000.0}})
    columns = {
        "peer": {"row-1": {"ttft": 40.0}},
        "ours": {"row-1": {"ttft": 55.0, "throughput": 900.0}},
    }

    found = peers.compare([case], columns)

    assert found == [
        peers.Comparison("row-1", "ttft", 50.0, {"peer": 40.0, "ours": 55.0}),
        peers.Comparison("row-1", "throughput", 1000.0, {"ours": 900.0}),
    ]


def _latency_only(latency_ms: Any) -> peer_search.Estimate:
    return lambda batch: (0.0, 0.0, 0.0, latency_ms(batch), True)


def test_littles_law_finds_the_requests_in_flight_for_an_arrival_rate() -> None:
    # Latency 1000 + 100 N ms at N in flight, 2 requests/s: N = ceil(2 x (1 + 0.1 N)).
    # From N=1: ceil(2.2) = 3; from 3: ceil(2 x 1.3) = ceil(2.6) = 3, the fixed point.
    estimate = _latency_only(lambda n: 1000 + 100 * n)

    assert peer_search.little_batch(estimate, qps=2.0, cap=64) == 3
    assert peer_search.little_batch(estimate, qps=2.0, cap=2) is None  # more than the engine holds


def test_the_largest_batch_that_fits_is_found_by_bisection() -> None:
    calls: list[int] = []

    def fits(batch: int) -> bool:
        calls.append(batch)
        return batch <= 37

    assert peer_search.largest_batch(fits, cap=2048) == 37
    assert len(calls) <= 13  # 1, then log2(2048) halvings
    assert peer_search.largest_batch(lambda b: True, cap=256) == 256
    assert peer_search.largest_batch(lambda b: False, cap=256) == 0


def test_without_a_peer_venv_the_bench_says_it_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    peers.run(None)

    assert "skipped: no peer venv given" in capsys.readouterr().out
