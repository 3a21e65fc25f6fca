"""Each failure mode's mitigation is drawn beside the component it protects."""

from __future__ import annotations

from typing import Any, cast, get_args

import pytest

from diagrams import build_graph, check_graph
from diagrams.mitigations import PROTECTS
from playbook import Design, Phase, update_design
from playbook.design import FailureMode
from playbook.labels import MITIGATIONS

GUARDED = {"prompt_injection": "input_output_guardrails"}


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def _mitigated(mode: str, mitigation: str, **phases: dict[str, Any]) -> Design:
    evaluation = phases.pop("evaluation", {})
    mitigations = {**evaluation.pop("mitigations", {}), mode: mitigation}
    return _design(**phases, evaluation={**evaluation, "mitigations": mitigations})


@pytest.mark.parametrize(
    ("mode", "mitigation", "phases", "protected"),
    [
        ("hallucination", "citations_and_faithfulness_check", {}, "response"),
        ("prompt_injection", "input_output_guardrails", {}, "input_guard"),
        ("prompt_injection", "pii_redaction", {}, "retriever"),
        ("prompt_injection", "pii_redaction", {"technique": {"rungs": ["prompt"]}}, "gateway"),
        ("retrieval_miss", "hybrid_search_and_reranker", {}, "retriever"),
        ("kv_cache_oom", "admission_control", {"model": {"kind": "self_hosted"}}, "llm"),
        ("kv_cache_oom", "admission_control", {"model": {"kind": "routing"}}, "small_llm"),
        ("model_drift", "judge_monitoring_and_pinned_versions", {}, "monitor"),
        (
            "model_drift",
            "judge_monitoring_and_pinned_versions",
            {"evaluation": {"online_metrics": []}},
            "judge",
        ),
        (
            "model_drift",
            "judge_monitoring_and_pinned_versions",
            {"evaluation": {"online_metrics": [], "llm_as_judge": False}},
            "llm",
        ),
        ("pii_leak", "pii_redaction", {"evaluation": {"mitigations": GUARDED}}, "output_guard"),
        ("pii_leak", "pii_redaction", {}, "response"),
    ],
)
def test_a_mitigation_sits_beside_the_component_it_protects(
    mode: str, mitigation: str, phases: dict[str, Any], protected: str
) -> None:
    design = _mitigated(mode, mitigation, **phases)

    graph = build_graph(design)

    node = f"mit_{mode}"
    assert graph.nodes[node]["label"] == MITIGATIONS[mitigation]
    assert graph.nodes[node]["kind"] == "mitigation"
    assert graph.edges[protected, node]["flow"] == "mitigation"
    assert graph.nodes[node]["cluster"] == graph.nodes[protected]["cluster"]
    assert check_graph(graph) == []


@pytest.mark.parametrize(
    ("mode", "phases"),
    [
        ("hallucination", {}),
        ("retrieval_miss", {"technique": {"rungs": ["prompt"]}}),
        ("kv_cache_oom", {"model": {"kind": "hosted"}}),
    ],
)
def test_no_mitigation_node_for_none_or_a_failure_mode_the_design_rules_out(
    mode: str, phases: dict[str, Any]
) -> None:
    mitigation = "none" if mode == "hallucination" else "admission_control"
    design = _mitigated(mode, mitigation, **phases)

    graph = build_graph(design)

    assert f"mit_{mode}" not in graph


def test_every_failure_mode_names_the_components_its_mitigation_protects() -> None:
    assert set(PROTECTS) == set(get_args(FailureMode))
    assert all(PROTECTS.values())
