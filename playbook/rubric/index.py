"""Rules of Phase 4 about the ANN index and the time the retrieval path takes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final

from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.labels import INDEXES
from playbook.ladder import VERY_HIGH_ACCURACY_PCT
from playbook.rubric.base import Hit, ReviewContext, numbers, rule

# FAISS "Guidelines to choose an index": exact (flat) search suits corpora below ~1M vectors.
FLAT_INDEX_MAX_CHUNKS: Final = 1_000_000
# An in-memory index lives in one node's RAM unless it is sharded: a large memory-optimised
# cloud node has 512 GiB (AWS EC2 r7i.16xlarge, 64 vCPU / 512 GiB; AWS instance-type page,
# as of 2026-12).
INDEX_NODE_RAM_GIB: Final = 512.0


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
        fix="fewer reranker candidates (top_k), a smaller reranker on a GPU, or an approximate "
        "index",
    )


RULES = (flat_index_large_corpus, ivf_pq_at_very_high_bar, index_outgrows_ram, search_over_ttft)
