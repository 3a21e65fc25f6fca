"""Display names and one-line explanations for every enumerated choice, kept as data."""

from __future__ import annotations

from typing import Final

from playbook import sanitize

RUNGS: Final = {
    "prompt": "Prompting",
    "few_shot": "Few-shot examples",
    "rag": "RAG (retrieval)",
    "lora": "LoRA fine-tune",
    "continued_pretraining": "Continued pretraining",
}
RUNG_WHEN: Final = {
    "prompt": "the base model already knows the domain and only needs instructions",
    "few_shot": "a handful of worked examples fix the format or the reasoning pattern",
    "rag": "the model lacks knowledge that lives in documents, or that changes often",
    "lora": "the gap is style, format or a narrow skill, learnt from thousands of examples",
    "continued_pretraining": "a whole new domain language, from billions of tokens of text",
}
MODEL_KINDS: Final = {
    "hosted": "Hosted API",
    "self_hosted": "Self-hosted open model",
    "routing": "Routing: small and large model",
}
MODEL_KINDS_SHORT: Final = {"hosted": "Hosted", "self_hosted": "Self-hosted", "routing": "Routing"}
MODEL_KIND_WHEN: Final = {
    "hosted": "fastest to quality, no GPUs to run, paid per token",
    "self_hosted": "cost control at scale, customisation, data stays on your hardware",
    "routing": "a small model answers the easy share, the large one the hard rest",
}
CHUNKING: Final = {"fixed": "Fixed-size", "semantic": "Semantic", "hierarchical": "Hierarchical"}
INDEXES: Final = {
    "flat": "Flat (exact)",
    "ivf": "IVF",
    "ivf_pq": "IVF-PQ",
    "hnsw": "HNSW",
    "scann": "ScaNN",
}
ENGINES: Final = {
    "vllm": "vLLM",
    "sglang": "SGLang",
    "tensorrt_llm": "TensorRT-LLM",
    "tgi": "TGI",
}
PRECISIONS: Final = {
    "fp16": "FP16",
    "bf16": "BF16",
    "fp8": "FP8",
    "int8": "INT8",
    "int4": "INT4 (AWQ/GPTQ)",
    "fp4": "FP4",
}
OFFLINE_METRICS: Final = {
    "recall_at_k": "Recall@k",
    "ragas_faithfulness": "RAGAS faithfulness",
    "ragas_answer_relevance": "RAGAS answer relevance",
    "exact_match": "Exact match",
    "pass_at_k": "pass@k",
}
ONLINE_METRICS: Final = {
    "thumbs_up": "Thumbs-up rate",
    "escalation_rate": "Escalation rate",
    "abandonment": "Abandonment",
    "latency_slo": "Latency SLO",
    "cost_per_request": "Cost per request",
}
FAILURE_MODES: Final = {
    "hallucination": "Hallucination",
    "prompt_injection": "Prompt injection",
    "retrieval_miss": "Retrieval miss",
    "kv_cache_oom": "KV-cache out of memory",
    "model_drift": "Model drift",
    "pii_leak": "PII leak",
}
MITIGATIONS: Final = {
    "none": "None yet",
    "citations_and_faithfulness_check": "Citations + faithfulness check",
    "input_output_guardrails": "Input/output guardrails",
    "hybrid_search_and_reranker": "Hybrid search + reranker",
    "admission_control": "Admission control (max sequences)",
    "judge_monitoring_and_pinned_versions": "LLM-judge monitoring + pinned versions",
    "pii_redaction": "PII redaction",
}
PHASES: Final = {
    "constraints": "Constraints",
    "technique": "Technique",
    "model": "Model",
    "retrieval": "Retrieval",
    "serving": "Serving",
    "evaluation": "Evaluation",
}


def label(table: dict[str, str], key: str) -> str:
    """Return the display name of `key` in `table`, or the key itself when it has none."""
    return table.get(key, key)


def compact_number(value: float) -> str:
    """Return `value` with a k/M/B suffix and at most three significant digits (1500 -> 1.5k)."""
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / threshold:.3g}{suffix}"
    return f"{value:.3g}"


def slugify(text: str, *, fallback: str = "design") -> str:
    """Return `text` as a safe file-name stem: lowercase ASCII letters, digits and dashes."""
    stem = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    stem = "-".join(part for part in stem.split("-") if part)[:60]
    return stem or fallback


def escape_markdown(text: str) -> str:
    """Return user text shown literally in Markdown (kept name for `playbook.sanitize.markdown`)."""
    return sanitize.markdown(text)
