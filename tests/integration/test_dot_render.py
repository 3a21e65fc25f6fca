"""Diagrams rendered by the real Graphviz `dot`: every node and edge drawn, hostile text inert."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, cast

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagrams import build_graph, design_dot, render, to_dot
from playbook import Design, Phase, retitle_design, update_design

pytestmark = pytest.mark.dot

HOSTILE_TITLE = (
    "He said \"hi\" \\ 'quoted' </text><script>alert(1)</script> "
    '<a href="javascript:alert(1)">x</a> \U0001f680 \u05e9\u05dc\u05d5\u05dd \u202eevil\x00 end'
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _design(**phases: dict[str, Any]) -> Design:
    design = Design(title="Rendered")
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


DESIGNS = {
    "default": Design(),
    "prompt_only_self_hosted": _design(
        technique={"rungs": ["prompt"]}, model={"kind": "self_hosted"}
    ),
    "routing_rag_lora": _design(
        technique={"rungs": ["rag", "lora"]},
        model={"kind": "routing", "small_share_pct": 70},
        evaluation={"red_team_set": True, "mitigations": {"pii_leak": "input_output_guardrails"}},
    ),
    "bare_evaluation": _design(
        retrieval={"reranker": False, "bm25_hybrid": False},
        evaluation={"golden_set_size": 0, "offline_metrics": [], "llm_as_judge": False},
    ),
}


def _svg_tree(dot_source: str) -> ET.Element:
    # The SVG is the output of our own renderer for our own DOT text, not outside input.
    return ET.fromstring(render(dot_source, fmt="svg"))  # noqa: S314


def _counts(svg: ET.Element) -> tuple[int, int]:
    classes = [element.get("class") for element in svg.iter() if element.tag.endswith("}g")]
    return classes.count("node"), classes.count("edge")


def _sizes(graph: nx.DiGraph) -> tuple[int, int]:
    return graph.number_of_nodes(), graph.number_of_edges()


@pytest.mark.parametrize("name", DESIGNS)
def test_every_node_and_edge_of_the_graph_is_drawn(dot_binary: str, name: str) -> None:
    design = DESIGNS[name]

    svg = _svg_tree(design_dot(design))

    assert _counts(svg) == _sizes(build_graph(design))


def test_a_hostile_title_renders_as_inert_text(dot_binary: str) -> None:
    design = retitle_design(DESIGNS["routing_rag_lora"], title=HOSTILE_TITLE)

    raw = render(design_dot(design), fmt="svg")
    svg = ET.fromstring(raw)  # noqa: S314

    assert _counts(svg) == _sizes(build_graph(design))
    assert b"<script" not in raw
    assert b"<a " not in raw
    assert all(
        "javascript:" not in value.lower()
        for element in svg.iter()
        for value in element.attrib.values()
    )
    drawn = " ".join(element.text or "" for element in svg.iter() if element.tag.endswith("}text"))
    assert "</text><script>alert(1)</script>" in drawn


GRAPH = build_graph(DESIGNS["routing_rag_lora"])


@settings(max_examples=40, deadline=None)
@given(title=st.text())
def test_any_unicode_title_renders_without_changing_the_diagram(
    dot_binary: str, title: str
) -> None:
    svg = _svg_tree(to_dot(GRAPH, title=title))

    assert _counts(svg) == _sizes(GRAPH)


def test_png_rendering_returns_png_bytes(dot_binary: str) -> None:
    png = render(design_dot(Design()), fmt="png")

    assert png.startswith(PNG_MAGIC)
