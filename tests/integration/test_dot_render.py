"""Diagrams rendered by the real Graphviz `dot`: every node and edge drawn, hostile text inert."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, cast, get_args

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagrams import build_graph, design_dot, export, render, to_dot
from playbook import Design, Phase, add_custom_entry, retitle_design, update_design
from playbook.design import ComponentKind
from playbook.sanitize import normalise

pytestmark = pytest.mark.dot

HOSTILE_TITLE = (
    "He said \"hi\" \\ 'quoted' </text><script>alert(1)</script> "
    '<a href="javascript:alert(1)">x</a> \U0001f680 \u05e9\u05dc\u05d5\u05dd \u202eevil\x00 end'
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LEGEND = 1  # the legend is one node of its own, beside the graph's
SVG = "{http://www.w3.org/2000/svg}"
# Every element Graphviz draws a diagram with; anything else (a, script, foreignObject) is not ours.
SVG_TAGS = {"svg", "g", "title", "text", "polygon", "polyline", "path", "ellipse", "defs", "stop"}
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
ALL_MITIGATED = {
    "hallucination": "citations_and_faithfulness_check",
    "prompt_injection": "input_output_guardrails",
    "retrieval_miss": "hybrid_search_and_reranker",
    "kv_cache_oom": "admission_control",
    "model_drift": "judge_monitoring_and_pinned_versions",
    "pii_leak": "pii_redaction",
}


def _design(**phases: dict[str, Any]) -> Design:
    design = Design(title="Rendered")
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def _with_components(design: Design, names: list[str], justification: str = "a") -> Design:
    # One component of every kind, each linked to the previous one and to a built-in node;
    # the last one names a node this design lacks, so it is flagged.
    kinds = get_args(ComponentKind)
    for i, kind in enumerate(kinds):
        links = [f"c{i - 1}"] if i else ["gateway"]
        links += ["small_llm" if i % 2 else "response"] + (["gone"] if i == len(kinds) - 1 else [])
        entry = {
            "id": f"c{i}",
            "name": names[i % len(names)],
            "kind": kind,
            "phase": ("model", "retrieval", "serving", "evaluation")[i % 4],
            "connects_to": links,
            "justification": justification if i % 3 else "",
        }
        design = add_custom_entry(design, "components", entry)
    return design


RICH = _with_components(
    _design(
        technique={"rungs": ["rag", "lora"]},
        model={"kind": "routing", "small_share_pct": 70},
        retrieval={"untrusted_documents": True},
        evaluation={"red_team_set": True, "mitigations": ALL_MITIGATED},
    ),
    ["Semantic cache"],
)
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
    "does_not_fit": _design(
        model={"kind": "self_hosted", "open_model": "llama-3.1-70b"}, serving={"gpu": "l4"}
    ),
    "rich": RICH,
}


def _svg_tree(dot_source: str) -> ET.Element:
    # The SVG is the output of our own renderer for our own DOT text, not outside input.
    return ET.fromstring(render(dot_source, fmt="svg"))  # noqa: S314


def _counts(svg: ET.Element) -> tuple[int, int]:
    classes = [element.get("class") for element in svg.iter() if element.tag.endswith("}g")]
    return classes.count("node"), classes.count("edge")


def _sizes(graph: nx.DiGraph) -> tuple[int, int]:
    return graph.number_of_nodes() + LEGEND, graph.number_of_edges()


def _assert_inert(raw: bytes) -> None:
    svg = ET.fromstring(raw)  # noqa: S314  # our own renderer's output
    assert b"<script" not in raw.lower()
    assert b"<a " not in raw
    assert {element.tag.removeprefix(SVG) for element in svg.iter()} <= SVG_TAGS
    for element in svg.iter():
        assert not any(name.lower().startswith("on") or "href" in name for name in element.attrib)
        assert not any(SCRIPT_URL.match(value) for value in element.attrib.values())


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
    _assert_inert(raw)
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


@settings(max_examples=40, deadline=None)
@given(
    title=st.text(max_size=200),
    # A name of nothing but invisible characters is no name: refused at validation.
    names=st.lists(st.text(min_size=1, max_size=80).filter(normalise), min_size=1, max_size=4),
    notes=st.text(max_size=2_000),
    justification=st.text(max_size=200),
)
def test_any_unicode_in_titles_names_and_notes_gives_the_same_inert_diagram(
    dot_binary: str, title: str, names: list[str], notes: str, justification: str
) -> None:
    design = _with_components(
        retitle_design(RICH.model_copy(update={"components": ()}), title=title),
        names,
        justification,
    )
    for phase in ("constraints", "technique", "retrieval", "evaluation"):
        design = update_design(design, cast("Phase", phase), notes=notes)

    raw = render(design_dot(design), fmt="svg")

    assert _counts(ET.fromstring(raw)) == _sizes(build_graph(RICH))  # noqa: S314
    _assert_inert(raw)


@pytest.mark.parametrize("name", ["default", "rich"])
def test_the_svg_export_is_a_drawing_of_the_whole_design(dot_binary: str, name: str) -> None:
    design = DESIGNS[name]

    raw = export(design, "svg")

    assert _counts(ET.fromstring(raw)) == _sizes(build_graph(design))  # noqa: S314
    _assert_inert(raw)


def test_the_png_export_is_a_png(dot_binary: str) -> None:
    png = export(RICH, "png")

    assert png.startswith(PNG_MAGIC)


def test_png_rendering_returns_png_bytes(dot_binary: str) -> None:
    png = render(design_dot(Design()), fmt="png")

    assert png.startswith(PNG_MAGIC)
