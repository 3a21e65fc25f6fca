"""How each kind of node, cluster, edge and flag looks, kept as data for every renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

NodeKind = Literal[
    "client",
    "gateway",
    "guardrail",
    "retriever",
    "index",
    "reranker",
    "llm",
    "router",
    "response",
    "source",
    "chunker",
    "embedder",
    "trainer",
    "eval",
    "monitor",
    "cache",
    "tool",
    "queue",
    "store",
    "mitigation",
]
NODE_KINDS: tuple[NodeKind, ...] = get_args(NodeKind)

ClusterName = Literal["online", "serving", "offline", "evaluation"]
CLUSTERS: tuple[ClusterName, ...] = get_args(ClusterName)

# request/data/training/eval: the built-in paths; link: a user's own component and what it
# connects to (no direction is stated, so none is drawn); anchor: an own component with no
# links, hung off the model so the diagram stays one piece; mitigation: a failure mode's
# mitigation beside the component it protects.
Flow = Literal["request", "data", "training", "eval", "link", "anchor", "mitigation"]
FLOWS: tuple[Flow, ...] = get_args(Flow)

# error: an estimate breaks a Phase 1 budget; warning: no constraint justifies the component.
Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)

FONT = "Helvetica"
TEXT_COLOUR = "#1f2937"
DETAIL_COLOUR = "#4b5563"
NUMBER_COLOUR = "#111827"
EDGE_LABEL_COLOUR = "#374151"


@dataclass(frozen=True)
class NodeStyle:
    """The look of one kind of node: Graphviz shape, fill, border and text colours."""

    shape: str
    fill: str
    border: str
    name: str  # what the legend calls the kind
    font: str = TEXT_COLOUR
    style: str = "filled"
    peripheries: int = 1
    margin: str = ""  # inner padding (inches); shapes with slanted or 3-D edges need more


@dataclass(frozen=True)
class ClusterStyle:
    """The look of one cluster; `parent` nests it inside another cluster."""

    label: str
    fill: str
    border: str
    parent: ClusterName | None = None


@dataclass(frozen=True)
class EdgeStyle:
    """The look of one kind of flow between nodes."""

    colour: str
    style: str
    name: str  # what the legend calls the flow
    minlen: int = 1
    arrow: bool = True


@dataclass(frozen=True)
class FlagStyle:
    """The look of a flagged node: a thick border and its reason in this colour."""

    colour: str
    name: str
    penwidth: str = "3"


ROUNDED = "rounded,filled"

# Light fills with a darker border of the same hue keep the dark text readable everywhere. Red
# and amber borders drawn thick are reserved for flags, so no kind uses a pure red border.
NODE_STYLES: dict[NodeKind, NodeStyle] = {
    "client": NodeStyle("box", "#e0f2fe", "#0369a1", "client", style=ROUNDED),
    "gateway": NodeStyle("box", "#e0e7ff", "#4338ca", "gateway", style=ROUNDED),
    "guardrail": NodeStyle("box", "#ffe4e6", "#9f1239", "guardrail", style="filled,diagonals"),
    "retriever": NodeStyle("box", "#ccfbf1", "#0f766e", "retriever", style=ROUNDED),
    "index": NodeStyle("cylinder", "#cffafe", "#0e7490", "index"),
    "reranker": NodeStyle("box", "#d1fae5", "#047857", "reranker", style=ROUNDED),
    "llm": NodeStyle("box3d", "#fef3c7", "#92400e", "LLM", margin="0.18,0.1"),
    "router": NodeStyle("cds", "#ffedd5", "#c2410c", "router", margin="0.3,0.1"),
    "response": NodeStyle("box", "#f1f5f9", "#475569", "response", style=ROUNDED),
    "source": NodeStyle("note", "#f5f5f4", "#57534e", "data source"),
    "chunker": NodeStyle("box", "#ecfccb", "#4d7c0f", "chunker", style=ROUNDED),
    "embedder": NodeStyle("box", "#dcfce7", "#15803d", "embedder", style=ROUNDED),
    "trainer": NodeStyle("box", "#fce7f3", "#be185d", "trainer", style=ROUNDED),
    "eval": NodeStyle("box", "#ede9fe", "#6d28d9", "evaluation", style=ROUNDED),
    "monitor": NodeStyle("tab", "#fae8ff", "#a21caf", "monitor"),
    "cache": NodeStyle("box", "#fefce8", "#854d0e", "cache", style="rounded,filled,dashed"),
    "tool": NodeStyle("component", "#dbeafe", "#1d4ed8", "tool"),
    "queue": NodeStyle("rarrow", "#e2e8f0", "#334155", "queue", margin="0.3,0.1"),
    "store": NodeStyle("cylinder", "#e7e5e4", "#44403c", "store"),
    "mitigation": NodeStyle("box", "#f0fdf4", "#166534", "mitigation", peripheries=2),
}

CLUSTER_STYLES: dict[ClusterName, ClusterStyle] = {
    "online": ClusterStyle("Online request path", "#f8fafc", "#94a3b8"),
    "serving": ClusterStyle("Self-hosted serving", "#fffbeb", "#d97706", parent="online"),
    "offline": ClusterStyle("Offline ingestion and training", "#f7fee7", "#84cc16"),
    "evaluation": ClusterStyle("Evaluation", "#faf5ff", "#a78bfa"),
}

# Mitigation edges have a minimum length of 0 so the mitigation sits in the same column as the
# node it protects. (Evaluation edges keep 1: at 0, dot 2.43 drew some of them twice.)
EDGE_STYLES: dict[Flow, EdgeStyle] = {
    "request": EdgeStyle("#334155", "solid", "request"),
    "data": EdgeStyle("#0e7490", "solid", "ingestion data"),
    "training": EdgeStyle("#be185d", "solid", "training"),
    "eval": EdgeStyle("#7c3aed", "dashed", "evaluation"),
    "link": EdgeStyle("#475569", "solid", "own component link", arrow=False),
    "anchor": EdgeStyle("#94a3b8", "dotted", "own component, no links", arrow=False),
    "mitigation": EdgeStyle("#166534", "dotted", "protects", minlen=0, arrow=False),
}

FLAG_STYLES: dict[Severity, FlagStyle] = {
    "error": FlagStyle("#dc2626", "breaks a Phase 1 budget"),
    "warning": FlagStyle("#d97706", "no constraint justifies it"),
}


def child_clusters(parent: ClusterName | None) -> tuple[ClusterName, ...]:
    """Return the clusters drawn directly inside `parent` (None: at the top level), in order."""
    return tuple(name for name in CLUSTERS if CLUSTER_STYLES[name].parent == parent)
