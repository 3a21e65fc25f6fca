"""Which playbook phase decides each component of the diagram, and which constraint justifies it.

Pure: the architecture graph and the design in, plain strings out. The Diagram page shows these
beside a component the user picks; the overview groups the nodes into one box per phase.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import networkx as nx

from diagrams.nodes import MITIGATION_PREFIX, OWN_PREFIX
from playbook.design import Design, FailureMode, Phase
from playbook.labels import FAILURE_MODES, MITIGATIONS
from playbook.ladder import recommend_technique
from playbook.rubric.base import label

__all__ = ["NodeCard", "node_card", "phase_of"]

# The phase whose page decides a built-in node; the served model is sized on Serving, every
# other model chosen on Model; mitigations and guardrails are chosen with the failure modes.
PHASE_BY_KIND: Final[dict[str, Phase]] = {
    "client": "constraints", "gateway": "constraints", "response": "constraints",
    "guardrail": "evaluation", "mitigation": "evaluation", "eval": "evaluation",
    "monitor": "evaluation", "retriever": "retrieval", "index": "retrieval",
    "reranker": "retrieval", "chunker": "retrieval", "embedder": "retrieval",
    "trainer": "technique", "router": "model", "llm": "model",
}  # fmt: skip
PHASE_BY_NODE: Final[dict[str, Phase]] = {
    "documents": "retrieval", "training_data": "technique", "golden_set": "evaluation",
    "red_team": "evaluation",
}  # fmt: skip
GUARDED_MODES: Final[dict[str, tuple[FailureMode, ...]]] = {
    "input_guard": ("prompt_injection",),
    "output_guard": ("pii_leak", "hallucination"),
}
RAG_NODES: Final = frozenset({
    "retriever", "reranker", "documents", "chunker", "embedder", "vector_index", "bm25_index",
})  # fmt: skip


class NodeCard(NamedTuple):
    """What the page shows about one component: its phase, numbers, why it is there, flags."""

    node: str
    label: str
    phase: Phase
    numbers: tuple[str, ...]
    reasons: tuple[str, ...]  # the Phase 1 constraints (or choices) that put it there
    flags: tuple[tuple[str, str], ...]  # (severity, reason) drawn on the node


def phase_of(graph: nx.DiGraph, design: Design, node: str) -> Phase:
    """Return the phase whose page decides `node` of `graph`."""
    if node.startswith(OWN_PREFIX):
        own = node.removeprefix(OWN_PREFIX)
        return next((c.phase for c in design.components if c.id == own), "constraints")
    data = graph.nodes[node]
    if data["kind"] == "llm" and data["cluster"] == "serving":
        return "serving"
    return PHASE_BY_NODE.get(node) or PHASE_BY_KIND.get(data["kind"], "constraints")


def node_card(graph: nx.DiGraph, design: Design, node: str) -> NodeCard:
    """Return what to show about `node`: numbers, justifying constraints and flags."""
    data = graph.nodes[node]
    return NodeCard(
        node=node,
        label=data["label"],
        phase=phase_of(graph, design, node),
        numbers=tuple(data.get("numbers", ())),
        reasons=_reasons(graph, design, node),
        flags=tuple(data.get("flags", ())),
    )


def _reasons(graph: nx.DiGraph, design: Design, node: str) -> tuple[str, ...]:
    # The order of the checks follows the diagram: request path, offline parts, evaluation.
    c = design.constraints
    kind = graph.nodes[node]["kind"]
    if node.startswith(OWN_PREFIX):
        return _own_reason(design, node)
    if node.startswith(MITIGATION_PREFIX):
        return (_mitigation_reason(design, node.removeprefix(MITIGATION_PREFIX)),)
    if node in GUARDED_MODES:
        return _guard_reasons(design, node)
    if node in RAG_NODES:
        return _rung_reasons(design, "rag")
    if kind in ("trainer",) or node == "training_data":
        return _rung_reasons(design, "lora") + _rung_reasons(design, "continued_pretraining")
    return _constraint_reasons(design, kind) or (
        f"{label('constraints.accuracy_bar_pct')} is {c.accuracy_bar_pct:g}%: evaluation checks "
        "the answers meet it",
    )


def _constraint_reasons(design: Design, kind: str) -> tuple[str, ...]:
    c = design.constraints
    load = (
        f"{label('constraints.peak_qps')} is {c.peak_qps:g} and "
        f"{label('constraints.concurrent_users')} {c.concurrent_users:,}"
    )
    budgets = (
        f"{label('constraints.ttft_ms')} is {c.ttft_ms:,} ms, "
        f"{label('constraints.itl_ms')} {c.itl_ms:,} ms"
    )
    cost = f"{label('constraints.cost_per_request_usd')} is ${c.cost_per_request_usd:g}"
    per_user = f"{label('constraints.cost_per_user_month_usd')} ${c.cost_per_user_month_usd:g}"
    total = f"{label('constraints.total_response_s')} {c.total_response_s:g} s"
    by_kind = {
        "client": (f"{load}: the load every request starts from",),
        "gateway": (f"{load}: the load the gateway admits and rate-limits",),
        "response": (f"{budgets}, {total}: the answer's budget",),
        "llm": (f"{cost}, {per_user}: the model's price must fit both", f"{budgets}"),
        "router": (f"{cost}, {per_user}: the small model takes what it can to cut the bill",),
    }
    return by_kind.get(kind, ())


def _rung_reasons(design: Design, rung: str) -> tuple[str, ...]:
    recommendation = recommend_technique(design.constraints)
    found = tuple(reason.text for reason in recommendation.reasons if reason.rung == rung)
    if found or rung not in design.technique.rungs:
        return found
    stated = design.technique.justification.strip()
    return (
        (f"no Phase 1 constraint asks for it; the stated reason: {stated}",)
        if stated
        else ("no Phase 1 constraint asks for it, and no reason is stated on the Technique page",)
    )


def _mitigation_reason(design: Design, mode: str) -> str:
    chosen = design.evaluation.mitigations.get(mode, "none")  # type: ignore[call-overload]
    name = FAILURE_MODES.get(mode, mode)
    return f"failure mode {name}: mitigated by {MITIGATIONS.get(chosen, chosen)}"


def _guard_reasons(design: Design, node: str) -> tuple[str, ...]:
    reasons = [
        _mitigation_reason(design, mode)
        for mode in GUARDED_MODES[node]
        if design.evaluation.mitigations.get(mode) == "input_output_guardrails"
    ]
    if node == "input_guard" and design.uses_rag and design.retrieval.untrusted_documents:
        reasons.append("retrieved documents are untrusted (Retrieval): they are screened too")
    return tuple(reasons)


def _own_reason(design: Design, node: str) -> tuple[str, ...]:
    own = node.removeprefix(OWN_PREFIX)
    component = next((c for c in design.components if c.id == own), None)
    if component is None or not component.justification.strip():
        return ("no constraint is stated for it",)
    return (component.justification.strip(),)
