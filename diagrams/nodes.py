"""The graph's building blocks: node and edge helpers, shared names and which node is which model.

Node ids are fixed slugs chosen here (a user's own components get an `own_` prefix, failure-mode
mitigations a `mit_` prefix), never text a user typed, so the ids can go into DOT or Mermaid
unescaped. Everything a renderer shows lives in node and edge attributes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import networkx as nx

from diagrams.style import ClusterName, Flow, NodeKind, Severity
from playbook.catalog import Catalog
from playbook.design import Design

SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
SEP = " · "
TIMES = "\u00d7"  # the multiplication sign, spelled out so it is not mistaken for an x
OWN_PREFIX = "own_"
MITIGATION_PREFIX = "mit_"


class Finding(NamedTuple):
    """Something to flag on a node: which node, how bad, and why (a short phrase)."""

    node: str
    severity: Severity
    reason: str


class ModelSlot(NamedTuple):
    """One model node: its id, the model's catalog id, its role, and whether we serve it."""

    node: str
    model_id: str
    role: str
    served: bool


def add_node(
    graph: nx.DiGraph, node: str, kind: NodeKind, label: str, detail: str, cluster: ClusterName
) -> None:
    """Add a node with everything a renderer needs; estimates and flags are added later."""
    graph.add_node(
        node, kind=kind, label=label, detail=detail, cluster=cluster, numbers=(), flags=()
    )


def add_edge(graph: nx.DiGraph, a: str, b: str, label: str = "", flow: Flow = "request") -> None:
    """Add an edge of one flow from `a` to `b`, with an optional short label."""
    graph.add_edge(a, b, label=label, flow=flow)


def own_id(component_id: str) -> str:
    """Return the node id of a user's own component (prefixed, so it never collides with ours)."""
    return f"{OWN_PREFIX}{component_id}"


def model_slots(design: Design, catalog: Catalog) -> list[ModelSlot]:
    """Return the design's model nodes; the first is the one training adapts and we size."""
    model = design.model
    hosted = {entry.id for entry in catalog.hosted_models}
    if model.kind == "hosted":
        return [ModelSlot("llm", model.hosted_model, "LLM", served=False)]
    if model.kind == "self_hosted":
        return [ModelSlot("llm", model.open_model, "LLM", served=True)]
    return [
        ModelSlot("small_llm", model.small_model, "Small LLM", served=True),
        ModelSlot(
            "large_llm", model.large_model, "Large LLM", served=model.large_model not in hosted
        ),
    ]


def served_node(design: Design, catalog: Catalog) -> str | None:
    """Return the node of the model the serving estimates size, or None when all are hosted."""
    first = model_slots(design, catalog)[0]
    return first.node if first.served else None


def entry_node(design: Design) -> str:
    """Return the node requests enter the models through: the router, or the one LLM."""
    return "router" if design.model.kind == "routing" else "llm"
