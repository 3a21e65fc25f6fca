"""The numbers on the whiteboard: estimates on the nodes, latency on the edges, and the flags."""

from __future__ import annotations

import math
from typing import Any, cast

import pytest

from diagrams import Finding, annotate, build_graph
from diagrams.annotate import duration, usd
from playbook import Design, Phase, add_custom_entry, update_design
from playbook.analysis import figures
from playbook.design import catalog_for
from playbook.estimates.cost import cost_report
from playbook.estimates.retrieval import retrieval_report

# Within every Phase 1 budget: a hosted model, a modest reranker keeping 4 chunks (a prompt of
# 4 × 512 + 32 = 2,080 tokens: $0.0082 a request on GPT-4o), at a peak of 5 QPS.
SOUND = {
    "constraints": {"concurrent_users": 100_000, "peak_qps": 5},
    "retrieval": {"top_k": 20, "rerank_top_n": 4},
}
SELF_HOSTED = {"kind": "self_hosted", "open_model": "llama-3.1-8b"}


def _design(**phases: dict[str, Any]) -> Design:
    design = Design(title="Annotated")
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def _flags(design: Design, node: str) -> list[tuple[str, str]]:
    return list(build_graph(design).nodes[node]["flags"])


def _reasons(design: Design, node: str, severity: str) -> str:
    return " | ".join(reason for level, reason in _flags(design, node) if level == severity)


def test_retrieval_nodes_carry_the_retrieval_estimates() -> None:
    design = _design()
    report = retrieval_report(design, catalog_for(design))

    numbers = annotate(design, catalog_for(design)).numbers

    assert numbers["chunker"] == (report.chunks.shown(),)
    assert report.index_memory.shown() in numbers["vector_index"][0]
    assert report.embedding_storage.shown() in numbers["embedder"][0]
    assert duration(report.query_latency.value) in numbers["retriever"][0]
    assert report.rerank_latency is not None
    assert duration(report.rerank_latency.value) in numbers["reranker"][0]


def test_the_served_model_shows_how_many_sequences_fit_and_its_monthly_bill() -> None:
    design = _design(model=SELF_HOSTED, constraints=SOUND["constraints"])
    catalog = catalog_for(design)
    capacity = figures(design, catalog).capacity
    assert capacity is not None
    report = capacity.report

    lines = build_graph(design).nodes["llm"]["numbers"]

    seqs = min(int(report.fit.max_concurrency.value), report.setup.max_num_seqs)
    assert lines[0] == f"{seqs:,} seqs per replica"
    assert f"{usd(cost_report(design, catalog).usd_per_month)}/month" in lines[1]


def test_a_hosted_model_shows_its_price_per_request() -> None:
    design = _design(model={"kind": "hosted", "hosted_model": "gpt-4o-mini"})
    per_request = cost_report(design, catalog_for(design)).usd_per_request

    lines = build_graph(design).nodes["llm"]["numbers"]

    assert lines[0].startswith(f"{usd(per_request)}/request")


def test_request_edges_carry_their_share_of_the_latency_budget() -> None:
    design = _design(model=SELF_HOSTED, constraints=SOUND["constraints"])
    report = retrieval_report(design, catalog_for(design))
    assert report.rerank_latency is not None

    graph = build_graph(design)

    assert duration(report.query_latency.value) in graph.edges["retriever", "reranker"]["label"]
    assert duration(report.rerank_latency.value) in graph.edges["reranker", "llm"]["label"]
    assert graph.edges["llm", "response"]["label"].startswith("answer · TTFT ")
    assert "first token" in graph.nodes["response"]["numbers"][1]


def test_routing_shows_the_saving_and_the_large_models_share() -> None:
    design = _design(model={"kind": "routing", "large_model": "gpt-4o", "small_share_pct": 60})

    graph = build_graph(design)

    assert any("saves" in line or "costs" in line for line in graph.nodes["router"]["numbers"])
    assert "40% of traffic" in graph.nodes["large_llm"]["numbers"][0]


def test_a_sound_design_has_no_flag_anywhere() -> None:
    graph = build_graph(_design(**SOUND))

    assert [node for node, flags in graph.nodes(data="flags") if flags] == []
    assert graph.graph["unplaced"] == ()


def test_an_own_component_without_a_justification_is_flagged_as_unjustified() -> None:
    entry = {"id": "cache", "name": "Cache", "kind": "cache", "phase": "model"}
    bare = add_custom_entry(_design(**SOUND), "components", entry)
    justified = add_custom_entry(
        _design(**SOUND), "components", {**entry, "justification": "peak_qps"}
    )

    assert _flags(bare, "own_cache") == [("warning", "no constraint stated for it")]
    assert _flags(justified, "own_cache") == []


def test_a_model_that_does_not_fit_its_gpus_is_flagged_on_the_serving_node() -> None:
    design = _design(
        model={"kind": "self_hosted", "open_model": "llama-3.1-70b"}, serving={"gpu": "l4"}
    )

    reasons = _reasons(design, "llm", "error")

    assert "does not fit" in reasons
    assert "TTFT" not in reasons


def test_a_ttft_over_budget_is_flagged_on_the_serving_node() -> None:
    design = _design(
        constraints={**SOUND["constraints"], "ttft_ms": 50, "peak_qps": 1},
        model={"kind": "self_hosted", "open_model": "llama-3.1-70b"},
        serving={"gpus_per_replica": 2, "precision": "fp8"},
        technique={"rungs": ["prompt"]},
    )

    assert "first token" in _reasons(design, "llm", "error")


def test_retrieval_time_counts_against_the_ttft_budget() -> None:
    design = _design(constraints=SOUND["constraints"], model=SELF_HOSTED, retrieval={"top_k": 10})
    before_ms = figures(design, catalog_for(design)).timeline.before_model_ms
    # A budget retrieval alone meets, but not once the model's own first token is added.
    tight = update_design(design, "constraints", ttft_ms=math.ceil(before_ms) + 1)
    found = figures(tight, catalog_for(tight)).timeline

    assert found.ttft_ms is not None
    assert f"first token {duration(found.ttft_ms)} > {tight.constraints.ttft_ms} ms budget" in (
        _reasons(tight, "llm", "error")
    )
    assert _flags(tight, "reranker") == []


def test_a_reranker_that_spends_the_whole_ttft_budget_is_flagged() -> None:
    design = _design(constraints=SOUND["constraints"], retrieval={"top_k": 400})

    assert "before the model" in _reasons(design, "reranker", "error")


def test_an_itl_over_budget_is_flagged_on_the_serving_node() -> None:
    design = _design(
        constraints={**SOUND["constraints"], "itl_ms": 5, "peak_qps": 1},
        model={"kind": "self_hosted", "open_model": "llama-3.1-70b"},
        serving={"gpus_per_replica": 2, "precision": "fp8"},
        technique={"rungs": ["prompt"]},
    )

    assert "ITL" in _reasons(design, "llm", "error")


def test_too_few_replicas_for_the_peak_load_is_flagged_as_overloaded() -> None:
    design = _design(constraints={**SOUND["constraints"], "peak_qps": 2_000}, model=SELF_HOSTED)

    graph = build_graph(design)

    assert "overloaded" in _reasons(design, "llm", "error")
    assert "overloaded" in graph.edges["llm", "response"]["label"]


@pytest.mark.parametrize(
    ("model", "node", "ceiling"),
    [
        ({"kind": "hosted"}, "llm", {"cost_per_request_usd": 0.001}),
        (SELF_HOSTED, "llm", {"cost_per_user_month_usd": 0.01}),
        ({"kind": "routing"}, "router", {"cost_per_user_month_usd": 0.01}),
    ],
)
def test_a_cost_over_a_ceiling_is_flagged_where_the_money_goes(
    model: dict[str, Any], node: str, ceiling: dict[str, float]
) -> None:
    design = _design(constraints={**SOUND["constraints"], **ceiling}, model=model)

    assert "ceiling" in _reasons(design, node, "error")


@pytest.mark.parametrize(
    ("style_gap", "justification", "flagged"),
    [(False, "", True), (False, "house style is strict", False), (True, "", False)],
)
def test_a_fine_tune_above_the_ladders_pick_without_a_reason_flags_the_trainer(
    style_gap: bool, justification: str, flagged: bool
) -> None:
    design = _design(
        constraints={**SOUND["constraints"], "style_gap": style_gap},
        technique={"rungs": ["rag", "lora"], "justification": justification},
    )

    flags = _flags(design, "trainer")

    assert bool(flags) is flagged
    assert all(severity == "warning" and "ladder" in reason for severity, reason in flags)


def test_findings_from_elsewhere_are_drawn_on_their_node_or_kept_aside() -> None:
    extra = [
        Finding("llm", "warning", "the rubric wants a fallback model"),
        Finding("reranker", "error", "about a node this design lacks"),
    ]
    design = _design(constraints=SOUND["constraints"], retrieval={"reranker": False})

    graph = build_graph(design, findings=extra)

    assert ("warning", "the rubric wants a fallback model") in graph.nodes["llm"]["flags"]
    assert graph.graph["unplaced"] == (extra[1],)


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (0.048, "0.048 ms"),
        (3.75, "3.8 ms"),
        (618.2, "618 ms"),
        (1_234, "1.2 s"),
        (float("inf"), "unbounded"),
    ],
)
def test_durations_are_short_and_readable(ms: float, shown: str) -> None:
    assert duration(ms) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0000742, "$0.000074"),
        (0.00674, "$0.0067"),
        (0.01, "$0.01"),
        (5, "$5"),
        (29.125, "$29.12"),
        (2_910, "$2.9k"),
        (53_200, "$53k"),
        (1.2e6, "$1.2M"),
    ],
)
def test_dollar_amounts_are_short_and_never_in_scientific_notation(
    value: float, shown: str
) -> None:
    assert usd(value) == shown
