"""How each kind of node, cluster and edge looks, kept as data so renderers share one palette."""

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
]
NODE_KINDS: tuple[NodeKind, ...] = get_args(NodeKind)

ClusterName = Literal["online", "serving", "offline", "evaluation"]
CLUSTERS: tuple[ClusterName, ...] = get_args(ClusterName)

Flow = Literal["request", "data", "training", "eval"]
FLOWS: tuple[Flow, ...] = get_args(Flow)

FONT = "Helvetica"
TEXT_COLOUR = "#1f2937"
DETAIL_COLOUR = "#4b5563"
EDGE_LABEL_COLOUR = "#374151"


@dataclass(frozen=True)
class NodeStyle:
    """The look of one kind of node: Graphviz shape, fill, border and text colours."""

    shape: str
    fill: str
    border: str
    font: str = TEXT_COLOUR
    style: str = "filled"


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
    minlen: int = 1


ROUNDED = "rounded,filled"

# Light fills with a darker border of the same hue keep the dark text readable everywhere.
NODE_STYLES: dict[NodeKind, NodeStyle] = {
    "client": NodeStyle("box", "#e0f2fe", "#0369a1", style=ROUNDED),
    "gateway": NodeStyle("box", "#e0e7ff", "#4338ca", style=ROUNDED),
    "guardrail": NodeStyle("box", "#fee2e2", "#b91c1c", style="filled,diagonals"),
    "retriever": NodeStyle("box", "#ccfbf1", "#0f766e", style=ROUNDED),
    "index": NodeStyle("cylinder", "#cffafe", "#0e7490"),
    "reranker": NodeStyle("box", "#d1fae5", "#047857", style=ROUNDED),
    "llm": NodeStyle("box3d", "#fef3c7", "#b45309"),
    "router": NodeStyle("cds", "#ffedd5", "#c2410c"),
    "response": NodeStyle("box", "#f1f5f9", "#475569", style=ROUNDED),
    "source": NodeStyle("note", "#f5f5f4", "#57534e"),
    "chunker": NodeStyle("box", "#ecfccb", "#4d7c0f", style=ROUNDED),
    "embedder": NodeStyle("box", "#dcfce7", "#15803d", style=ROUNDED),
    "trainer": NodeStyle("box", "#fce7f3", "#be185d", style=ROUNDED),
    "eval": NodeStyle("box", "#ede9fe", "#6d28d9", style=ROUNDED),
    "monitor": NodeStyle("tab", "#fae8ff", "#a21caf"),
}

CLUSTER_STYLES: dict[ClusterName, ClusterStyle] = {
    "online": ClusterStyle("Online request path", "#f8fafc", "#94a3b8"),
    "serving": ClusterStyle("Self-hosted serving", "#fffbeb", "#d97706", parent="online"),
    "offline": ClusterStyle("Offline ingestion and training", "#f7fee7", "#84cc16"),
    "evaluation": ClusterStyle("Evaluation", "#faf5ff", "#a78bfa"),
}

# Evaluation edges are dashed; a minimum length of 0 lets evaluators sit in the same column as
# the model they watch, under the request path, rather than widening the diagram to the right.
EDGE_STYLES: dict[Flow, EdgeStyle] = {
    "request": EdgeStyle("#334155", "solid"),
    "data": EdgeStyle("#0e7490", "solid"),
    "training": EdgeStyle("#be185d", "solid"),
    "eval": EdgeStyle("#7c3aed", "dashed", minlen=0),
}


def child_clusters(parent: ClusterName | None) -> tuple[ClusterName, ...]:
    """Return the clusters drawn directly inside `parent` (None: at the top level), in order."""
    return tuple(name for name in CLUSTERS if CLUSTER_STYLES[name].parent == parent)
