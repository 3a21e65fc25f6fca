"""The diagram as Mermaid flowchart text: readable by people and LLMs, renderable on GitHub.

Safety rule: every label is cleaned to one line and every character Mermaid or HTML could read
as syntax is written as a Mermaid entity code (`#60;` for `<`), so no label can end its quotes,
open a tag or hold a `javascript:` URL. Node ids are our own slugs, as in DOT.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from diagrams.graph import SLUG, check_size
from diagrams.legend import WARNING_SIGN
from diagrams.nodes import SEP
from diagrams.style import (
    CLUSTER_STYLES,
    EDGE_STYLES,
    FLAG_STYLES,
    NODE_KINDS,
    NODE_STYLES,
    SEVERITIES,
    TEXT_COLOUR,
    ClusterName,
    Flow,
    NodeKind,
    child_clusters,
)
from diagrams.text import clean_text

MAX_MERMAID_LABEL = 160
INDENT = "    "
# Mermaid's shape brackets per kind (its flowchart syntax); colours come from classDef lines.
SHAPES: dict[NodeKind, tuple[str, str]] = {
    "client": ("([", "])"),
    "gateway": ("(", ")"),
    "guardrail": ("[/", "\\]"),
    "retriever": ("(", ")"),
    "index": ("[(", ")]"),
    "reranker": ("(", ")"),
    "llm": ("[[", "]]"),
    "router": ("{{", "}}"),
    "response": ("([", "])"),
    "source": (">", "]"),
    "chunker": ("(", ")"),
    "embedder": ("(", ")"),
    "trainer": ("(", ")"),
    "eval": ("(", ")"),
    "monitor": ("[/", "/]"),
    "cache": ("(", ")"),
    "tool": ("[", "]"),
    "queue": ("[\\", "\\]"),
    "store": ("[(", ")]"),
    "mitigation": ("[", "]"),
}
ARROWS: dict[Flow, str] = {
    "request": "-->",
    "data": "==>",
    "training": "==>",
    "eval": "-.->",
    "link": "---",
    "anchor": "-.-",
    "mitigation": "-.-",
}
# Characters that are syntax somewhere in Mermaid, HTML or Markdown, and the colon, which would
# otherwise complete a URL scheme such as `javascript:`.
_SPECIAL = set("\"'<>&#[](){}|`\\%;:*_~=@^$")


def escape_mermaid(text: str, *, max_length: int = MAX_MERMAID_LABEL) -> str:
    """Return `text` as one line safe inside a quoted Mermaid label (entity codes for syntax)."""
    cleaned = clean_text(text, max_length=max_length)
    return "".join(f"#{ord(char)};" if char in _SPECIAL else char for char in cleaned)


def to_mermaid(graph: nx.DiGraph, *, title: str) -> str:
    """Return Mermaid flowchart text for `graph`: left to right, one subgraph per cluster."""
    check_size(graph)
    lines = ["flowchart LR", f"{INDENT}%% {escape_mermaid(title) or 'Untitled design'}"]
    lines += _subgraphs(graph, parent=None, depth=1)
    lines += [_edge_line(a, b, data) for a, b, data in graph.edges(data=True)]
    lines += _classes(graph)
    lines += _legend(graph)
    return "\n".join(lines) + "\n"


def _subgraphs(graph: nx.DiGraph, *, parent: ClusterName | None, depth: int) -> list[str]:
    lines = []
    pad = INDENT * depth
    for cluster in child_clusters(parent):
        inner = [
            f"{pad}{INDENT}{_node_line(node, data)}"
            for node, data in graph.nodes(data=True)
            if data["cluster"] == cluster
        ]
        inner += _subgraphs(graph, parent=cluster, depth=depth + 1)
        if inner:
            label = escape_mermaid(CLUSTER_STYLES[cluster].label)
            lines += [f'{pad}subgraph cluster_{cluster}["{label}"]', *inner, f"{pad}end"]
    return lines


def _node_line(node: str, data: dict[str, Any]) -> str:
    parts = [data["label"], data.get("detail", ""), *data.get("numbers", ())]
    parts += [f"{WARNING_SIGN} {reason}" for _, reason in data.get("flags", ())]
    text = escape_mermaid(SEP.join(part for part in parts if part))
    opening, closing = SHAPES[data["kind"]]
    return f'{_slug(node)}{opening}"{text}"{closing}'


def _edge_line(a: str, b: str, data: dict[str, Any]) -> str:
    arrow = ARROWS[data["flow"]]
    label = escape_mermaid(data.get("label", ""))
    middle = f'{arrow}|"{label}"|' if label else arrow
    return f"{INDENT}{_slug(a)} {middle} {_slug(b)}"


def _classes(graph: nx.DiGraph) -> list[str]:
    lines = []
    for kind in NODE_KINDS:
        nodes = [node for node, k in graph.nodes(data="kind") if k == kind]
        if nodes:
            style = NODE_STYLES[kind]
            colours = f"fill:{style.fill},stroke:{style.border},color:{TEXT_COLOUR}"
            lines.append(f"{INDENT}classDef kind_{kind} {colours}")
            lines.append(f"{INDENT}class {','.join(nodes)} kind_{kind}")
    for severity in SEVERITIES:
        nodes = [node for node, flags in graph.nodes(data="flags") if _worst(flags) == severity]
        if nodes:
            colour = FLAG_STYLES[severity].colour
            lines.append(f"{INDENT}classDef flag_{severity} stroke:{colour},stroke-width:3px")
            lines.append(f"{INDENT}class {','.join(nodes)} flag_{severity}")
    return lines


def _worst(flags: tuple[tuple[str, str], ...] | None) -> str | None:
    severities = {severity for severity, _ in flags or ()}
    return next((severity for severity in SEVERITIES if severity in severities), None)


def _legend(graph: nx.DiGraph) -> list[str]:
    # Our own constant text, so it needs no escaping; comments are never drawn.
    flows = {flow for _, _, flow in graph.edges(data="flow")}
    edges = "; ".join(
        f"{ARROWS[flow]} {EDGE_STYLES[flow].name}" for flow in ARROWS if flow in flows
    )
    flags = "; ".join(
        f"{FLAG_STYLES[severity].colour} border: {FLAG_STYLES[severity].name}"
        for severity in SEVERITIES
    )
    return [f"{INDENT}%% edges: {edges}", f"{INDENT}%% flags ({WARNING_SIGN}): {flags}"]


def _slug(node: str) -> str:
    if not SLUG.match(node):
        raise ValueError(f"node id {node!r} is not a slug")
    return node
