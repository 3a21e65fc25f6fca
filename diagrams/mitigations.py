"""Each failure mode's mitigation, drawn as a small node beside the component it protects."""

from __future__ import annotations

import networkx as nx

from diagrams.nodes import MITIGATION_PREFIX, add_edge, add_node, served_node
from playbook.catalog import Catalog
from playbook.design import Design, FailureMode, inapplicable_failure_modes
from playbook.labels import FAILURE_MODES, MITIGATIONS

__all__ = ["PROTECTS", "add_mitigations", "protected_node"]

# The nodes each failure mode's mitigation guards, best first: the first one the design has is
# used. "model" stands for the node that answers (the served model, else the first model).
PROTECTS: dict[FailureMode, tuple[str, ...]] = {
    "hallucination": ("response",),
    "prompt_injection": ("input_guard", "retriever", "gateway"),
    "retrieval_miss": ("retriever",),
    "kv_cache_oom": ("model",),
    "model_drift": ("monitor", "judge", "model"),
    "pii_leak": ("output_guard", "response"),
}


def protected_node(graph: nx.DiGraph, mode: FailureMode, model: str) -> str:
    """Return the node `mode`'s mitigation attaches to in `graph` (`model`: the answering node)."""
    candidates = [model if name == "model" else name for name in PROTECTS[mode]]
    return next((node for node in candidates if node in graph), "response")


def add_mitigations(
    graph: nx.DiGraph, design: Design, catalog: Catalog, answers: list[str]
) -> None:
    """Add a node per chosen mitigation; skip 'none' and modes the design rules out."""
    ruled_out = inapplicable_failure_modes(design)
    model = served_node(design, catalog) or answers[0]
    for mode, mitigation in design.evaluation.mitigations.items():
        if mitigation == "none" or mode in ruled_out:
            continue
        target = protected_node(graph, mode, model)
        node = f"{MITIGATION_PREFIX}{mode}"
        detail = f"against {FAILURE_MODES[mode].lower()}".replace("pii", "PII").replace("kv", "KV")
        cluster = graph.nodes[target]["cluster"]
        add_node(graph, node, "mitigation", MITIGATIONS[mitigation], detail, cluster)
        add_edge(graph, target, node, flow="mitigation")
