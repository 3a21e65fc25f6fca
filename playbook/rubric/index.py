"""Rules of Phase 4 about the ANN index and the time the retrieval path takes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final

from playbook.catalog import find
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import DEFAULT_EMBEDDING_PARAMS, GPU_FLOPS, tokens_embedded
from playbook.format import money, plain
from playbook.labels import INDEXES
from playbook.ladder import VERY_HIGH_ACCURACY_PCT
from playbook.rubric.base import Hit, ReviewContext, label, numbers, rule

# FAISS "Guidelines to choose an index": exact (flat) search suits corpora below ~1M vectors.
FLAT_INDEX_MAX_CHUNKS: Final = 1_000_000
# An in-memory index lives in one node's RAM unless it is sharded: a large memory-optimised
# cloud node has 512 GiB (AWS EC2 r7i.16xlarge, 64 vCPU / 512 GiB; AWS instance-type page,
# as of 2026-12).
INDEX_NODE_RAM_GIB: Final = 512.0
# A full re-index (a new embedding model, a new chunking) should finish within a day, overnight.
REINDEX_MAX_HOURS: Final = 24.0
# A hosted embedding API is bounded by its rate limit: 10M tokens per minute is OpenAI's usage
# tier 5 (a production account's) for text-embedding-3; tier 1 allows 1M (model page, as copied
# by burncloud.com, read 2026-12). Assumed for every hosted embedder.
HOSTED_EMBED_TOKENS_PER_MIN: Final = 10_000_000.0
HOSTED_EMBED_SOURCE: Final = (
    "OpenAI text-embedding-3 rate limits: 10,000,000 tokens per minute at usage tier 5, "
    "1,000,000 at tier 1 (model page, as copied by burncloud.com, read 2026-12); assumed for "
    "every hosted embedder"
)
SELF_HOSTED_EMBED_SOURCE: Final = (
    "one GPU at the embedding cost's stated 50 TFLOP/s effective; a forward pass costs 2 FLOPs "
    "per parameter per token (Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2)"
)


@rule(
    "retrieval.flat_index_large_corpus",
    phase="retrieval",
    severity="warn",
    title="Exact (flat) search over a huge corpus",
)
def flat_index_large_corpus(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """A flat index over more than FLAT_INDEX_MAX_CHUNKS chunks: every query scans them all."""
    report = ctx.retrieval_report
    if report is None or design.retrieval.index != "flat":
        return
    if report.chunks.value <= FLAT_INDEX_MAX_CHUNKS:
        return
    hnsw = report.query_latency_by_index["hnsw"]
    yield Hit(
        component="vector_index",
        constraint="corpus_documents × avg_document_tokens",
        message=f"a flat index compares every query with all {report.chunks.shown()} "
        f"(above {FLAT_INDEX_MAX_CHUNKS:,}): {report.query_latency.shown()} per query against "
        f"{hnsw.shown()} for HNSW",
        numbers=(report.chunks, report.query_latency, hnsw),
        fix="an approximate index: HNSW (or IVF when memory is tight)",
    )


@rule(
    "retrieval.ivf_pq_at_very_high_bar",
    phase="retrieval",
    severity="warn",
    title="A compressed (IVF-PQ) index at a very high accuracy bar",
)
def ivf_pq_at_very_high_bar(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Product quantisation loses recall; at a ≥ 95% bar the saved memory rarely pays."""
    report = ctx.retrieval_report
    if report is None or design.retrieval.index != "ivf_pq":
        return
    bar = design.constraints.accuracy_bar_pct
    if bar < VERY_HIGH_ACCURACY_PCT:
        return
    hnsw = report.index_memory_by_index["hnsw"]
    yield Hit(
        component="vector_index",
        constraint="accuracy_bar_pct",
        message=f"IVF-PQ compresses each vector to a few bytes and loses recall, at a bar of "
        f"{bar:g}% (≥ {VERY_HIGH_ACCURACY_PCT:g}%); it saves memory ({report.index_memory.shown()}"
        f" against {hnsw.shown()} for HNSW), which is cheap next to missed answers",
        numbers=(report.index_memory, hnsw),
        fix="HNSW or IVF-flat; or keep IVF-PQ and rescore the candidates with the full vectors",
    )


@rule(
    "retrieval.index_outgrows_ram",
    phase="retrieval",
    severity="block",
    title="The vector index outgrows one node's RAM",
)
def index_outgrows_ram(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The in-memory index needs more than INDEX_NODE_RAM_GIB: it must be sharded or compressed."""
    report = ctx.retrieval_report
    if report is None:
        return
    needed_gib = report.index_memory.value  # retrieval estimates give index memory in GiB
    if needed_gib <= INDEX_NODE_RAM_GIB:
        return
    nodes = math.ceil(needed_gib / INDEX_NODE_RAM_GIB)
    pq = report.index_memory_by_index["ivf_pq"]
    yield Hit(
        component="vector_index",
        constraint="corpus_documents × avg_document_tokens",
        message=f"the {INDEXES[design.retrieval.index]} index over {report.chunks.shown()} needs "
        f"{report.index_memory.shown()} of RAM, more than one {INDEX_NODE_RAM_GIB:g} GiB "
        f"memory-optimised node holds: it takes {nodes} nodes, sharded",
        numbers=(report.chunks, report.index_memory, pq),
        fix=f"shard the index over {nodes} nodes, or compress it (IVF-PQ: {pq.shown()}) and "
        "rescore the candidates with the full vectors",
    )


def _retrieval_path(design: Design, ctx: ReviewContext) -> Estimate | None:
    """Return what the timeline spends before the model reads the prompt (None: no RAG)."""
    timeline = ctx.figures.timeline
    if ctx.retrieval_report is None:
        return None
    before = [s for s in timeline.steps if s.before_first_token and s.node != timeline.model_node]
    parts = " + ".join(f"{s.name} {s.estimate.shown() if s.estimate else '?'}" for s in before)
    return Estimate(
        name="Before the model reads the prompt",
        value=timeline.before_model_ms,
        unit="ms",
        formula="gateway + guardrails + query embedding + search (BM25 beside it) + reranking",
        worked=f"{parts} = {timeline.before_model_ms:,.1f} ms",
        assumptions=("the request timeline's stages; search and reranking are rough",),
    )


@rule(
    "retrieval.search_over_ttft",
    phase="retrieval",
    severity="warn",
    title="Retrieval alone takes the whole TTFT budget",
)
def search_over_ttft(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Everything before the model (search, reranking, guardrails) takes at least ttft_ms."""
    path, report = _retrieval_path(design, ctx), ctx.retrieval_report
    if path is None or report is None or path.value < design.constraints.ttft_ms:
        return
    yield Hit(
        component="reranker" if design.retrieval.reranker else "retriever",
        constraint="ttft_ms",
        message=f"the gateway, search ({INDEXES[design.retrieval.index]}) and reranking take "
        f"{path.shown()} before the model reads the prompt, against a TTFT budget of "
        f"{design.constraints.ttft_ms:,} ms",
        numbers=numbers(path, report.query_latency, report.rerank_latency),
        fix=f"fewer reranker candidates ({label('retrieval.top_k')}), a smaller reranker on a GPU, "
        "or an approximate "
        "index",
    )


def ingestion_time(design: Design, ctx: ReviewContext) -> Estimate | None:
    """Return one full embedding pass of the corpus in hours: chunks ÷ chunks embedded a second.

    Self-hosted: one GPU at GPU_FLOPS, 2 × parameters FLOPs a token. Hosted: the API's rate limit.
    None without RAG or without chunks.
    """
    report = ctx.retrieval_report
    if report is None or report.chunks.value <= 0:
        return None
    c, r = design.constraints, design.retrieval
    model = find(ctx.catalog.embedding_models, r.embedding_model)
    tokens = tokens_embedded(
        c.corpus_documents, c.avg_document_tokens,
        chunk_tokens=r.chunk_tokens, overlap_tokens=r.chunk_overlap_tokens,
    )  # fmt: skip
    chunks = report.chunks.value
    if model.usd_per_1m_tokens is not None:
        tokens_per_s, how, source = (
            HOSTED_EMBED_TOKENS_PER_MIN / 60,
            f"{model.name}'s rate limit {HOSTED_EMBED_TOKENS_PER_MIN:,.0f} tokens/min",
            HOSTED_EMBED_SOURCE,
        )
    else:
        params = model.params or DEFAULT_EMBEDDING_PARAMS
        tokens_per_s, how, source = (
            GPU_FLOPS / (2 * params),
            f"{GPU_FLOPS / 1e12:g} TFLOP/s ÷ (2 × {params / 1e6:,.0f}M) on one GPU",
            SELF_HOSTED_EMBED_SOURCE,
        )
    chunks_per_s = tokens_per_s * chunks / tokens
    hours = chunks / chunks_per_s / 3600
    return Estimate(
        name="Full re-index (one embedding pass)",
        value=hours,
        unit="h",
        formula="chunks ÷ chunks embedded per second",
        worked=f"{chunks:,.0f} chunks ÷ {plain(chunks_per_s)} chunks/s ({how}, "
        f"{tokens / chunks:,.0f} tokens a chunk) = {plain(hours)} h",
        assumptions=("one worker; more GPUs (or a higher API tier) divide it",),
        sources=(source,),
    )


@rule(
    "retrieval.reindex_over_a_day",
    phase="retrieval",
    severity="warn",
    title="A full re-index takes more than a day",
)
def reindex_over_a_day(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """Embedding the whole corpus once takes more than REINDEX_MAX_HOURS on one worker."""
    hours = ingestion_time(design, ctx)
    if hours is None or hours.value <= REINDEX_MAX_HOURS:
        return
    workers = math.ceil(hours.value / REINDEX_MAX_HOURS)
    yield Hit(
        component="embedder",
        constraint="corpus_documents × avg_document_tokens",
        message=f"embedding the whole corpus once takes {hours.shown()}, more than a day "
        f"({REINDEX_MAX_HOURS:g} h): a new embedding model or chunking means a re-index that "
        "long",
        numbers=(hours,),
        fix=f"embed in parallel ({workers} workers to finish within a day), a smaller embedding "
        "model, or re-embed only the changed documents",
    )


@rule(
    "retrieval.ingestion_over_monthly_budget",
    phase="retrieval",
    severity="warn",
    title="The first embedding pass costs more than a month's budget",
)
def ingestion_over_monthly_budget(design: Design, ctx: ReviewContext) -> Iterator[Hit]:
    """The one-off ingestion (the bill's first embedding pass) exceeds a month's budget.

    A month's budget is the per-user ceiling × monthly active users.
    """
    line = ctx.figures.bill.line("ingestion_embeddings")
    if line is None:
        return
    c = design.constraints
    budget = c.cost_per_user_month_usd * c.monthly_active_users
    if line.one_off_usd <= budget:
        return
    month = Estimate(
        name="A month's budget",
        value=budget,
        unit="$",
        formula="cost per user a month × monthly active users",
        worked=f"${c.cost_per_user_month_usd:g} × {c.monthly_active_users:,} = {money(budget)}",
    )
    yield Hit(
        component="embedder",
        constraint="corpus_documents × avg_document_tokens",
        message=f"the first embedding pass of the corpus costs {money(line.one_off_usd)} once, "
        f"more than a month's budget of {money(budget)}",
        numbers=(line.estimate, month),
        fix="a cheaper (or self-hosted) embedding model, fewer overlapping tokens, or embed only "
        "the documents users search",
    )


RULES = (
    flat_index_large_corpus,
    ivf_pq_at_very_high_bar,
    index_outgrows_ram,
    search_over_ttft,
    reindex_over_a_day,
    ingestion_over_monthly_budget,
)
