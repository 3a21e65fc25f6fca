"""A design as an architecture graph: slug-named nodes with a kind, a label, a detail and a cluster.

Node ids are fixed slugs chosen here, never text a user typed, so the ids can go into DOT (or any
other format) unescaped. Everything a renderer shows lives in node and edge attributes.
"""

from __future__ import annotations

import re

import networkx as nx

from diagrams.style import CLUSTERS, FLOWS, NODE_KINDS, ClusterName, Flow, NodeKind
from playbook.catalog import load_catalog, name_of
from playbook.design import Design

ENGINE_NAMES = {"vllm": "vLLM", "sglang": "SGLang", "tensorrt_llm": "TensorRT-LLM", "tgi": "TGI"}
INDEX_NAMES = {"flat": "Flat", "ivf": "IVF", "ivf_pq": "IVF-PQ", "hnsw": "HNSW", "scann": "ScaNN"}
METRIC_NAMES = {
    "recall_at_k": "Recall@k",
    "ragas_faithfulness": "Faithfulness",
    "ragas_answer_relevance": "Answer relevance",
    "exact_match": "Exact match",
    "pass_at_k": "pass@k",
    "thumbs_up": "Thumbs up",
    "escalation_rate": "Escalation rate",
    "abandonment": "Abandonment",
    "latency_slo": "Latency SLO",
    "cost_per_request": "Cost per request",
}
SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
SEP = " · "
TIMES = "\u00d7"  # the multiplication sign, spelled out so it is not mistaken for an x


def build_graph(design: Design) -> nx.DiGraph:
    """Return the architecture of `design` as a directed graph of slug-named nodes."""
    graph = nx.DiGraph()
    answers = _add_request_path(graph, design)
    if design.uses_rag:
        _add_ingestion(graph, design)
    if _trains(design):
        _add_training(graph, design)
    _add_evaluation(graph, design, answers)
    return graph


def check_graph(graph: nx.DiGraph) -> list[str]:
    """Return every problem of `graph` (bad node attributes, unreachable nodes); [] when valid."""
    problems = [problem for node in graph.nodes for problem in _node_problems(graph, node)]
    problems += [
        f"edge {a!r} -> {b!r} has unknown flow {data.get('flow')!r}"
        for a, b, data in graph.edges(data=True)
        if data.get("flow") not in FLOWS
    ]
    roots = [
        node for node, kind in graph.nodes(data="kind") if node == "client" or kind == "source"
    ]
    reached = set(roots).union(*(nx.descendants(graph, root) for root in roots))
    problems += [f"node {node!r} is unreachable" for node in graph.nodes if node not in reached]
    return problems


def _node_problems(graph: nx.DiGraph, node: str) -> list[str]:
    # networkx adds a bare node for an edge to an id never added: it has no kind.
    data = graph.nodes[node]
    if "kind" not in data:
        return [f"edge to unknown node {node!r}"]
    problems = (
        [] if isinstance(node, str) and SLUG.match(node) else [f"node id {node!r} is not a slug"]
    )
    if data["kind"] not in NODE_KINDS:
        problems.append(f"node {node!r} has unknown kind {data['kind']!r}")
    if data.get("cluster") not in CLUSTERS:
        problems.append(f"node {node!r} has unknown cluster {data.get('cluster')!r}")
    if not data.get("label"):
        problems.append(f"node {node!r} has no label")
    return problems


def _add_node(
    graph: nx.DiGraph, node: str, kind: NodeKind, label: str, detail: str, cluster: ClusterName
) -> None:
    graph.add_node(node, kind=kind, label=label, detail=detail, cluster=cluster)


def _add_edge(graph: nx.DiGraph, a: str, b: str, label: str = "", flow: Flow = "request") -> None:
    graph.add_edge(a, b, label=label, flow=flow)


def _add_request_path(graph: nx.DiGraph, design: Design) -> list[str]:
    # Returns the nodes whose output is the answer, so evaluation and training can attach to them.
    _add_node(graph, "client", "client", "Client", "web · mobile · API", "online")
    _add_node(graph, "gateway", "gateway", "API gateway", "auth · rate limits", "online")
    _add_edge(graph, "client", "gateway", "prompt")
    last, handoff = "gateway", ""
    if _screens_input(design):
        screened = "prompts + retrieved text" if _untrusted_documents(design) else "prompts"
        _add_node(graph, "input_guard", "guardrail", "Input guardrails", screened, "online")
        _add_edge(graph, last, "input_guard")
        last = "input_guard"
    if design.uses_rag:
        last, handoff = _add_retrieval(graph, design, after=last)
    answers = _add_models(graph, design, after=last, label=handoff)
    _add_exit(graph, design, answers)
    return answers


def _add_retrieval(graph: nx.DiGraph, design: Design, *, after: str) -> tuple[str, str]:
    retrieval = design.retrieval
    search = "hybrid: dense + BM25" if retrieval.bm25_hybrid else "dense"
    _add_node(graph, "retriever", "retriever", "Retriever", search, "online")
    _add_edge(graph, after, "retriever", "query")
    candidates = f"top {retrieval.top_k}"
    if not retrieval.reranker:
        return "retriever", candidates
    _add_node(graph, "reranker", "reranker", "Reranker", "cross-encoder", "online")
    _add_edge(graph, "retriever", "reranker", candidates)
    return "reranker", f"top {retrieval.rerank_top_n}"


def _model_slots(design: Design) -> list[tuple[str, str, str]]:
    # (node id, model id, role) per model; the first one is the model that training adapts.
    model = design.model
    if model.kind == "hosted":
        return [("llm", model.hosted_model, "LLM")]
    if model.kind == "self_hosted":
        return [("llm", model.open_model, "LLM")]
    return [
        ("small_llm", model.small_model, "Small LLM"),
        ("large_llm", model.large_model, "Large LLM"),
    ]


def _add_models(graph: nx.DiGraph, design: Design, *, after: str, label: str) -> list[str]:
    slots = _model_slots(design)
    for node, model_id, role in slots:
        _add_model(graph, design, node, model_id, role)
    if design.model.kind != "routing":
        _add_edge(graph, after, "llm", label)
        return ["llm"]
    _add_node(graph, "router", "router", "Router", "small first, large when needed", "online")
    _add_edge(graph, after, "router", label)
    small_share = design.model.small_share_pct
    _add_edge(graph, "router", "small_llm", f"{small_share}%")
    _add_edge(graph, "router", "large_llm", f"{100 - small_share}%")
    return ["small_llm", "large_llm"]


def _add_model(graph: nx.DiGraph, design: Design, node: str, model_id: str, role: str) -> None:
    # An id from the hosted list is called over an API; any other model runs on our own GPUs.
    catalog = load_catalog()
    hosted = next((entry for entry in catalog.hosted_models if entry.id == model_id), None)
    if hosted is not None:
        provider = hosted.provider or "Hosted API"
        _add_node(graph, node, "llm", role, f"{provider}{SEP}{hosted.name}", "online")
        return
    label = f"{role}: {name_of(catalog.open_models, model_id)}"
    _add_node(graph, node, "llm", label, _serving_detail(design), "serving")


def _serving_detail(design: Design) -> str:
    serving = design.serving
    gpu = name_of(load_catalog().gpus, serving.gpu)
    replicas = f"{serving.replicas} replica" + ("" if serving.replicas == 1 else "s")
    parts = [ENGINE_NAMES[serving.engine], f"{serving.gpus_per_replica}{TIMES} {gpu}"]
    return SEP.join([*parts, serving.precision.upper(), replicas])


def _add_exit(graph: nx.DiGraph, design: Design, answers: list[str]) -> None:
    last = answers
    if _guards_output(design):
        _add_node(graph, "output_guard", "guardrail", "Output guardrails", "answers", "online")
        for node in answers:
            _add_edge(graph, node, "output_guard")
        last = ["output_guard"]
    _add_node(graph, "response", "response", "Response", "back to the client", "online")
    for node in last:
        _add_edge(graph, node, "response", "answer")


def _add_ingestion(graph: nx.DiGraph, design: Design) -> None:
    retrieval = design.retrieval
    catalog = load_catalog()
    documents = f"{design.constraints.corpus_documents:,} documents"
    chunks = f"{retrieval.chunk_tokens} tokens{SEP}{retrieval.chunk_overlap_tokens} overlap"
    embedder = name_of(catalog.embedding_models, retrieval.embedding_model)
    _add_node(graph, "documents", "source", "Documents", documents, "offline")
    _add_node(
        graph,
        "chunker",
        "chunker",
        "Chunker",
        f"{retrieval.chunking.title()}{SEP}{chunks}",
        "offline",
    )
    _add_node(graph, "embedder", "embedder", "Embedder", embedder, "offline")
    _add_node(
        graph, "vector_index", "index", "Vector index", INDEX_NAMES[retrieval.index], "offline"
    )
    _add_edge(graph, "documents", "chunker", flow="data")
    _add_edge(graph, "chunker", "embedder", "chunks", flow="data")
    _add_edge(graph, "embedder", "vector_index", "vectors", flow="data")
    _add_edge(graph, "vector_index", "retriever", flow="data")
    if retrieval.bm25_hybrid:
        _add_node(graph, "bm25_index", "index", "BM25 index", "keyword", "offline")
        _add_edge(graph, "documents", "bm25_index", flow="data")
        _add_edge(graph, "bm25_index", "retriever", flow="data")


def _add_training(graph: nx.DiGraph, design: Design) -> None:
    rungs = design.technique.rungs
    steps = [name for rung, name in _TRAINING_STEPS if rung in rungs]
    target, model_id, _ = _model_slots(design)[0]
    catalog = load_catalog()
    base = name_of(catalog.hosted_models + catalog.open_models, model_id)
    data = "instruction pairs" if "lora" in rungs else "domain corpus"
    _add_node(graph, "training_data", "source", "Training data", data, "offline")
    _add_node(graph, "trainer", "trainer", " + ".join(steps), f"base: {base}", "offline")
    _add_edge(graph, "training_data", "trainer", flow="training")
    weights = "LoRA adapter" if "lora" in rungs else "weights"
    _add_edge(graph, "trainer", target, weights, flow="training")


_TRAINING_STEPS = (("continued_pretraining", "Continued pretraining"), ("lora", "LoRA fine-tune"))


def _add_evaluation(graph: nx.DiGraph, design: Design, answers: list[str]) -> None:
    evaluation = design.evaluation
    datasets = _add_eval_datasets(graph, design)
    if datasets or evaluation.offline_metrics:
        metrics = _metric_names(evaluation.offline_metrics) or "no metrics chosen"
        _add_node(graph, "offline_eval", "eval", "Offline eval", metrics, "evaluation")
        for dataset in datasets:
            _add_edge(graph, dataset, "offline_eval", flow="data")
        _add_edges_from(graph, answers, "offline_eval", "answers")
    if evaluation.llm_as_judge:
        _add_node(graph, "judge", "eval", "LLM-as-judge", "grades sampled answers", "evaluation")
        _add_edges_from(graph, answers, "judge", "samples")
    if evaluation.online_metrics:
        metrics = _metric_names(evaluation.online_metrics)
        _add_node(graph, "monitor", "monitor", "Online metrics", metrics, "evaluation")
        _add_edges_from(graph, answers, "monitor", "traces")


def _add_eval_datasets(graph: nx.DiGraph, design: Design) -> list[str]:
    # Both sets are questions the offline evaluation runs through the system.
    evaluation = design.evaluation
    datasets = []
    if evaluation.golden_set_size > 0:
        size = f"{evaluation.golden_set_size:,} examples"
        _add_node(graph, "golden_set", "source", "Golden set", size, "evaluation")
        datasets.append("golden_set")
    if evaluation.red_team_set:
        _add_node(graph, "red_team", "source", "Red-team set", "adversarial prompts", "evaluation")
        datasets.append("red_team")
    return datasets


def _add_edges_from(graph: nx.DiGraph, sources: list[str], target: str, label: str) -> None:
    # With two models the same label on two parallel dashed edges only clutters the picture.
    shown = label if len(sources) == 1 else ""
    for source in sources:
        _add_edge(graph, source, target, shown, flow="eval")


def _metric_names(metrics: tuple[str, ...]) -> str:
    return SEP.join(METRIC_NAMES.get(metric, metric) for metric in metrics)


def _trains(design: Design) -> bool:
    return any(rung in design.technique.rungs for rung in ("lora", "continued_pretraining"))


def _untrusted_documents(design: Design) -> bool:
    # Retrieval settings only take effect when the technique retrieves at all.
    return design.uses_rag and design.retrieval.untrusted_documents


def _screens_input(design: Design) -> bool:
    return _guards_output(design) or _untrusted_documents(design)


def _guards_output(design: Design) -> bool:
    return "input_output_guardrails" in design.evaluation.mitigations.values()
