"""The online request path: client, gateway, guardrails, retrieval, the models and the response."""

from __future__ import annotations

import networkx as nx

from diagrams.nodes import SEP, TIMES, ModelSlot, add_edge, add_node, model_slots
from playbook.catalog import Catalog, name_of
from playbook.design import Design
from playbook.labels import ENGINES, PRECISIONS

__all__ = ["add_request_path", "guards_output", "untrusted_documents"]


def add_request_path(graph: nx.DiGraph, design: Design, catalog: Catalog) -> list[str]:
    """Add the request path; return the nodes whose output is the answer."""
    add_node(graph, "client", "client", "Client", "web · mobile · API", "online")
    add_node(graph, "gateway", "gateway", "API gateway", "auth · rate limits", "online")
    add_edge(graph, "client", "gateway", "prompt")
    last, handoff = "gateway", ""
    if _screens_input(design):
        screened = "prompts + retrieved text" if untrusted_documents(design) else "prompts"
        add_node(graph, "input_guard", "guardrail", "Input guardrails", screened, "online")
        add_edge(graph, last, "input_guard")
        last = "input_guard"
    if design.uses_rag:
        last, handoff = _add_retrieval(graph, design, after=last)
    answers = _add_models(graph, design, catalog, after=last, label=handoff)
    _add_exit(graph, design, answers)
    return answers


def _add_retrieval(graph: nx.DiGraph, design: Design, *, after: str) -> tuple[str, str]:
    retrieval = design.retrieval
    search = "hybrid: dense + BM25" if retrieval.bm25_hybrid else "dense"
    add_node(graph, "retriever", "retriever", "Retriever", search, "online")
    add_edge(graph, after, "retriever", "query")
    candidates = f"top {retrieval.top_k}"
    if not retrieval.reranker:
        return "retriever", candidates
    add_node(graph, "reranker", "reranker", "Reranker", "cross-encoder", "online")
    add_edge(graph, "retriever", "reranker", candidates)
    return "reranker", f"top {retrieval.rerank_top_n}"


def _add_models(
    graph: nx.DiGraph, design: Design, catalog: Catalog, *, after: str, label: str
) -> list[str]:
    slots = model_slots(design, catalog)
    for slot in slots:
        _add_model(graph, design, catalog, slot)
    if design.model.kind != "routing":
        add_edge(graph, after, "llm", label)
        return ["llm"]
    add_node(graph, "router", "router", "Router", "small first, large when needed", "online")
    add_edge(graph, after, "router", label)
    small_share = design.model.small_share_pct
    add_edge(graph, "router", "small_llm", f"{small_share}%")
    add_edge(graph, "router", "large_llm", f"{100 - small_share}%")
    return ["small_llm", "large_llm"]


def _add_model(graph: nx.DiGraph, design: Design, catalog: Catalog, slot: ModelSlot) -> None:
    # An id from the hosted list is called over an API; any other model runs on our own GPUs.
    if not slot.served:
        hosted = next(entry for entry in catalog.hosted_models if entry.id == slot.model_id)
        provider = hosted.provider or "Hosted API"
        add_node(graph, slot.node, "llm", slot.role, f"{provider}{SEP}{hosted.name}", "online")
        return
    label = f"{slot.role}: {name_of(catalog.open_models, slot.model_id)}"
    add_node(graph, slot.node, "llm", label, _serving_detail(design, catalog), "serving")


def _serving_detail(design: Design, catalog: Catalog) -> str:
    serving = design.serving
    gpu = name_of(catalog.gpus, serving.gpu)
    replicas = f"{serving.replicas} replica" + ("" if serving.replicas == 1 else "s")
    parts = [ENGINES[serving.engine], f"{serving.gpus_per_replica}{TIMES} {gpu}"]
    return SEP.join([*parts, PRECISIONS[serving.precision].split(" ")[0], replicas])


def _add_exit(graph: nx.DiGraph, design: Design, answers: list[str]) -> None:
    last = answers
    if guards_output(design):
        add_node(graph, "output_guard", "guardrail", "Output guardrails", "answers", "online")
        for node in answers:
            add_edge(graph, node, "output_guard")
        last = ["output_guard"]
    add_node(graph, "response", "response", "Response", "back to the client", "online")
    for node in last:
        add_edge(graph, node, "response", "answer")


def untrusted_documents(design: Design) -> bool:
    """Whether retrieved documents may carry injected instructions (only when RAG is in use)."""
    return design.uses_rag and design.retrieval.untrusted_documents


def _screens_input(design: Design) -> bool:
    return guards_output(design) or untrusted_documents(design)


def guards_output(design: Design) -> bool:
    """Whether any failure mode is mitigated by input/output guardrails."""
    return "input_output_guardrails" in design.evaluation.mitigations.values()
