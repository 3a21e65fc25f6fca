"""The look of the diagram: a style for every kind, flags in colour, a legend, a size guard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

import pytest

from diagrams import (
    MAX_DIAGRAM_NODES,
    DiagramTooLargeError,
    Finding,
    build_graph,
    check_size,
    design_dot,
    design_mermaid,
    findings_from_review,
    to_dot,
)
from diagrams.mermaid import ARROWS, SHAPES
from diagrams.style import EDGE_STYLES, FLAG_STYLES, FLOWS, NODE_KINDS, NODE_STYLES
from diagrams.text import wrap
from playbook import Design, add_custom_entry, update_design
from playbook.design import ComponentKind

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


def test_a_diagram_at_the_limit_is_drawn_and_one_past_it_is_refused() -> None:
    built_in = build_graph(Design()).number_of_nodes()
    at_limit = _with_components(MAX_DIAGRAM_NODES - built_in)
    past_limit = _with_components(MAX_DIAGRAM_NODES - built_in + 1)

    check_size(build_graph(at_limit))
    with pytest.raises(
        DiagramTooLargeError, match=rf"{MAX_DIAGRAM_NODES + 1} nodes.*{MAX_DIAGRAM_NODES}"
    ):
        design_dot(past_limit)
    with pytest.raises(DiagramTooLargeError):
        design_mermaid(past_limit)


def test_to_dot_checks_the_size_of_any_graph() -> None:
    graph = build_graph(_with_components(MAX_DIAGRAM_NODES))

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
