"""A user's own components: drawn in their phase's cluster, linked, and never left dangling."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from diagrams import build_graph, check_graph, link_targets
from diagrams.graph import SLUG
from playbook import Design, add_custom_entry, remove_component, update_design


def _with(design: Design, *components: dict[str, Any]) -> Design:
    for component in components:
        entry = {"kind": "store", "phase": "model", "justification": "a constraint", **component}
        design = add_custom_entry(design, "components", entry)
    return design


def _linked(graph: nx.DiGraph, a: str, b: str) -> bool:
    return graph.has_edge(a, b) or graph.has_edge(b, a)


@pytest.mark.parametrize(
    ("phase", "kind", "self_hosted", "cluster"),
    [
        ("model", "cache", False, "online"),
        ("constraints", "tool", False, "online"),
        ("retrieval", "store", False, "offline"),
        ("retrieval", "reranker", False, "online"),
        ("technique", "source", False, "offline"),
        ("serving", "queue", True, "serving"),
        ("serving", "queue", False, "online"),
        ("evaluation", "store", False, "evaluation"),
        ("model", "monitor", False, "evaluation"),
    ],
)
def test_an_own_component_is_drawn_in_the_cluster_its_phase_implies(
    phase: str, kind: str, self_hosted: bool, cluster: str
) -> None:
    base = update_design(Design(), "model", kind="self_hosted" if self_hosted else "hosted")
    design = _with(base, {"id": "mine", "name": "Mine", "kind": kind, "phase": phase})

    node = build_graph(design).nodes["own_mine"]

    assert node["cluster"] == cluster
    assert node["kind"] == kind
    assert node["label"] == "Mine"


def test_an_own_component_is_linked_to_the_built_in_nodes_and_components_it_names() -> None:
    design = _with(
        Design(),
        {
            "id": "cache",
            "name": "Semantic cache",
            "kind": "cache",
            "connects_to": ["gateway", "llm"],
        },
        {"id": "log", "name": "Audit log", "connects_to": ["cache"]},
    )

    graph = build_graph(design)

    assert _linked(graph, "gateway", "own_cache")
    assert _linked(graph, "own_cache", "llm")
    assert _linked(graph, "own_log", "own_cache")
    assert {graph.edges[edge]["flow"] for edge in graph.edges("own_cache")} <= {"link"}
    assert check_graph(graph) == []


def test_a_component_sits_after_the_first_node_it_names_and_before_the_rest() -> None:
    design = _with(
        Design(),
        {"id": "cache", "name": "Cache", "kind": "cache", "connects_to": ["llm", "gateway"]},
    )

    graph = build_graph(design)

    assert graph.has_edge("gateway", "own_cache")
    assert graph.has_edge("own_cache", "llm")


def test_a_link_to_a_node_the_design_no_longer_has_is_dropped_and_flagged() -> None:
    design = _with(
        update_design(Design(), "retrieval", reranker=False),
        {"id": "tool", "name": "Tool", "kind": "tool", "connects_to": ["reranker", "llm"]},
    )

    graph = build_graph(design)

    assert "reranker" not in graph
    assert _linked(graph, "own_tool", "llm")
    assert ("warning", "link to reranker dropped: no such node") in graph.nodes["own_tool"]["flags"]
    assert check_graph(graph) == []


@pytest.mark.parametrize(("kind", "entry"), [("hosted", "llm"), ("routing", "router")])
def test_a_component_without_links_hangs_dotted_off_the_model_requests_enter(
    kind: str, entry: str
) -> None:
    design = _with(update_design(Design(), "model", kind=kind), {"id": "flags", "name": "Flags"})

    graph = build_graph(design)

    assert graph.edges[entry, "own_flags"]["flow"] == "anchor"
    assert graph.nodes["own_flags"]["detail"].endswith("no links")
    assert check_graph(graph) == []


def test_components_linked_only_to_each_other_are_still_reachable() -> None:
    design = _with(
        Design(),
        {"id": "a", "name": "A", "connects_to": ["b"]},
        {"id": "b", "name": "B", "connects_to": ["a"]},
    )

    graph = build_graph(design)

    assert check_graph(graph) == []
    assert sum(1 for edge in graph.edges if set(edge) == {"own_a", "own_b"}) == 1


@pytest.mark.parametrize(
    ("kind", "named", "drawn_to"),
    [("routing", "llm", "router"), ("hosted", "small_llm", "llm"), ("hosted", "router", "llm")],
)
def test_a_link_to_a_model_node_follows_the_model_choice(
    kind: str, named: str, drawn_to: str
) -> None:
    design = _with(
        update_design(Design(), "model", kind=kind),
        {"id": "tool", "name": "T", "connects_to": [named]},
    )

    graph = build_graph(design)

    assert _linked(graph, "own_tool", drawn_to)
    assert graph.nodes["own_tool"]["flags"] == ()


def test_an_own_component_may_reuse_a_built_in_id_without_colliding() -> None:
    design = _with(
        Design(),
        {"id": "llm", "name": "Guard model", "kind": "llm"},
        {"id": "check", "name": "Check", "connects_to": ["llm"]},
    )

    graph = build_graph(design)

    assert graph.nodes["llm"]["label"] == "LLM"
    assert graph.nodes["own_llm"]["label"] == "Guard model"
    assert _linked(graph, "own_check", "own_llm")


def test_a_source_component_feeds_every_node_it_names() -> None:
    design = _with(
        Design(),
        {
            "id": "crm",
            "name": "CRM",
            "kind": "source",
            "phase": "retrieval",
            "connects_to": ["documents", "chunker"],
        },
    )

    graph = build_graph(design)

    assert graph.has_edge("own_crm", "documents")
    assert graph.has_edge("own_crm", "chunker")


def test_removing_a_component_removes_its_node_and_the_links_to_it() -> None:
    design = _with(
        Design(),
        {"id": "a", "name": "A", "connects_to": ["llm"]},
        {"id": "b", "name": "B", "connects_to": ["a", "gateway"]},
    )

    graph = build_graph(remove_component(design, "a"))

    assert "own_a" not in graph
    assert _linked(graph, "own_b", "gateway")
    assert graph.nodes["own_b"]["flags"] == ()


KINDS = ("cache", "tool", "queue", "store", "source")


def test_every_node_of_a_design_with_many_components_is_reachable() -> None:
    # Each component names the one before it and a built-in node, or nothing every third time.
    components = [
        {
            "id": f"c{i}",
            "name": f"C{i}",
            "kind": KINDS[i % len(KINDS)],
            "connects_to": [] if i % 3 == 0 else [f"c{i - 1}", ("gateway", "llm", "judge")[i % 3]],
        }
        for i in range(30)
    ]

    graph = build_graph(_with(Design(), *components))

    assert check_graph(graph) == []
    assert all(SLUG.match(node) for node in graph.nodes)
    assert all(not flags for node, flags in graph.nodes(data="flags") if node.startswith("own_"))


def test_link_targets_lists_the_built_in_nodes_and_components_but_no_mitigations() -> None:
    design = _with(
        update_design(
            Design(),
            "evaluation",
            mitigations={"hallucination": "citations_and_faithfulness_check"},
        ),
        {"id": "cache", "name": "Cache"},
    )

    targets = dict(link_targets(design))

    assert targets["retriever"] == "Retriever"
    assert targets["cache"] == "Cache"
    assert "mit_hallucination" not in targets
    assert "own_cache" not in targets
