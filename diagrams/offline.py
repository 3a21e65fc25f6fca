"""The parts off the request path: document ingestion, fine-tuning, and evaluation."""

from __future__ import annotations

import networkx as nx

from diagrams.nodes import SEP, add_edge, add_node, model_slots
from playbook.catalog import Catalog, name_of
from playbook.design import Design
from playbook.labels import CHUNKING, INDEXES

__all__ = ["add_evaluation", "add_ingestion", "add_training", "trains"]

# Shorter than playbook.labels' names, to keep the evaluation nodes narrow.
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
TRAINING_STEPS = (("continued_pretraining", "Continued pretraining"), ("lora", "LoRA fine-tune"))


def add_ingestion(graph: nx.DiGraph, design: Design, catalog: Catalog) -> None:
    """Add the path from the documents through chunker and embedder to the indexes."""
    retrieval = design.retrieval
    documents = f"{design.constraints.corpus_documents:,} documents"
    chunks = f"{retrieval.chunk_tokens} tokens{SEP}{retrieval.chunk_overlap_tokens} overlap"
    embedder = name_of(catalog.embedding_models, retrieval.embedding_model)
    index = INDEXES[retrieval.index].removesuffix(" (exact)")
    add_node(graph, "documents", "source", "Documents", documents, "offline")
    chunking = f"{CHUNKING[retrieval.chunking]}{SEP}{chunks}"
    add_node(graph, "chunker", "chunker", "Chunker", chunking, "offline")
    add_node(graph, "embedder", "embedder", "Embedder", embedder, "offline")
    add_node(graph, "vector_index", "index", "Vector index", index, "offline")
    add_edge(graph, "documents", "chunker", flow="data")
    add_edge(graph, "chunker", "embedder", "chunks", flow="data")
    add_edge(graph, "embedder", "vector_index", "vectors", flow="data")
    add_edge(graph, "vector_index", "retriever", flow="data")
    if retrieval.bm25_hybrid:
        add_node(graph, "bm25_index", "index", "BM25 index", "keyword", "offline")
        add_edge(graph, "documents", "bm25_index", flow="data")
        add_edge(graph, "bm25_index", "retriever", flow="data")


def trains(design: Design) -> bool:
    """Whether the technique changes the model's weights (LoRA or continued pretraining)."""
    return any(rung in design.technique.rungs for rung, _ in TRAINING_STEPS)


def add_training(graph: nx.DiGraph, design: Design, catalog: Catalog) -> None:
    """Add the training data and the trainer that feeds weights into the first model."""
    rungs = design.technique.rungs
    steps = [name for rung, name in TRAINING_STEPS if rung in rungs]
    target = model_slots(design, catalog)[0]
    base = name_of(catalog.hosted_models + catalog.open_models, target.model_id)
    data = "instruction pairs" if "lora" in rungs else "domain corpus"
    add_node(graph, "training_data", "source", "Training data", data, "offline")
    add_node(graph, "trainer", "trainer", " + ".join(steps), f"base: {base}", "offline")
    add_edge(graph, "training_data", "trainer", flow="training")
    weights = "LoRA adapter" if "lora" in rungs else "weights"
    add_edge(graph, "trainer", target.node, weights, flow="training")


def add_evaluation(graph: nx.DiGraph, design: Design) -> None:
    """Add the evaluation sets, offline evaluation, LLM-as-judge and online metrics."""
    # Evaluation grades what the system answers, so every evaluator reads the response: one
    # dashed edge each, rather than one per model crossing the request path. The node names
    # say what is read (sampled answers, traces), so the edges carry no label.
    evaluation = design.evaluation
    datasets = _add_eval_datasets(graph, design)
    if datasets or evaluation.offline_metrics:
        metrics = _metric_names(evaluation.offline_metrics) or "no metrics chosen"
        add_node(graph, "offline_eval", "eval", "Offline eval", metrics, "evaluation")
        for dataset in datasets:
            add_edge(graph, dataset, "offline_eval", flow="data")
        add_edge(graph, "response", "offline_eval", flow="eval")
    if evaluation.llm_as_judge:
        add_node(graph, "judge", "eval", "LLM-as-judge", "grades sampled answers", "evaluation")
        add_edge(graph, "response", "judge", flow="eval")
    if evaluation.online_metrics:
        metrics = _metric_names(evaluation.online_metrics)
        add_node(graph, "monitor", "monitor", "Online metrics", metrics, "evaluation")
        add_edge(graph, "response", "monitor", flow="eval")


def _add_eval_datasets(graph: nx.DiGraph, design: Design) -> list[str]:
    # Both sets are questions the offline evaluation runs through the system.
    evaluation = design.evaluation
    datasets = []
    if evaluation.golden_set_size > 0:
        size = f"{evaluation.golden_set_size:,} examples"
        add_node(graph, "golden_set", "source", "Golden set", size, "evaluation")
        datasets.append("golden_set")
    if evaluation.red_team_set:
        add_node(graph, "red_team", "source", "Red-team set", "adversarial prompts", "evaluation")
        datasets.append("red_team")
    return datasets


def _metric_names(metrics: tuple[str, ...]) -> str:
    return SEP.join(METRIC_NAMES.get(metric, metric) for metric in metrics)
