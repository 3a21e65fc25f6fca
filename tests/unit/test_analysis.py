"""The analysis of a design: the request timeline, the states, and one place for the verdicts."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest

from playbook import Design, Phase, update_design
from playbook.analysis import analyze, design_hash, figures
from playbook.design import catalog_for
from playbook.estimates.serving import operating_point


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def test_the_hosted_timeline_adds_every_stage_before_the_first_token() -> None:
    # The default design, hosted GPT-4o with RAG over 300k chunks of 1,024 dimensions:
    # gateway 5 ms; query embedding 32 × 2 × 568e6 ÷ 50e12 s + 2 ms = 2.72704 ms;
    # HNSW log2(300,000) × 64 × 2 × 1,024 ÷ 50e9 s = 0.047696 ms; BM25 1 + 5 × 0.3 = 2.5 ms
    # beside it (adds 2.5 - 0.047696); reranking 50 × 544 × 2 × 568e6 ÷ 50e12 s = 617.984 ms;
    # GPT-4o's published 390 ms. Before the model: 5 + 2.72704 + 2.5 + 617.984 = 628.21104 ms;
    # first token 1,018.21104 ms; ITL 1,000 ÷ 81 = 12.345679 ms; 299 more tokens = 3,691.358 ms.
    t = figures(Design(), catalog_for(Design()), by_class=False).timeline

    assert [s.id for s in t.steps] == [
        "gateway", "query_embedding", "ann_search", "bm25", "rerank", "hosted_first_token",
        "decode",
    ]  # fmt: skip
    assert t.before_model_ms == pytest.approx(628.21104, rel=1e-6)
    assert t.ttft_ms == pytest.approx(1_018.21104, rel=1e-6)
    assert t.itl_ms == pytest.approx(1_000 / 81)
    assert t.total_ms == pytest.approx(1_018.21104 + 299 * 1_000 / 81, rel=1e-6)


def test_the_prompt_the_model_reads_includes_the_retrieved_chunks() -> None:
    # 8 chunks of 512 tokens + a 32-token question = 4,128 > Phase 1's 1,500.
    assert figures(Design(), catalog_for(Design())).timeline.prompt_tokens.value == 4_128
    prompt_only = _design(technique={"rungs": ["prompt"]})
    assert figures(prompt_only, catalog_for(prompt_only)).timeline.prompt_tokens.value == 1_500


def test_guardrails_add_a_stage_on_each_side_of_the_model() -> None:
    design = _design(evaluation={"mitigations": {"prompt_injection": "input_output_guardrails"}})

    t = figures(design, catalog_for(design), by_class=False).timeline

    assert t.steps[1].id == "input_guardrails"
    assert t.steps[-1].id == "output_guardrails"
    assert not t.steps[-1].before_first_token


def test_a_hosted_model_with_a_tight_ttft_budget_gets_a_latency_finding() -> None:
    design = _design(constraints={"ttft_ms": 100}, technique={"rungs": ["prompt"]})

    found = analyze(design, catalog_for(design))

    check = found.check("ttft")
    assert check is not None
    assert not check.ok
    assert "serving.ttft_over_budget" in {f.rule_id for f in found.review.findings}


def test_a_hosted_model_without_published_latency_uses_a_stated_default() -> None:
    design = _design(model={"hosted_model": "gpt-4o-mini"}, technique={"rungs": ["prompt"]})

    step = figures(design, catalog_for(design), by_class=False).timeline.steps[-2]

    assert step.ms == 500
    assert step.estimate is not None
    assert any("no published latency" in a for a in step.estimate.assumptions)


def test_the_self_hosted_timeline_is_the_serving_models_operating_point() -> None:
    design = _design(model={"kind": "self_hosted"}, technique={"rungs": ["prompt"]})

    found = figures(design, catalog_for(design), by_class=False)

    assert found.capacity is not None
    point = operating_point(found.capacity.report.setup, load=found.capacity.report.load)
    assert found.timeline.model_ttft_ms == pytest.approx(point.ttft_s * 1e3)
    assert found.timeline.itl_ms == pytest.approx(point.itl_s * 1e3)
    queue, prefill = found.timeline.step("queue"), found.timeline.step("prefill")
    assert queue is not None
    assert prefill is not None
    assert (queue.ms or 0) + (prefill.ms or 0) == pytest.approx(point.ttft_s * 1e3)


def test_replicas_are_sized_with_the_ttft_budget_left_after_retrieval() -> None:
    design = _design(model={"kind": "self_hosted"})

    found = figures(design, catalog_for(design), by_class=False)

    assert found.capacity is not None
    assert found.capacity.model_ttft_budget_ms == pytest.approx(
        800 - found.timeline.before_model_ms
    )


def test_a_model_that_does_not_fit_is_a_state_and_its_numbers_say_so() -> None:
    design = _design(model={"kind": "self_hosted", "open_model": "llama-3.1-70b"})

    found = figures(design, catalog_for(design), by_class=False)

    assert found.timeline.state.kind == "does_not_fit"
    # Llama 3.1 70B in BF16: 70.6e9 × 2 B = 131 GiB; one H100 exposes 80 GiB.
    assert found.timeline.state.reason == "does not fit: 131 GiB of weights on 80 GiB"
    assert (found.timeline.ttft_ms, found.timeline.itl_ms, found.timeline.total_ms) == (None,) * 3
    ttft = found.check("ttft")
    assert ttft is not None
    assert ttft.text == f"First token: no estimate: {found.timeline.state.reason}"
    cost = found.check("cost_per_request")
    assert cost is not None
    assert not cost.ok


def test_an_overloaded_setup_says_how_many_replicas_the_load_needs() -> None:
    design = _design(model={"kind": "self_hosted"}, constraints={"peak_qps": 150})

    found = figures(design, catalog_for(design), by_class=False)

    assert found.capacity is not None
    needed = found.capacity.replicas_needed
    assert needed is not None
    assert needed > 1
    assert (
        found.timeline.state.reason
        == f"overloaded: 150 QPS on 1 replica(s) needs {needed} replicas"
    )
    assert found.timeline.ttft_ms is None
    load = found.check("load")
    assert load is not None
    assert not load.ok


def test_the_design_hash_is_the_same_for_the_same_decisions() -> None:
    same = Design.model_validate_json(Design().model_dump_json())

    assert design_hash(same) == design_hash(Design())
    assert design_hash(_design(constraints={"peak_qps": 11})) != design_hash(Design())


def test_the_review_reads_the_analysis_it_sits_in() -> None:
    found = analyze(Design(), catalog_for(Design()))

    ttft = next(f for f in found.review.findings if f.rule_id == "serving.ttft_over_budget")
    check = found.check("ttft")
    assert check is not None
    assert ttft.message == check.text


def test_a_routed_design_checks_the_large_models_path_too() -> None:
    # 30% of requests go to hosted GPT-4o: the same 628.21 ms before the model, then its
    # published 390 ms: 1,018 ms against a 900 ms budget breaks; the small model's path is
    # checked on its own node.
    design = _design(
        model={"kind": "routing", "large_model": "gpt-4o", "small_share_pct": 70},
        constraints={"ttft_ms": 900},
    )

    found = analyze(design, catalog_for(design))

    large = found.timeline.large
    assert large is not None
    assert large.ttft_ms == pytest.approx(628.21104 + 390, rel=1e-6)
    assert large.itl_ms == pytest.approx(1_000 / 81)
    broken = {c.node for c in found.broken("ttft")}
    assert "large_llm" in broken
    assert ("serving.ttft_over_budget", "large_llm") in {
        (f.rule_id, f.component) for f in found.review.findings
    }


def test_a_self_hosted_large_model_is_sized_and_timed_like_its_bill() -> None:
    design = _design(
        model={"kind": "routing", "large_model": "llama-3.1-70b", "small_share_pct": 70},
        technique={"rungs": ["prompt"]},
    )

    found = figures(design, catalog_for(design), by_class=False)

    large = found.timeline.large
    assert large is not None
    assert large.state.ok
    assert large.ttft_ms is not None
    line = found.bill.line("large_model")
    assert line is not None
    # The path names the fleet the bill pays: replicas × GPUs per replica × $3.99 × 730 h.
    fleet = re.search(r"on (\d+) × (\d+)× ", large.name)
    assert fleet is not None
    assert line.usd_per_month == pytest.approx(
        int(fleet.group(1)) * int(fleet.group(2)) * 3.99 * 730
    )
