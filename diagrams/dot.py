"""Turn an architecture graph into Graphviz DOT text, and DOT text into SVG or PNG bytes.

Safety rule: text a user (or an LLM) wrote only ever reaches DOT inside an HTML-like label built
by `escape_html_label`. Node ids are our own slugs and every other attribute is a constant.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any, Final, Literal

import graphviz
import networkx as nx

from diagrams.graph import SLUG, DiagramTooLargeError, check_size
from diagrams.legend import LEGEND_NODE, legend_label
from diagrams.style import (
    CLUSTER_STYLES,
    DETAIL_COLOUR,
    EDGE_LABEL_COLOUR,
    EDGE_STYLES,
    FLAG_STYLES,
    FONT,
    NODE_STYLES,
    NUMBER_COLOUR,
    TEXT_COLOUR,
    ClusterName,
    child_clusters,
)
from diagrams.text import clean_text, wrap

MAX_LABEL_LENGTH = 80
MAX_FLAGS_SHOWN = 2
MAX_TITLE_LENGTH = 120
UNTITLED = "Untitled design"
# Node text is wrapped to about this many characters a line, so that a long name or reason
# makes a box taller rather than pushing the columns beside it off the screen.
NAME_WIDTH = 26
LINE_WIDTH = 40
WARNING_SIGN = "\u26a0"

# A backslash needs no escaping in HTML labels, but it is the escape character of DOT's quoted
# strings, so turning it into an entity keeps user backslashes out of the DOT text altogether.
# dot 2.43 fails on a label that is a lone "]" ("syntax error in line 1"): brackets as references.
_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "&#92;",
     "[": "&#91;", "]": "&#93;"}
)  # fmt: skip

# Top to bottom: the request path is one column read downwards, with ingestion, training and
# evaluation as columns beside it, so the drawing has a screen's shape rather than a 5:1 strip.
# ratio: a drawing wider or taller than 5:3 (between 4:3 and 16:9) has its node positions spread
# along the short side until it is 5:3; the boxes and text keep their size.
# newrank ranks all nodes together rather than cluster by cluster, so a cross-cluster link (an
# own component in Evaluation linked to the response) does not push a whole cluster sideways,
# and `rank=same` may line up nodes of different clusters.
GRAPH_ASPECT = 5 / 3
GRAPH_ATTRS = {
    "rankdir": "TB",
    "ratio": f"{1 / GRAPH_ASPECT:.2f}",
    "newrank": "true",
    "fontname": FONT,
    "fontcolor": TEXT_COLOUR,
    "labelloc": "t",
    "labeljust": "l",
    "nodesep": "0.3",
    "ranksep": "0.45",
    "pad": "0.3",
    "bgcolor": "white",
}
NODE_ATTRS = {"fontname": FONT, "fontsize": "12", "penwidth": "1.2", "margin": "0.14,0.08"}
EDGE_ATTRS = {"fontname": FONT, "arrowsize": "0.7", "penwidth": "1.1"}


# Flows whose edges into or out of the request path do not decide where their ends are ranked.
OFF_PATH_FLOWS = frozenset({"data", "training", "eval"})
# The largest valid design lays out in well under a second (`make bench`); a layout still
# running after this long is stopped rather than holding a server core.
DOT_TIMEOUT_S: Final = 20.0


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not installed, so diagrams cannot be rendered."""


class DotTimeoutError(DiagramTooLargeError):
    """Graphviz's `dot` did not finish laying out a diagram within `DOT_TIMEOUT_S` seconds."""


class DotFailedError(RuntimeError):
    """Graphviz's `dot` exited with an error (its first line of stderr is in the message)."""


def escape_html_label(text: str, *, max_length: int = MAX_LABEL_LENGTH) -> str:
    """Return `text` as safe content for a Graphviz HTML-like label: one line, escaped, bounded."""
    return clean_text(text, max_length=max_length).translate(_ENTITIES)


def to_dot(graph: nx.DiGraph, *, title: str) -> str:
    """Return DOT source for `graph`, top to bottom, one subgraph per cluster, titled `title`."""
    check_size(graph)
    title_text = escape_html_label(title, max_length=MAX_TITLE_LENGTH) or UNTITLED
    dot = graphviz.Digraph(
        name="design",
        graph_attr={**GRAPH_ATTRS, "label": f'<<FONT POINT-SIZE="18"><B>{title_text}</B></FONT>>'},
        node_attr=NODE_ATTRS,
        edge_attr=EDGE_ATTRS,
    )
    _add_clusters(dot, graph, parent=None)
    for a, b, data in graph.edges(data=True):
        attrs = _edge_attrs(data)
        if _off_path(graph, a, b, data):
            attrs["constraint"] = "false"
        dot.edge(_slug(a), _slug(b), **attrs)
    _align_evaluation(dot, graph)
    # The legend has the top row to itself: sharing a row with the client would make that row
    # as tall as the legend and stretch the first edge of the request path.
    dot.node(LEGEND_NODE, label=legend_label(graph), shape="plain")
    for node, cluster in graph.nodes(data="cluster"):
        if graph.in_degree(node) == 0 and cluster != "evaluation":
            dot.edge(LEGEND_NODE, _slug(node), style="invis", weight="0")
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


def _off_path(graph: nx.DiGraph, a: str, b: str, data: dict[str, Any]) -> bool:
    # An edge between the offline parts and the request path does not rank its ends: otherwise
    # ingestion would stack its rows above the request path's and the diagram becomes a tower.
    # The request path keeps one column top to bottom; offline columns stand beside it.
    if data.get("flow") not in OFF_PATH_FLOWS:
        return False
    return _online(graph, a) != _online(graph, b)


def _online(graph: nx.DiGraph, node: str) -> bool:
    return graph.nodes[node]["cluster"] in ("online", "serving")


def _align_evaluation(dot: graphviz.Digraph, graph: nx.DiGraph) -> None:
    # Evaluation reads the response: its graders sit in the response's row, beside the request
    # path, rather than in rows of their own below it that would make the diagram a tower.
    for source in dict.fromkeys(a for a, _, flow in graph.edges(data="flow") if flow == "eval"):
        graders = [b for _, b, flow in graph.out_edges(source, data="flow") if flow == "eval"]
        dot.body.append("{rank=same; " + "; ".join(_slug(n) for n in [source, *graders]) + "}\n")


def _has_nodes(graph: nx.DiGraph, cluster: ClusterName) -> bool:
    # A cluster is drawn when it, or a cluster nested in it, holds a node.
    if any(name == cluster for _, name in graph.nodes(data="cluster")):
        return True
    return any(_has_nodes(graph, child) for child in child_clusters(cluster))


def _node_attrs(data: dict[str, Any]) -> dict[str, str]:
    style = NODE_STYLES[data["kind"]]
    lines = [f"<B>{line}</B>" for line in _escaped_lines(data["label"], NAME_WIDTH, 2)]
    lines += _small(data.get("detail", ""), DETAIL_COLOUR)
    for text in data.get("numbers", ()):
        lines += _small(text, NUMBER_COLOUR)
    flags = data.get("flags", ())
    # Errors first; past a few the node would outgrow the diagram, so the rest are counted.
    shown = sorted(flags, key=lambda flag: flag[0] != "error")[:MAX_FLAGS_SHOWN]
    for severity, reason in shown:
        lines += _small(f"{WARNING_SIGN} {reason}", FLAG_STYLES[severity].colour, bold=True)
    if len(flags) > len(shown):
        more = len(flags) - len(shown)
        lines += _small(f"+{more} more on the Critique page", DETAIL_COLOUR)
    attrs = {
        "label": "<" + "<BR/>".join(lines) + ">",
        "shape": style.shape,
        "style": style.style,
        "fillcolor": style.fill,
        "color": style.border,
        "fontcolor": style.font,
    }
    if style.peripheries != 1:
        attrs["peripheries"] = str(style.peripheries)
    if style.margin:
        attrs["margin"] = style.margin
    if flags:
        worst = FLAG_STYLES["error" if any(s == "error" for s, _ in flags) else "warning"]
        attrs.update(color=worst.colour, penwidth=worst.penwidth)
    return attrs


def node_lines(lines: list[str]) -> list[str]:
    """Return `lines` as the small number lines of an HTML-like label, escaped and wrapped."""
    return [part for line in lines for part in _small(line, NUMBER_COLOUR)]


def _escaped_lines(text: str, width: int, max_lines: int) -> list[str]:
    return [line.translate(_ENTITIES) for line in wrap(text, width=width, max_lines=max_lines)]


def _small(text: str, colour: str, *, bold: bool = False) -> list[str]:
    font = f'<FONT POINT-SIZE="10" COLOR="{colour}">'
    return [
        f"{font}<B>{line}</B></FONT>" if bold else f"{font}{line}</FONT>"
        for line in _escaped_lines(text, LINE_WIDTH, 2)
    ]


def _edge_attrs(data: dict[str, Any]) -> dict[str, str]:
    style = EDGE_STYLES[data.get("flow", "request")]
    attrs = {"color": style.colour, "style": style.style, "minlen": str(style.minlen)}
    if not style.arrow:
        attrs["dir"] = "none"
    if text := escape_html_label(data.get("label", "")):
        attrs["label"] = f'<<FONT POINT-SIZE="10" COLOR="{EDGE_LABEL_COLOUR}">{text}</FONT>>'
    return attrs


def _slug(node: str) -> str:
    # Ids go into DOT unquoted and unescaped, so anything but our own slugs is a bug upstream.
    if not SLUG.match(node):
        raise ValueError(f"node id {node!r} is not a slug")
    return node


def render(dot_source: str, *, fmt: Literal["svg", "png", "json"]) -> bytes:
    """Return `dot_source` laid out by Graphviz's `dot` as SVG, PNG or JSON (the layout) bytes."""
    return run_dot(dot_source, fmt=fmt, timeout_s=DOT_TIMEOUT_S)


def run_dot(dot_source: str, *, fmt: str, timeout_s: float) -> bytes:
    """Return `dot -T<fmt>`'s output for `dot_source`, stopping dot after `timeout_s` seconds."""
    program = shutil.which("dot")
    if program is None:
        raise DotNotFoundError(
            "Graphviz's `dot` program was not found on PATH; install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz)"
        )
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed dot by then
        raise DotTimeoutError(
            f"Graphviz's dot did not finish laying out the diagram within {timeout_s:g} s and "
            "was stopped; remove some of the design's own components or their links"
        ) from exc
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise DotFailedError(f"Graphviz's dot failed: {first[0] if first else done.returncode}")
    return done.stdout
