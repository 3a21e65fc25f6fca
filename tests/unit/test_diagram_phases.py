"""From a component to its decision: the phase page, the justifying constraint, the overview."""

from __future__ import annotations

import pytest

from diagrams import build_graph
from diagrams.overview import overview_dot, overview_lines
from diagrams.phases import node_card, phase_of
from playbook import Design, add_custom_entry, update_design
from playbook.scenarios import load_scenario


def _own(design: Design, justification: str) -> Design:
    entry = {
        "id": "semantic_cache", "name": "Semantic cache", "kind": "cache", "phase": "serving",
        "connects_to": ["gateway"], "justification": justification,
    }  # fmt: skip
    return add_custom_entry(design, "components", entry)


@pytest.mark.parametrize(
    ("node", "phase"),
    [("gateway", "constraints"), ("retriever", "retrieval"), ("vector_index", "retrieval"),
     ("documents", "retrieval"), ("llm", "model"), ("golden_set", "evaluation"),
     ("judge", "evaluation"), ("response", "constraints")],
)  # fmt: skip
def test_each_built_in_node_names_the_phase_that_decides_it(node: str, phase: str) -> None:
    design = Design()

    assert phase_of(build_graph(design), design, node) == phase


def test_a_served_model_is_decided_on_serving_and_a_router_on_model() -> None:
    design = load_scenario("support-bot")
    graph = build_graph(design)

    assert phase_of(graph, design, "small_llm") == "serving"
    assert phase_of(graph, design, "router") == "model"
    assert phase_of(graph, design, "mit_hallucination") == "evaluation"


def test_the_retriever_is_justified_by_the_knowledge_gap_and_shows_its_search_time() -> None:
    design = Design()

    graph = build_graph(design)

    card = node_card(graph, design, "retriever")

    assert card.phase == "retrieval"
    assert card.numbers == graph.nodes["retriever"]["numbers"]  # the diagram's own lines
    assert card.numbers
    assert card.reasons[0].startswith("“Knowledge gap” is on")


def test_rag_without_a_knowledge_gap_says_no_constraint_asks_for_it() -> None:
    design = update_design(Design(), "constraints", knowledge_gap=False)

    card = node_card(build_graph(design), design, "retriever")

    assert card.reasons == (
        "no Phase 1 constraint asks for it, and no reason is stated on the Technique page",
    )
    assert [severity for severity, _ in card.flags] == ["warning"]


def test_the_gateway_is_justified_by_the_load_with_its_numbers() -> None:
    design = update_design(Design(), "constraints", peak_qps=40.0, concurrent_users=2_000)

    card = node_card(build_graph(design), design, "gateway")

    assert card.reasons == (
        "“Peak requests per second” is 40 and “Concurrent users” 2,000: the load the gateway "
        "admits and rate-limits",
    )


def test_a_mitigation_names_its_failure_mode() -> None:
    design = load_scenario("document-qa")

    card = node_card(build_graph(design), design, "mit_pii_leak")

    assert card.reasons == ("failure mode PII leak: mitigated by PII redaction",)


@pytest.mark.parametrize(
    ("justification", "reason"),
    [("TTFT 800 ms", "TTFT 800 ms"), ("", "no constraint is stated for it")],
)
def test_an_own_component_is_justified_by_what_its_author_wrote(
    justification: str, reason: str
) -> None:
    design = _own(Design(), justification)
    graph = build_graph(design)

    card = node_card(graph, design, "own_semantic_cache")

    assert card.phase == "serving"
    assert card.reasons == (reason,)


def test_the_overview_has_each_phase_s_choice_and_the_full_diagram_s_numbers() -> None:
    design = Design()
    graph = build_graph(design)

    lines = overview_lines(graph, design)

    assert list(lines) == [
        "constraints", "technique", "model", "retrieval", "serving", "evaluation",
    ]  # fmt: skip
    assert lines["constraints"][:1] == list(graph.nodes["response"]["numbers"][:1])
    assert lines["technique"] == ["RAG"]
    assert lines["model"][0] == "GPT-4o"
    assert lines["model"][1] == graph.nodes["llm"]["numbers"][0]  # the same number, not a copy
    assert lines["serving"] == ["hosted API: no GPUs to size"]
    assert lines["retrieval"][1] == graph.nodes["vector_index"]["numbers"][0]


def test_an_overview_box_takes_the_worst_flag_of_its_phase() -> None:
    design = update_design(Design(), "constraints", cost_per_request_usd=0.0001)

    dot = overview_dot(design)

    model_line = next(line for line in dot.splitlines() if line.strip().startswith("model ["))
    assert 'color="#dc2626"' in model_line
