"""The stages before the model: gateway, guardrails, query embedding, search and reranking.

Rough operation counts or stated assumptions, each with its estimate; and the prompt the model
reads once retrieval has put its chunks in. `playbook.analysis.timeline` adds the model's own
stages after these.
"""

from __future__ import annotations

from typing import Final

from playbook.analysis.figures import Step, StepId
from playbook.catalog import Catalog, EmbeddingModel, find
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import (
    DEFAULT_EMBEDDING_PARAMS,
    GPU_FLOPS,
    QUERY_TOKENS,
    RetrievalReport,
)

GATEWAY_MS: Final = 5.0  # assumption: authentication, rate limiting and routing in process
GUARDRAIL_MS: Final = 30.0  # assumption: one pass of a small safety classifier on a GPU
HOSTED_EMBEDDING_MS: Final = 100.0  # assumption: one HTTPS round trip to an embedding API
EMBEDDING_OVERHEAD_MS: Final = 2.0  # assumption: tokenising and launching one small batch
BM25_BASE_MS: Final = 1.0  # assumption: a Lucene-class inverted index in memory ...
BM25_MS_PER_M_CHUNKS: Final = 5.0  # ... scanning posting lists that grow with the corpus


def prompt_tokens(design: Design) -> Estimate:
    """Return the prompt the model reads: Phase 1's prompt, or the retrieved chunks if larger."""
    phase1 = design.constraints.avg_prompt_tokens
    if not design.uses_rag:
        return Estimate(
            name="Prompt tokens the model reads",
            value=float(phase1),
            unit="tokens",
            formula="Phase 1's average prompt",
            worked=f"{phase1:,}",
        )
    r = design.retrieval
    kept = r.rerank_top_n if r.reranker else r.top_k
    chunks = kept * r.chunk_tokens + QUERY_TOKENS
    value = max(phase1, chunks)
    return Estimate(
        name="Prompt tokens the model reads",
        value=float(value),
        unit="tokens",
        formula="max(Phase 1's average prompt, chunks kept × chunk tokens + question tokens)",
        worked=f"max({phase1:,}, {kept} × {r.chunk_tokens:,} + {QUERY_TOKENS}) = {value:,}",
        assumptions=(
            "Phase 1's prompt is taken to include the retrieved chunks; when the chunks alone "
            "are longer, the model reads the chunks plus the question",
            f"chunks kept: {'rerank_top_n' if r.reranker else 'top_k'} = {kept}",
        ),
    )


def served_design(design: Design, prompt: Estimate) -> Design:
    """Return `design` with the prompt the model really reads, for serving and cost."""
    constraints = design.constraints.model_copy(update={"avg_prompt_tokens": int(prompt.value)})
    return design.model_copy(update={"constraints": constraints})


def fixed(step_id: StepId, name: str, node: str, ms: float, why: str) -> Step:
    """Return a stage whose time is a stated assumption."""
    estimate = Estimate(
        name=name, value=ms, unit="ms", formula="a stated assumption", assumptions=(why,)
    )
    return Step(id=step_id, name=name, node=node, ms=ms, before_first_token=True, estimate=estimate)


def screens_input(design: Design) -> bool:
    """Whether input guardrails sit on the path (guardrails chosen, or untrusted documents)."""
    untrusted = design.uses_rag and design.retrieval.untrusted_documents
    return guards_output(design) or untrusted


def guards_output(design: Design) -> bool:
    """Whether any failure mode is mitigated by input/output guardrails."""
    return "input_output_guardrails" in design.evaluation.mitigations.values()


def _query_embedding(model: EmbeddingModel) -> Step:
    if model.usd_per_1m_tokens is not None:
        return fixed(
            "query_embedding", "Query embedding", "retriever", HOSTED_EMBEDDING_MS,
            f"{model.name} is an API: one round trip of about {HOSTED_EMBEDDING_MS:g} ms",
        )  # fmt: skip
    params = model.params or DEFAULT_EMBEDDING_PARAMS
    compute_ms = QUERY_TOKENS * 2 * params / GPU_FLOPS * 1e3
    ms = compute_ms + EMBEDDING_OVERHEAD_MS
    estimate = Estimate(
        name="Query embedding",
        value=ms,
        unit="ms",
        formula="question tokens × 2 × parameters ÷ GPU FLOP/s + overhead",
        worked=f"{QUERY_TOKENS} × 2 × {params / 1e6:,.0f}M ÷ {GPU_FLOPS / 1e12:g} TFLOP/s + "
        f"{EMBEDDING_OVERHEAD_MS:g} ms = {ms:.2f} ms",
        assumptions=(f"a question of {QUERY_TOKENS} tokens on a self-hosted {model.name}",),
        sources=(model.source, "Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2"),
    )
    return Step(
        id="query_embedding", name="Query embedding", node="retriever", ms=ms,
        before_first_token=True, estimate=estimate,
    )  # fmt: skip


def _bm25(chunks: float) -> Step:
    ms = BM25_BASE_MS + BM25_MS_PER_M_CHUNKS * chunks / 1e6
    estimate = Estimate(
        name="BM25 keyword search",
        value=ms,
        unit="ms",
        formula="base + ms per million chunks × chunks ÷ 1M",
        worked=f"{BM25_BASE_MS:g} + {BM25_MS_PER_M_CHUNKS:g} × {chunks:,.0f} ÷ 1e6 = {ms:.2f} ms",
        assumptions=(
            "an in-memory inverted index (Lucene-class); rough, runs beside the vector search",
        ),
    )
    return Step(
        id="bm25", name="BM25 keyword search", node="retriever", ms=ms,
        before_first_token=True, parallel_with="ann_search", estimate=estimate,
    )  # fmt: skip


def before_model(design: Design, catalog: Catalog, retrieval: RetrievalReport | None) -> list[Step]:
    """Return the stages a request passes before the model reads its prompt."""
    steps = [fixed("gateway", "Gateway", "gateway", GATEWAY_MS, "auth, rate limits and routing")]
    if screens_input(design):
        steps.append(
            fixed(
                "input_guardrails",
                "Input guardrails",
                "input_guard",
                GUARDRAIL_MS,
                "one pass of a small safety classifier over the prompt",
            )
        )
    if retrieval is None:
        return steps
    model = find(catalog.embedding_models, design.retrieval.embedding_model)
    steps.append(_query_embedding(model))
    search = retrieval.query_latency
    steps.append(
        Step(
            id="ann_search",
            name="ANN search",
            node="retriever",
            ms=search.value,
            before_first_token=True,
            estimate=search,
        )
    )
    if design.retrieval.bm25_hybrid:
        steps.append(_bm25(retrieval.chunks.value))
    if retrieval.rerank_latency is not None:
        rerank = retrieval.rerank_latency
        steps.append(
            Step(
                id="rerank",
                name="Reranking",
                node="reranker",
                ms=rerank.value,
                before_first_token=True,
                estimate=rerank,
            )
        )
    return steps


def elapsed_ms(steps: list[Step]) -> float:
    """Return the time the steps take in sequence; a parallel pair counts as the slower one."""
    by_id = {step.id: step for step in steps}
    total = 0.0
    for step in steps:
        if step.ms is None:
            continue
        partner = by_id.get(step.parallel_with) if step.parallel_with else None
        if partner is not None and partner.ms is not None:
            total += max(0.0, step.ms - partner.ms)  # only what it adds beyond its partner
        else:
            total += step.ms
    return total
