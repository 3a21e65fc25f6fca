"""Turn an architecture graph into Graphviz DOT text, and DOT text into SVG or PNG bytes.

Safety rule: text a user (or an LLM) wrote only ever reaches DOT inside an HTML-like label built
by `escape_html_label`. Node ids are our own slugs and every other attribute is a constant.
"""

from __future__ import annotations

from typing import Any, Literal

import graphviz
import networkx as nx

from diagrams.graph import SLUG
from diagrams.style import (
    CLUSTER_STYLES,
    DETAIL_COLOUR,
    EDGE_LABEL_COLOUR,
    EDGE_STYLES,
    FONT,
    NODE_STYLES,
    TEXT_COLOUR,
    ClusterName,
    child_clusters,
)

MAX_LABEL_LENGTH = 80
MAX_TITLE_LENGTH = 120
ELLIPSIS = "\u2026"
UNTITLED = "Untitled design"

# A backslash needs no escaping in HTML labels, but it is the escape character of DOT's quoted
# strings, so turning it into an entity keeps user backslashes out of the DOT text altogether.
_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "&#92;"}
)

GRAPH_ATTRS = {
    "rankdir": "LR",
    "fontname": FONT,
    "fontcolor": TEXT_COLOUR,
    "labelloc": "t",
    "labeljust": "l",
    "nodesep": "0.3",
    "ranksep": "0.45",
    "pad": "0.3",
    "bgcolor": "white",
}
NODE_ATTRS = {"fontname": FONT, "fontsize": "12", "penwidth": "1.2", "margin": "0.14,0.07"}
EDGE_ATTRS = {"fontname": FONT, "arrowsize": "0.7", "penwidth": "1.1"}


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not installed, so diagrams cannot be rendered."""


def escape_html_label(text: str, *, max_length: int = MAX_LABEL_LENGTH) -> str:
    """Return `text` as safe content for a Graphviz HTML-like label: one line, escaped, bounded."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}")
    kept = "".join(char for char in text if char.isspace() or _drawable(char))
    one_line = " ".join(kept.split())  # any newline, tab or other space becomes a single space
    if len(one_line) > max_length:
        one_line = one_line[: max_length - 1].rstrip() + ELLIPSIS
    return one_line.translate(_ENTITIES)


def _drawable(char: str) -> bool:
    # Control characters and non-characters are invalid in the XML Graphviz parses labels as;
    # lone surrogates cannot even be encoded as UTF-8. Explicit bidi embeddings, overrides and
    # isolates can make a shared title read differently from what it says; right-to-left text
    # still displays correctly without them.
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000:
        return False
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return False
    return not (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


def to_dot(graph: nx.DiGraph, *, title: str) -> str:
    """Return DOT source for `graph`, left to right, one subgraph per cluster, titled `title`."""
    title_text = escape_html_label(title, max_length=MAX_TITLE_LENGTH) or UNTITLED
    dot = graphviz.Digraph(
        name="design",
        graph_attr={**GRAPH_ATTRS, "label": f'<<FONT POINT-SIZE="18"><B>{title_text}</B></FONT>>'},
        node_attr=NODE_ATTRS,
        edge_attr=EDGE_ATTRS,
    )
    _add_clusters(dot, graph, parent=None)
    for a, b, data in graph.edges(data=True):
        dot.edge(_slug(a), _slug(b), **_edge_attrs(data))
    source: str = dot.source
    return source


def _add_clusters(target: Any, graph: nx.DiGraph, *, parent: ClusterName | None) -> None:
    for cluster in child_clusters(parent):
        if not _has_nodes(graph, cluster):
            continue
        style = CLUSTER_STYLES[cluster]
        with target.subgraph(name=f"cluster_{cluster}") as sub:
            sub.attr(
                label=f"<<B>{escape_html_label(style.label)}</B>>",
                style="rounded,filled",
                fillcolor=style.fill,
                color=style.border,
                fontcolor=TEXT_COLOUR,
                fontsize="13",
            )
            for node, data in graph.nodes(data=True):
                if data["cluster"] == cluster:
                    sub.node(_slug(node), **_node_attrs(data))
            _add_clusters(sub, graph, parent=cluster)


def _has_nodes(graph: nx.DiGraph, cluster: ClusterName) -> bool:
    # A cluster is drawn when it, or a cluster nested in it, holds a node.
    if any(name == cluster for _, name in graph.nodes(data="cluster")):
        return True
    return any(_has_nodes(graph, child) for child in child_clusters(cluster))


def _node_attrs(data: dict[str, Any]) -> dict[str, str]:
    style = NODE_STYLES[data["kind"]]
    label = f"<B>{escape_html_label(data['label'])}</B>"
    if detail := escape_html_label(data.get("detail", "")):
        label += f'<BR/><FONT POINT-SIZE="10" COLOR="{DETAIL_COLOUR}">{detail}</FONT>'
    return {
        "label": f"<{label}>",
        "shape": style.shape,
        "style": style.style,
        "fillcolor": style.fill,
        "color": style.border,
        "fontcolor": style.font,
    }


def _edge_attrs(data: dict[str, Any]) -> dict[str, str]:
    style = EDGE_STYLES[data.get("flow", "request")]
    attrs = {"color": style.colour, "style": style.style, "minlen": str(style.minlen)}
    if text := escape_html_label(data.get("label", "")):
        attrs["label"] = f'<<FONT POINT-SIZE="10" COLOR="{EDGE_LABEL_COLOUR}">{text}</FONT>>'
    return attrs


def _slug(node: str) -> str:
    # Ids go into DOT unquoted and unescaped, so anything but our own slugs is a bug upstream.
    if not SLUG.match(node):
        raise ValueError(f"node id {node!r} is not a slug")
    return node


def render(dot_source: str, *, fmt: Literal["svg", "png"]) -> bytes:
    """Return `dot_source` laid out by Graphviz's `dot` as SVG or PNG bytes."""
    try:
        output: bytes = graphviz.Source(dot_source).pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise DotNotFoundError(
            "Graphviz's `dot` program was not found on PATH; install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz)"
        ) from exc
    return output
