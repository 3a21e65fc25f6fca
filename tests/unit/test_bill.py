"""The monthly bill, line by line: golden values worked by hand in the comments.

The default design: 10 QPS at peak, an average of 30% of it all month (730 h = 2,628,000 s), so
10 × 0.3 × 2,628,000 = 7,884,000 requests a month. RAG keeps 8 chunks of 512 tokens after the
reranker, so the model reads max(1,500, 8 × 512 + 32) = 4,128 prompt tokens; answers are 300.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from playbook import Design, Phase, update_design
from playbook.analysis import Bill, figures
from playbook.analysis.figures import LineId
from playbook.design import catalog_for

REQUESTS = 10 * 0.3 * 2_628_000  # 7,884,000


def _bill(**phases: dict[str, Any]) -> Bill:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return figures(design, catalog_for(design), by_class=False).bill


def _line(bill: Bill, line_id: LineId) -> tuple[float, float]:
    line = bill.line(line_id)
    assert line is not None, line_id
    return line.usd_per_month, line.one_off_usd


def test_requests_a_month_are_the_peak_times_the_average_share_times_a_month() -> None:
    assert _bill().requests.value == pytest.approx(7_884_000)


def test_hosted_tokens_are_requests_times_the_list_price_of_the_prompt_and_answer() -> None:
    # GPT-4o at $2.50 / $10 per 1M: (4,128 × 2.5 + 300 × 10) ÷ 1e6 = $0.01332 a request;
    # × 7,884,000 requests = $105,014.88 a month.
    assert _line(_bill(), "llm_tokens") == pytest.approx((105_014.88, 0.0))


def test_the_retrieved_chunks_are_the_prompt_that_cost_sees() -> None:
    # Keeping 2 chunks: max(1,500, 2 × 512 + 32 = 1,056) = 1,500 tokens:
    # (1,500 × 2.5 + 300 × 10) ÷ 1e6 = $0.00675 × 7,884,000 = $53,217.
    assert _line(_bill(retrieval={"rerank_top_n": 2}), "llm_tokens")[0] == pytest.approx(53_217)


def test_the_gpu_fleet_is_every_gpu_of_every_replica_all_month_busy_or_idle() -> None:
    # 3 replicas × 2 H100 SXM × $3.99 × 730 h = $17,476.20.
    bill = _bill(model={"kind": "self_hosted"}, serving={"replicas": 3, "gpus_per_replica": 2})

    assert _line(bill, "gpu_fleet") == pytest.approx((17_476.2, 0.0))
    assert bill.line("llm_tokens") is None


def test_query_embeddings_on_an_api_are_question_tokens_at_its_price() -> None:
    # text-embedding-3-small at $0.02 per 1M: 7,884,000 × 32 × 0.02 ÷ 1e6 = $5.04576.
    bill = _bill(retrieval={"embedding_model": "openai-te3-small"})

    assert _line(bill, "query_embeddings")[0] == pytest.approx(5.04576)


def test_self_hosted_query_embeddings_are_a_share_of_a_gpu_pool_sized_for_the_peak() -> None:
    # BGE-M3 (568M): 32 × 2 × 568e6 ÷ 50e12 = 0.00072704 GPU-s a question; at 10 QPS that keeps
    # 0.0072704 A10G busy: × $1.003 × 730 h = $5.32331.
    assert _line(_bill(), "query_embeddings")[0] == pytest.approx(5.32331, rel=1e-5)


def test_ingestion_is_a_tenth_of_the_first_pass_a_month_and_the_first_pass_once() -> None:
    # 100k documents × (1,000 + (3 - 1) × 64) = 112.8M tokens × 2 × 568e6 ÷ 50e12 = 2,562.8 GPU-s
    # = 0.711893 GPU-h × $1.003 = $0.714029 once; 10% a month = $0.0714029.
    monthly, once = _line(_bill(), "ingestion_embeddings")

    assert once == pytest.approx(0.714029, rel=1e-5)
    assert monthly == pytest.approx(0.0714029, rel=1e-5)


def test_the_reranker_is_its_gpu_seconds_at_the_peak_paid_all_month() -> None:
    # 50 pairs × (32 + 512) tokens × 2 × 568e6 ÷ 50e12 = 0.617984 GPU-s a request; at 10 QPS
    # 6.17984 A10G busy × $1.003 × 730 h = $4,524.82.
    assert _line(_bill(), "reranker")[0] == pytest.approx(4_524.82, rel=1e-5)


def test_no_reranker_no_reranker_line() -> None:
    assert _bill(retrieval={"reranker": False}).line("reranker") is None


def test_the_vector_index_is_its_ram_at_a_memory_optimised_servers_price() -> None:
    # HNSW32 over 300k vectors of 1,024 floats: 300,000 × (4,096 + 256) B = 1.3056e9 B
    # = 1.215935 GiB × ($0.2142 ÷ 32 GiB = $0.00669375 per GiB-hour) × 730 h = $5.94159.
    assert _line(_bill(), "vector_index")[0] == pytest.approx(5.94159, rel=1e-5)


def test_the_llm_judge_scores_a_sample_and_the_golden_set() -> None:
    # GPT-4o mini at $0.15 / $0.60: calls = 2% × 7,884,000 + 200 × 4 = 158,480; each reads
    # 4,128 + 300 + 500 = 4,928 tokens and writes 150: (4,928 × 0.15 + 150 × 0.6) ÷ 1e6
    # = $0.0008292; × 158,480 = $131.4116.
    assert _line(_bill(), "llm_judge")[0] == pytest.approx(131.4116, rel=1e-6)
    assert _bill(evaluation={"llm_as_judge": False}).line("llm_judge") is None


def test_a_lora_fine_tune_is_a_one_off_cost() -> None:
    # 4 FLOPs × 8.030261248e9 parameters × 30M tokens = 9.63631e17 FLOPs ÷ (989.4 TFLOPS × 0.4)
    # = 2,434.89 s = 0.676358 GPU-h × $3.99 = $2.69867, once.
    bill = _bill(model={"kind": "self_hosted"}, technique={"rungs": ["rag", "lora"]})

    assert _line(bill, "fine_tuning") == pytest.approx((0.0, 2.69867), rel=1e-5)
    assert bill.one_off_usd == pytest.approx(2.69867 + _line(bill, "ingestion_embeddings")[1])


def test_continued_pretraining_is_a_larger_one_off_cost() -> None:
    # 6 × 8.030261248e9 × 10e9 = 4.818157e20 FLOPs ÷ 3.9576e14 FLOP/s = 1,217,444 s
    # = 338.179 GPU-h × $3.99 = $1,349.33, once.
    bill = _bill(model={"kind": "self_hosted"}, technique={"rungs": ["continued_pretraining"]})

    assert _line(bill, "fine_tuning")[1] == pytest.approx(1_349.33, rel=1e-5)


def test_per_request_and_per_user_divide_the_whole_monthly_bill() -> None:
    bill = _bill()

    total = sum(line.usd_per_month for line in bill.lines)
    assert bill.usd_per_month == pytest.approx(total)
    assert bill.usd_per_request == pytest.approx(total / REQUESTS)
    assert bill.usd_per_user_month == pytest.approx(total / 20_000)


def test_routing_pays_a_self_hosted_large_models_fleet_in_full() -> None:
    # Llama 3.1 70B in BF16 needs at least two H100s: 2 × $3.99 × 730 h = $5,825.40 a month at
    # the very least, whatever share of the traffic it answers.
    bill = _bill(
        model={"kind": "routing", "large_model": "llama-3.1-70b", "small_share_pct": 70},
        technique={"rungs": ["prompt"]},
    )

    large, _ = _line(bill, "large_model")
    assert large >= 5_825.4
    assert large == pytest.approx(round(large / (3.99 * 730)) * 3.99 * 730)


def test_routing_compares_two_whole_bills() -> None:
    # GPT-4o alone: 7,884,000 × (1,500 × 2.5 + 300 × 10) ÷ 1e6 = $53,217; routed: one H100 for
    # the small model ($3.99 × 730 = $2,912.70) + 20% of the GPT-4o traffic ($10,643.40).
    bill = _bill(
        model={"kind": "routing", "large_model": "gpt-4o", "small_share_pct": 80},
        technique={"rungs": ["prompt"]},
    )

    assert bill.routing is not None
    assert bill.routing.all_large_usd_per_month == pytest.approx(53_217)
    assert bill.routing.routed_usd_per_month == pytest.approx(2_912.7 + 10_643.4)
    assert bill.routing.saving.value == pytest.approx(53_217 - 2_912.7 - 10_643.4)


def test_a_setup_that_cannot_carry_the_load_is_never_priced_as_within() -> None:
    bill = _bill(
        model={"kind": "self_hosted", "open_model": "llama-3.1-70b"},
        constraints={"cost_per_request_usd": 100.0, "cost_per_user_month_usd": 10_000.0},
    )

    assert not bill.state.ok
    assert bill.state.reason.startswith("does not fit")
    assert not bill.within_request_ceiling
    assert not bill.within_user_ceiling
    assert "not within" in bill.verdicts[0]
