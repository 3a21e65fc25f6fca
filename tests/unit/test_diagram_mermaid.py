"""The diagram as Mermaid text: the same nodes and edges, clusters as subgraphs, inert labels."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagrams import build_graph, design_mermaid, escape_mermaid
from playbook import Design, add_custom_entry, retitle_design, update_design
from playbook.sanitize import normalise

NODE_LINE = re.compile(r'^\s+([a-z][a-z0-9_]*)[\[\(\{>][^"]*"(.*)"[\]\)\}/\\]+$')
EDGE_LINE = re.compile(
    r'^\s+([a-z][a-z0-9_]*) (-->|==>|-\.->|---|-\.-)(\|"[^"]*"\|)? ([a-z][a-z0-9_]*)$'
)
HOSTILE = [
    '"]; click llm "javascript:alert(1)"',
    "<script>alert(1)</script>",
    "a | b [c] (d) {e} `f` #g; 50% & h",
    "JavaScript:alert(1)",
    "line one\nline two\r\n%% comment",
    "\u202eevil\x00",
]
RICH = update_design(
    update_design(Design(title="Mermaid"), "model", kind="routing", large_model="gpt-4o"),
    "evaluation",
    mitigations={
        "kv_cache_oom": "admission_control",
        "hallucination": "citations_and_faithfulness_check",
    },
)


def _with_component(design: Design, name: str) -> Design:
    entry = {
        "id": "mine",
        "name": name,
        "kind": "tool",
        "phase": "model",
        "connects_to": ["router"],
    }
    return add_custom_entry(design, "components", entry)


def _shape(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = {m.group(1) for line in text.splitlines() if (m := NODE_LINE.match(line))}
    edges = {(m.group(1), m.group(4)) for line in text.splitlines() if (m := EDGE_LINE.match(line))}
    return nodes, edges


def test_the_mermaid_text_has_every_node_and_edge_of_the_graph() -> None:
    design = _with_component(RICH, "Calculator")

    nodes, edges = _shape(design_mermaid(design))

    graph = build_graph(design)
    assert nodes == set(graph.nodes)
    assert edges == set(graph.edges)


def test_clusters_become_subgraphs_with_serving_inside_the_online_path() -> None:
    lines = design_mermaid(RICH).splitlines()

    assert lines[0] == "flowchart LR"
    starts = {line.strip().split("[")[0]: i for i, line in enumerate(lines) if "subgraph" in line}
    online, serving = starts["subgraph cluster_online"], starts["subgraph cluster_serving"]
    online_end = next(i for i in range(online + 1, len(lines)) if lines[i] == "    end")
    assert online < serving < online_end
    assert "subgraph cluster_offline" in starts
    assert "subgraph cluster_evaluation" in starts


def test_kinds_and_flags_are_mermaid_classes() -> None:
    flagged = update_design(RICH, "constraints", cost_per_user_month_usd=0.01)

    text = design_mermaid(flagged)

    assert "classDef kind_llm " in text
    assert re.search(r"^\s+class small_llm,large_llm kind_llm$", text, flags=re.MULTILINE)
    assert re.search(r"^\s+class (\w+,)*router(,\w+)* flag_error$", text, flags=re.MULTILINE)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_mermaid_leaves_no_syntax_html_or_script_url(text: str) -> None:
    escaped = escape_mermaid(text)

    outside_entity_codes = re.sub(r"#\d+;", "", escaped)
    assert not set(outside_entity_codes) & set("\"'<>[](){}|`\\%;:#\n\r")
    assert "javascript:" not in escaped.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('say "hi"', "say #34;hi#34;"),
        ("a<b>", "a#60;b#62;"),
        ("50%", "50#37;"),
        ("#1", "#35;1"),
        ("javascript:x", "javascript#58;x"),
        ("  spaced\tout  ", "spaced out"),
    ],
)
def test_escape_mermaid_writes_entity_codes(text: str, expected: str) -> None:
    assert escape_mermaid(text) == expected


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(max_size=200),
    # A name of nothing but invisible characters is refused at validation (no name at all).
    name=st.text(min_size=1, max_size=80).filter(normalise),
    notes=st.text(),
)
def test_any_unicode_in_title_names_and_notes_keeps_the_mermaid_inert_and_the_same_shape(
    title: str, name: str, notes: str
) -> None:
    clean = _with_component(RICH, "Calculator")
    hostile = retitle_design(_with_component(RICH, name), title=title)
    hostile = update_design(hostile, "constraints", notes=notes)

    text = design_mermaid(hostile)

    assert "<" not in text
    assert "javascript:" not in text.lower()
    assert _shape(text) == _shape(design_mermaid(clean))
    assert len(text.splitlines()) == len(design_mermaid(clean).splitlines())
