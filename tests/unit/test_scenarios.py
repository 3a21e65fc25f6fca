"""The reference architectures load as valid designs and meet their own budgets by the estimates."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagrams import build_graph
from playbook import Design, dump_design, parse_design, update_design
from playbook.design import PHASES, FailureMode, catalog_for, inapplicable_failure_modes
from playbook.estimates.cost import cost_report
from playbook.estimates.retrieval import retrieval_report
from playbook.estimates.serving import operating_point, serving_report
from playbook.ladder import check_technique, recommend_technique
from playbook.sanitize import normalise
from playbook.scenarios import (
    UnknownScenarioError,
    load_scenario,
    model_line,
    phase1_line,
    pitch_of,
    scenario_names,
    scenario_summaries,
)

NAMES = scenario_names()
RAG_NAMES = [name for name in NAMES if load_scenario(name).uses_rag]
SERVED_NAMES = [name for name in NAMES if load_scenario(name).self_hosts]
HIGH_BAR_PCT = 90.0


def test_at_least_five_reference_architectures_ship_including_the_two_named_ones() -> None:
    assert len(NAMES) >= 5
    assert {"code-assistant", "document-qa"} <= set(NAMES)


def test_the_references_cover_every_model_class() -> None:
    kinds = {load_scenario(name).model.kind for name in NAMES}

    assert kinds == {"hosted", "self_hosted", "routing"}


@pytest.mark.parametrize("name", NAMES)
def test_a_reference_is_a_valid_design_named_after_its_file(name: str) -> None:
    design = load_scenario(name)

    assert design.schema_version == 1
    assert design.scenario == name
    assert design.author == "GenAI Design Whiteboard"
    assert design.title.strip()


@pytest.mark.parametrize("name", NAMES)
def test_a_reference_survives_a_json_round_trip(name: str) -> None:
    design = load_scenario(name)

    again = parse_design(dump_design(design))

    assert again == design


def test_an_unknown_name_is_a_lookup_error_listing_every_name() -> None:
    with pytest.raises(UnknownScenarioError) as raised:
        load_scenario("chatbot-9000")

    assert isinstance(raised.value, LookupError)
    assert "chatbot-9000" in str(raised.value)
    for name in NAMES:
        assert name in str(raised.value)


@pytest.mark.parametrize("name", NAMES)
def test_the_technique_is_the_ladders_recommendation(name: str) -> None:
    design = load_scenario(name)

    findings = check_technique(design)

    assert findings == []
    assert design.technique.rungs == recommend_technique(design.constraints).rungs


@pytest.mark.parametrize("name", SERVED_NAMES)
def test_the_self_hosted_model_fits_and_meets_both_latency_budgets(name: str) -> None:
    design = load_scenario(name)

    report = serving_report(design, catalog_for(design))

    assert report is not None
    assert report.fit.fits, report.verdicts
    assert report.meets_ttft, report.verdicts
    assert report.meets_itl, report.verdicts
    assert report.enough_replicas, report.verdicts


@pytest.mark.parametrize("name", SERVED_NAMES)
def test_the_first_token_after_retrieval_is_within_the_ttft_budget(name: str) -> None:
    design = load_scenario(name)
    catalog = catalog_for(design)
    report = serving_report(design, catalog)
    assert report is not None

    first_token_ms = operating_point(report.setup, load=report.load).ttft_s * 1e3
    if design.uses_rag:
        retrieval = retrieval_report(design, catalog)
        rerank = retrieval.rerank_latency.value if retrieval.rerank_latency else 0.0
        first_token_ms += retrieval.query_latency.value + rerank

    assert first_token_ms <= design.constraints.ttft_ms


@pytest.mark.parametrize("name", RAG_NAMES)
def test_retrieval_leaves_room_in_the_ttft_budget_for_the_model(name: str) -> None:
    design = load_scenario(name)

    report = retrieval_report(design, catalog_for(design))

    rerank = report.rerank_latency.value if report.rerank_latency else 0.0
    assert report.query_latency.value + rerank < design.constraints.ttft_ms / 2


@pytest.mark.parametrize("name", NAMES)
def test_the_cost_is_within_both_ceilings(name: str) -> None:
    design = load_scenario(name)

    report = cost_report(design, catalog_for(design))

    assert report.within_request_ceiling, report.verdicts
    assert report.within_user_ceiling, report.verdicts


@pytest.mark.parametrize("name", NAMES)
def test_an_answer_at_the_ttft_and_itl_budgets_fits_the_total_response_time(name: str) -> None:
    c = load_scenario(name).constraints

    at_budgets_s = (c.ttft_ms + (c.avg_output_tokens - 1) * c.itl_ms) / 1e3

    assert at_budgets_s <= c.total_response_s


@pytest.mark.parametrize("name", NAMES)
def test_every_applicable_failure_mode_has_a_mitigation(name: str) -> None:
    design = load_scenario(name)
    inapplicable = inapplicable_failure_modes(design)

    unmitigated = [
        mode
        for mode in get_args(FailureMode)
        if mode not in inapplicable and design.evaluation.mitigations[mode] == "none"
    ]

    assert unmitigated == []


@pytest.mark.parametrize("name", RAG_NAMES)
def test_untrusted_documents_come_with_an_injection_guard(name: str) -> None:
    design = load_scenario(name)

    guard = design.evaluation.mitigations["prompt_injection"]

    if design.retrieval.untrusted_documents:
        assert guard == "input_output_guardrails"


@pytest.mark.parametrize("name", RAG_NAMES)
def test_a_high_accuracy_bar_gets_hybrid_search_a_reranker_and_a_recall_target(name: str) -> None:
    design = load_scenario(name)
    r, bar = design.retrieval, design.constraints.accuracy_bar_pct

    if bar >= HIGH_BAR_PCT:
        assert r.reranker
        assert r.bm25_hybrid
        assert r.rerank_top_n < r.top_k
    assert r.recall_at_k_target_pct >= bar
    assert r.rerank_top_n * r.chunk_tokens <= design.constraints.avg_prompt_tokens


@pytest.mark.parametrize("name", NAMES)
def test_evaluation_has_a_golden_set_metrics_a_judge_and_a_red_team(name: str) -> None:
    e = load_scenario(name).evaluation

    assert e.golden_set_size >= 200
    assert e.offline_metrics
    assert e.online_metrics
    assert e.llm_as_judge
    assert e.red_team_set


@pytest.mark.parametrize("name", NAMES)
def test_every_phase_has_notes_explaining_its_choice(name: str) -> None:
    design = load_scenario(name)

    empty = [phase for phase in PHASES if not getattr(design, phase).notes.strip()]

    assert empty == []


@pytest.mark.parametrize("name", NAMES)
def test_every_own_component_states_the_constraint_it_serves(name: str) -> None:
    design = load_scenario(name)

    unjustified = [c.id for c in design.components if not c.justification.strip()]

    assert unjustified == []


@pytest.mark.parametrize("name", NAMES)
def test_the_diagram_of_a_reference_flags_nothing(name: str) -> None:
    graph = build_graph(load_scenario(name))

    flagged = {node: data["flags"] for node, data in graph.nodes(data=True) if data.get("flags")}

    assert flagged == {}


def test_there_is_one_summary_per_reference_in_name_order() -> None:
    summaries = scenario_summaries()

    assert tuple(summary.name for summary in summaries) == NAMES
    for summary in summaries:
        design = load_scenario(summary.name)
        assert summary.title == design.title
        assert summary.pitch in design.constraints.notes
        assert summary.numbers == phase1_line(design.constraints)


def test_the_phase1_line_carries_accuracy_latency_cost_and_scale() -> None:
    c = load_scenario("document-qa").constraints

    line = phase1_line(c)

    for shown in ("95% accuracy", "TTFT 1,500 ms", "ITL 50 ms", "$0.05/request", "0.5 QPS"):
        assert shown in line


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("hosted", "Hosted: GPT-4o"),
        ("self_hosted", "Self-hosted: Llama 3.1 8B"),
        ("routing", "Routing: Llama 3.1 8B (70%) and GPT-4o (30%)"),
    ],
)
def test_the_model_line_names_the_class_and_the_models(kind: str, expected: str) -> None:
    design = update_design(Design(), "model", kind=kind)

    line = model_line(design)

    assert line == expected


def test_the_pitch_falls_back_to_the_title_without_notes() -> None:
    design = Design(title="Bare design")

    assert pitch_of(design) == "Bare design"


@given(st.text(max_size=300))
def test_the_pitch_is_the_start_of_the_notes_on_one_line(notes: str) -> None:
    design = update_design(Design(), "constraints", notes=notes)

    pitch = pitch_of(design)

    flat = " ".join(normalise(notes).split())  # invisible characters are gone at validation
    assert "\n" not in pitch
    assert flat.startswith(pitch) if flat else pitch == design.title
