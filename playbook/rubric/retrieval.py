"""Rules of Phase 4: chunking, embeddings, the index and the reranker (only when RAG is used)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from playbook.catalog import find
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import RetrievalReport
from playbook.rubric.base import Hit, ReviewContext, label, rule

# At or above this bar a cross-encoder reranker (and hybrid search) is expected: first-stage
# dense retrieval alone ranks the right chunk first too rarely for a 90%+ answer rate.
RERANKER_ACCURACY_BAR_PCT: Final = 90.0


def _report(ctx: ReviewContext) -> RetrievalReport | None:
    return ctx.retrieval_report


def _bar(design: Design) -> str:
    return f"{design.constraints.accuracy_bar_pct:g}%"


@rule(
    "retrieval.empty_corpus",
    phase="retrieval",
    severity="block",
    title="RAG over an empty corpus",
)
def empty_corpus(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The technique retrieves, but Phase 1 says there are no documents."""
    if _report(ctx) is None or design.constraints.corpus_documents > 0:
        return
    yield Hit(
        component="documents",
        constraint="corpus_documents",
        message="the design retrieves from a corpus of 0 documents: there is nothing to find",
        fix=f"set {label('constraints.corpus_documents')} to the documents the answers come from, "
        "or drop RAG",
    )


@rule(
    "retrieval.hosted_embeddings_on_prem",
    phase="retrieval",
    severity="block",
    title="A hosted embedding model with an on-prem requirement",
)
def hosted_embeddings_on_prem(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """on_prem is on, yet every document and query is sent to an embedding API."""
    if _report(ctx) is None or not design.constraints.on_prem:
        return
    model = find(ctx.catalog.embedding_models, design.retrieval.embedding_model)
    if model.usd_per_1m_tokens is None:
        return
    yield Hit(
        component="embedder",
        constraint="on_prem",
        message=f"{label('constraints.on_prem')} is on, but {model.name} is a hosted API: every "
        "document and every query is sent off the premises to be embedded",
        fix="a self-hosted embedding model (bge-m3, gte-large, e5-mistral)",
    )


@rule(
    "retrieval.no_reranker_high_bar",
    phase="retrieval",
    severity="warn",
    title="RAG without a reranker at a high accuracy bar",
)
def no_reranker_high_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """No cross-encoder reranker while accuracy_bar_pct ≥ RERANKER_ACCURACY_BAR_PCT."""
    if _report(ctx) is None or design.retrieval.reranker:
        return
    if design.constraints.accuracy_bar_pct < RERANKER_ACCURACY_BAR_PCT:
        return
    yield Hit(
        component="retriever",
        constraint="accuracy_bar_pct",
        message=f"the accuracy bar is {_bar(design)} (≥ {RERANKER_ACCURACY_BAR_PCT:g}%) and "
        f"the top {design.retrieval.top_k} candidates go to the model unranked: first-stage "
        "retrieval misorders them, and the model reads the wrong chunks first",
        fix="add a cross-encoder reranker over the top-k candidates, keeping the best few",
    )


@rule(
    "retrieval.no_hybrid_high_bar",
    phase="retrieval",
    severity="info",
    title="Dense-only search at a high accuracy bar",
)
def no_hybrid_high_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """No BM25 next to the dense index while the bar is high: exact terms get missed."""
    if _report(ctx) is None or design.retrieval.bm25_hybrid:
        return
    if design.constraints.accuracy_bar_pct < RERANKER_ACCURACY_BAR_PCT:
        return
    yield Hit(
        component="retriever",
        constraint="accuracy_bar_pct",
        message=f"dense-only search at a {_bar(design)} bar: embeddings blur exact terms "
        "(product codes, names, error messages) that keyword search finds",
        fix="add BM25 next to the dense index (hybrid search)",
    )


@rule(
    "retrieval.recall_target_missing",
    phase="retrieval",
    severity="warn",
    title="No recall@k target",
)
def recall_target_missing(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """recall_at_k_target_pct is 0: nothing says how often the right chunk must be found."""
    if _report(ctx) is None or design.retrieval.recall_at_k_target_pct > 0:
        return
    yield Hit(
        component="retriever",
        constraint="accuracy_bar_pct",
        message="no recall@k target: nothing says how often the right chunk must be among the "
        "retrieved ones, so retrieval cannot be tuned or tested against the accuracy bar",
        fix=f"set {label('retrieval.recall_at_k_target_pct')} to at least the accuracy bar "
        f"({_bar(design)})",
    )


@rule(
    "retrieval.recall_target_below_bar",
    phase="retrieval",
    severity="warn",
    title="A recall@k target below the accuracy bar",
)
def recall_target_below_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """0 < recall@k target < accuracy bar: a missed chunk is usually a wrong answer."""
    target = design.retrieval.recall_at_k_target_pct
    if _report(ctx) is None or not 0 < target < design.constraints.accuracy_bar_pct:
        return
    yield Hit(
        component="retriever",
        constraint="accuracy_bar_pct",
        message=f"recall@k target {target:g}% is below the accuracy bar of {_bar(design)}: "
        "when the right chunk is not retrieved the answer is usually wrong, so the bar cannot "
        "be met",
        fix=f"raise {label('retrieval.recall_at_k_target_pct')} to at least {_bar(design)}",
    )


@rule(
    "retrieval.chunk_over_embedding_limit",
    phase="retrieval",
    severity="warn",
    title="Chunks longer than the embedding model reads",
)
def chunk_over_embedding_limit(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """chunk_tokens above the embedding model's max_tokens: each chunk's tail is not embedded."""
    report = _report(ctx)
    if report is None:
        return
    model = find(ctx.catalog.embedding_models, design.retrieval.embedding_model)
    if design.retrieval.chunk_tokens <= model.max_tokens:
        return
    yield Hit(
        component="chunker",
        constraint=None,
        message=f"chunks of {design.retrieval.chunk_tokens:,} tokens, but {model.name} reads "
        f"at most {model.max_tokens:,}: the rest of each chunk is cut off before embedding and "
        "can never be found",
        numbers=(report.chunks, report.embedding_cost),
        fix=f"chunks of at most {model.max_tokens:,} tokens, or an embedding model with a "
        "longer input (bge-m3: 8,192)",
    )


@rule(
    "retrieval.overlap_over_half",
    phase="retrieval",
    severity="info",
    title="Chunk overlap over half the chunk",
)
def overlap_over_half(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """An overlap above half the chunk embeds most tokens twice or more."""
    report, r = _report(ctx), design.retrieval
    if report is None or 2 * r.chunk_overlap_tokens <= r.chunk_tokens:
        return
    yield Hit(
        component="chunker",
        constraint="corpus_documents × avg_document_tokens",
        message=f"an overlap of {r.chunk_overlap_tokens} on chunks of {r.chunk_tokens} tokens "
        "embeds and stores most text more than once",
        numbers=(report.chunks, report.embedding_storage, report.embedding_cost),
        fix="an overlap of 10-20% of the chunk",
    )


@rule(
    "retrieval.rerank_keeps_all",
    phase="retrieval",
    severity="warn",
    title="A reranker that keeps every candidate",
)
def rerank_keeps_all(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """rerank_top_n ≥ top_k: the reranker reorders but filters nothing out."""
    report, r = _report(ctx), design.retrieval
    if report is None or not r.reranker or r.rerank_top_n < r.top_k:
        return
    yield Hit(
        component="reranker",
        constraint="ttft_ms",
        message=f"the reranker keeps {r.rerank_top_n} of {r.top_k} candidates: it filters "
        "nothing out, so the prompt carries every candidate and pays the reranker's latency",
        numbers=(report.rerank_latency,) if report.rerank_latency else (),
        fix=f"retrieve more candidates ({label('retrieval.top_k')}) than the reranker keeps "
        f"({label('retrieval.rerank_top_n')})",
    )


def _retrieved_tokens(design: Design) -> Estimate:
    r = design.retrieval
    kept = r.rerank_top_n if r.reranker else r.top_k
    tokens = kept * r.chunk_tokens
    return Estimate(
        name="Retrieved tokens per prompt",
        value=float(tokens),
        unit="tokens",
        formula="chunks kept (rerank_top_n with a reranker, else top_k) × chunk tokens",
        worked=f"{kept} × {r.chunk_tokens:,} = {tokens:,}",
    )


@rule(
    "retrieval.context_over_prompt_budget",
    phase="retrieval",
    severity="warn",
    title="Retrieved chunks larger than the prompt Phase 1 budgets",
)
def context_over_prompt_budget(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The chunks put into each prompt exceed avg_prompt_tokens, which every estimate uses."""
    if _report(ctx) is None:
        return
    retrieved, prompt = _retrieved_tokens(design), design.constraints.avg_prompt_tokens
    if retrieved.value <= prompt:
        return
    yield Hit(
        component="reranker" if design.retrieval.reranker else "retriever",
        constraint="avg_prompt_tokens",
        message=f"each prompt carries {retrieved.shown()} of retrieved text, more than the "
        f"{prompt:,} prompt tokens Phase 1 budgets: the estimates use the larger prompt "
        f"({ctx.figures.timeline.prompt_tokens.shown()}), so Phase 1's prompt is out of date",
        numbers=(retrieved, ctx.figures.timeline.prompt_tokens),
        fix=f"raise {label('constraints.avg_prompt_tokens')} to the retrieved tokens plus "
        "instructions, or keep fewer "
        "or shorter chunks",
    )


RULES = (
    empty_corpus,
    hosted_embeddings_on_prem,
    no_reranker_high_bar,
    no_hybrid_high_bar,
    recall_target_missing,
    recall_target_below_bar,
    chunk_over_embedding_limit,
    overlap_over_half,
    rerank_keeps_all,
    context_over_prompt_budget,
)
