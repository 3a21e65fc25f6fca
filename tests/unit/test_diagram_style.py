"""The look of the diagram: a style for every kind, flags in colour, a legend, a size guard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

import pytest

from diagrams import (
    MAX_DIAGRAM_EDGES,
    MAX_DIAGRAM_NODES,
    DiagramTooLargeError,
    Finding,
    build_graph,
    design_dot,
    design_mermaid,
    diagram_size,
    findings_from_review,
    to_dot,
)
from diagrams.graph import BUILT_IN_EDGES, BUILT_IN_NODES
from diagrams.mermaid import ARROWS, SHAPES
from diagrams.style import EDGE_STYLES, FLAG_STYLES, FLOWS, NODE_KINDS, NODE_STYLES
from diagrams.text import wrap
from playbook import Design, add_custom_entry, update_design
from playbook.design import LADDER, MAX_COMPONENTS, MAX_LINKS, Component, ComponentKind

EVERY_MITIGATION = {
    "hallucination": "citations_and_faithfulness_check",
    "prompt_injection": "input_output_guardrails",
    "retrieval_miss": "hybrid_search_and_reranker",
    "kv_cache_oom": "admission_control",
    "model_drift": "judge_monitoring_and_pinned_versions",
    "pii_leak": "pii_redaction",
}

# Within every budget: 5 QPS, and a reranker keeping 4 of 20 chunks (a 2,080-token prompt).
SOUND = update_design(
    update_design(Design(), "constraints", concurrent_users=100_000, peak_qps=5),
    "retrieval",
    top_k=20,
    rerank_top_n=4,
)


def _node_attributes(dot: str, node: str) -> str:
    found = re.search(rf"^\s+{node} \[(.*)\]$", dot, flags=re.MULTILINE)
    assert found, node
    return found.group(1)


def _with_components(count: int) -> Design:
    design = Design()
    for i in range(count):
        entry = {"id": f"c{i}", "name": f"C{i}", "kind": "store", "phase": "model"}
        design = add_custom_entry(design, "components", {**entry, "justification": "x"})
    return design


@pytest.mark.parametrize("kind", get_args(ComponentKind))
def test_every_kind_a_user_can_add_has_a_style_and_a_mermaid_shape(kind: str) -> None:
    assert kind in NODE_STYLES
    assert kind in SHAPES


def test_every_node_kind_and_flow_is_styled_for_both_renderers() -> None:
    assert set(NODE_STYLES) == set(NODE_KINDS) == set(SHAPES)
    assert set(EDGE_STYLES) == set(FLOWS) == set(ARROWS)


def test_no_two_kinds_look_the_same() -> None:
    looks = [(s.shape, s.fill, s.border, s.style) for s in NODE_STYLES.values()]

    assert len(set(looks)) == len(looks)
    assert len({s.fill for s in NODE_STYLES.values()}) == len(NODE_STYLES)


def test_a_flagged_node_gets_the_flag_colour_and_its_reason() -> None:
    design = update_design(SOUND, "constraints", cost_per_request_usd=0.001)

    attributes = _node_attributes(design_dot(design), "llm")

    assert f'color="{FLAG_STYLES["error"].colour}"' in attributes
    assert f"penwidth={FLAG_STYLES['error'].penwidth}" in attributes
    assert "ceiling" in attributes


def test_an_error_outranks_a_warning_on_the_same_node() -> None:
    findings = [Finding("llm", "warning", "soft"), Finding("llm", "error", "hard")]

    attributes = _node_attributes(design_dot(SOUND, findings=findings), "llm")

    assert f'color="{FLAG_STYLES["error"].colour}"' in attributes
    assert "soft" in attributes


def test_a_flag_reason_reaches_the_dot_text_only_escaped() -> None:
    findings = [Finding("llm", "warning", '<b>x</b> "]; evil [URL="javascript:alert(1)')]

    dot = design_dot(SOUND, findings=findings)

    assert "<b>x</b>" not in dot
    assert 'URL="' not in dot
    assert "&lt;b&gt;x&lt;/b&gt;" in dot


def test_the_legend_names_the_kinds_flows_and_flags_the_diagram_uses() -> None:
    flagged = update_design(SOUND, "constraints", cost_per_request_usd=0.001)

    sound_legend = _node_attributes(design_dot(SOUND), "legend")
    flagged_legend = _node_attributes(design_dot(flagged), "legend")

    assert "index" in sound_legend
    assert "cylinder" in sound_legend
    assert EDGE_STYLES["eval"].name in sound_legend
    assert "nothing flagged" in sound_legend
    assert FLAG_STYLES["error"].name in flagged_legend
    assert "trainer" not in sound_legend


def test_a_long_user_name_wraps_onto_short_lines() -> None:
    design = add_custom_entry(
        SOUND,
        "components",
        {
            "id": "long",
            "name": "word " * 16,
            "kind": "tool",
            "phase": "model",
            "justification": "x",
        },
    )

    label = _node_attributes(design_dot(design), "own_long")

    assert label.count("<B>word") == 2
    assert "\u2026" in label


def _largest(*, links: int = 0, per_component: int = 2) -> list[Component]:
    # MAX_COMPONENTS components; each links back to up to `per_component` earlier ones, until
    # `links` links are made.
    made, found = 0, []
    for i in range(MAX_COMPONENTS):
        targets = [f"c{j}" for j in range(max(0, i - per_component), i)][: links - made]
        made += len(targets)
        found.append(
            Component(id=f"c{i}", name=f"C{i}", kind="store", phase="model", connects_to=targets)
        )
    return found


@pytest.mark.parametrize("kind", ["hosted", "self_hosted", "routing"])
def test_the_phases_draw_no_more_than_the_built_in_bounds_the_guard_counts_on(kind: str) -> None:
    design = update_design(Design(), "model", kind=kind)
    design = update_design(design, "technique", rungs=list(LADDER))
    design = update_design(design, "retrieval", untrusted_documents=True)
    design = update_design(design, "evaluation", red_team_set=True, mitigations=EVERY_MITIGATION)

    graph = build_graph(design)

    assert graph.number_of_nodes() <= BUILT_IN_NODES
    assert graph.number_of_edges() <= BUILT_IN_EDGES


def test_the_largest_design_validation_accepts_is_drawn() -> None:
    components = _largest(links=MAX_LINKS)
    assert sum(len(c.connects_to) for c in components) == MAX_LINKS
    design = Design.model_validate({"components": [c.model_dump() for c in components]})

    nodes, edges = diagram_size(design)

    assert (nodes, edges) <= (MAX_DIAGRAM_NODES, MAX_DIAGRAM_EDGES)
    assert "own_c99" in design_dot(design)
    assert "own_c99" in design_mermaid(design)


@pytest.mark.parametrize(
    ("components", "counted"),
    [
        (_largest() + _largest()[:11], "151 nodes"),  # ids repeat: never validated, only counted
        # 1,790 links + one anchor per component + 60 built in
        (_largest(links=10_000, per_component=20), "1,950 edges"),
    ],
)
def test_a_design_past_the_diagram_limits_is_refused_before_anything_is_built(
    components: list[Component], counted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # model_construct skips validation, as a design from anywhere else might.
    design = Design.model_construct(**{**dict(Design()), "components": tuple(components)})

    def never(*_: object) -> None:
        raise AssertionError("the graph was being built")

    monkeypatch.setattr("diagrams.graph.add_request_path", never)

    with pytest.raises(DiagramTooLargeError, match=counted):
        build_graph(design)
    with pytest.raises(DiagramTooLargeError, match="remove some"):
        design_mermaid(design)


def test_to_dot_checks_the_size_of_any_graph() -> None:
    graph = build_graph(Design())
    for i in range(MAX_DIAGRAM_NODES):
        graph.add_node(f"extra_{i}", kind="store", label="x", cluster="online", flags=())

    with pytest.raises(DiagramTooLargeError, match="remove some"):
        to_dot(graph, title="big")


@dataclass(frozen=True)
class _Review:
    rule_id: str
    component: str | None
    severity: str
    message: str


def test_review_findings_become_flags_on_their_component() -> None:
    design = add_custom_entry(
        SOUND, "components", {"id": "cache", "name": "Cache", "kind": "cache", "phase": "model"}
    )
    review = [
        _Review("model.hosted_on_prem", "llm", "block", "no fallback"),
        _Review("evaluation.x", "cache", "warn", "stale answers"),
        _Review("evaluation.y", "llm", "info", "just so you know"),
        _Review("model.z", None, "block", "about the whole design"),
        _Review("model.cost_per_user_over", "llm", "block", "drawn by annotate already"),
    ]

    graph = build_graph(design, findings=findings_from_review(review))

    assert graph.nodes["llm"]["flags"] == (("error", "no fallback"),)
    assert ("warning", "stale answers") not in graph.nodes["own_cache"].get("flags", ())


@pytest.mark.parametrize(
    ("text", "width", "max_lines", "lines"),
    [
        ("Citations + faithfulness check", 26, 2, ["Citations + faithfulness", "check"]),
        ("short", 26, 2, ["short"]),
        ("x" * 30, 10, 2, ["x" * 10, "x" * 9 + "\u2026"]),
        ("one two three four five six", 9, 2, ["one two", "three fo\u2026"]),
        ("\n\t ", 10, 2, []),
    ],
)
def test_wrap_breaks_at_spaces_cuts_long_words_and_marks_what_it_drops(
    text: str, width: int, max_lines: int, lines: list[str]
) -> None:
    assert wrap(text, width=width, max_lines=max_lines) == lines
