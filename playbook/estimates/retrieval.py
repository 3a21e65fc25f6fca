"""Retrieval sizing: chunks, embedding storage and cost, ANN index memory, rough query latency.

Index memory follows FAISS's bytes-per-vector formulas (FAISS wiki "Faiss indexes", summary
table; "Guidelines to choose an index"); ScaNN follows its builder defaults (google-research
scann `docs/algorithms.md`, `scann_builder.py`). Latencies are rough operation counts divided by
a stated throughput: good for comparing options, not for promising an SLO.
"""

from __future__ import annotations

import math
from typing import Final, NamedTuple, get_args

from pydantic import BaseModel, ConfigDict

from playbook.catalog import Catalog, EmbeddingModel, find
from playbook.design import AnnIndex, Design
from playbook.estimates.base import GIB, Estimate
from playbook.format import plain

ANN_INDEXES: tuple[AnnIndex, ...] = get_args(AnnIndex)

FAISS_INDEXES: Final = "FAISS wiki, 'Faiss indexes' (summary table of bytes per vector)"
FAISS_GUIDELINES: Final = "FAISS wiki, 'Guidelines to choose an index'"
FAISS_TUTORIAL: Final = "FAISS wiki, 'Getting started' (IVF search with index.nprobe = 10)"
HNSW_PAPER: Final = "Malkov & Yashunin, HNSW, arXiv:1603.09320 (search cost ~ log N)"
SCANN_DOCS: Final = "google-research/scann docs/algorithms.md and scann_builder.py"
SCANN_PAPER: Final = "Guo et al., anisotropic vector quantization (ScaNN), arXiv:1908.10396"
RERANKER_CARD: Final = (
    "BAAI/bge-reranker-v2-m3 model card (568M parameters, XLM-RoBERTa-large); sanity check: "
    "cross-encoder/ms-marco-MiniLM-L-6-v2 card reports 1,800 pairs/s on a V100"
)

FLOAT32_BYTES: Final = 4  # raw embeddings are float32 (FAISS IndexFlat: 4·d bytes per vector)
FAISS_ID_BYTES: Final = 8  # IVF lists store a 64-bit id per vector (FAISS wiki "Faiss indexes")
IVF_LISTS_PER_SQRT_N: Final = 4  # nlist = 4·sqrt(N), low end of 4..16·sqrt(N) (FAISS guidelines)
IVF_NPROBE: Final = 10  # lists searched per query, as in the FAISS "Getting started" tutorial
PQ_DIMS_PER_SUBQUANTIZER: Final = 16  # our default: M = d/16 sub-quantizers ...
PQ_BITS: Final = 8  # ... of 8 bits each (IndexIVFPQ's usual nbits; 256 centroids each)
HNSW_M: Final = 32  # links per vector ("HNSW32"; FAISS guidelines allow 4..64)
HNSW_EF_SEARCH: Final = 64  # candidate list at query time (FAISS's default efSearch is 16)
SCANN_DIMS_PER_BLOCK: Final = 2  # ScaNN docs: "dimensions_per_block should be set to 2"
SCANN_CENTERS_PER_BLOCK: Final = 16  # score_ah's default hash_type "lut16": 4 bits per block
SCANN_ID_BYTES: Final = 4  # assumption: a 32-bit datapoint index per vector in its partition
SCANN_LEAVES_SEARCHED: Final = 0.05  # README example: num_leaves_to_search 100 of 2,000 leaves
SCANN_REORDER: Final = 100  # README example: .reorder(100) rescoring in float32
CPU_FLOPS: Final = 50e9  # assumption: one query on a few AVX2 cores, ~50 GFLOP/s effective
GPU_FLOPS: Final = 50e12  # assumption: ~40% of a 125-TFLOPS-class GPU (V100 fp16 peak)
QUERY_TOKENS: Final = 32  # assumption: a user question of about 32 tokens
RERANKER_PARAMS: Final = 568e6  # BAAI/bge-reranker-v2-m3
DEFAULT_EMBEDDING_PARAMS: Final = 568e6  # when the catalog omits params: a bge-m3-sized model


class RetrievalReport(BaseModel):
    """Every retrieval estimate for one design, plus each index type's memory and latency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    embedding_model: str
    index: AnnIndex
    chunks: Estimate
    embedding_storage: Estimate
    embedding_cost: Estimate
    index_memory: Estimate
    query_latency: Estimate
    rerank_latency: Estimate | None  # None when the design uses no reranker
    index_memory_by_index: dict[AnnIndex, Estimate]
    query_latency_by_index: dict[AnnIndex, Estimate]


def chunks_per_document(document_tokens: int, *, chunk_tokens: int, overlap_tokens: int) -> int:
    """Return ceil((document - overlap) / (chunk - overlap)), and at least 1."""
    if overlap_tokens >= chunk_tokens:
        raise ValueError(f"overlap ({overlap_tokens}) must be smaller than chunk ({chunk_tokens})")
    # Each chunk after the first starts `chunk - overlap` tokens after the previous one.
    stride = chunk_tokens - overlap_tokens
    return max(1, math.ceil((document_tokens - overlap_tokens) / stride))


def chunk_count(
    documents: int, document_tokens: int, *, chunk_tokens: int, overlap_tokens: int
) -> Estimate:
    """Return how many chunks a corpus of `documents` of `document_tokens` tokens splits into."""
    per_document = chunks_per_document(
        document_tokens, chunk_tokens=chunk_tokens, overlap_tokens=overlap_tokens
    )
    total = documents * per_document
    return Estimate(
        name="Chunks",
        value=total,
        unit="chunks",
        formula="documents × max(1, ceil((doc tokens - overlap) / (chunk - overlap)))",
        worked=f"{documents:,} × ceil(({document_tokens:,} - {overlap_tokens}) / "
        f"({chunk_tokens} - {overlap_tokens})) = {documents:,} × {per_document:,} = {total:,}",
        assumptions=("every document has the average length (fixed-size chunking)",),
    )


def tokens_embedded(
    documents: int, document_tokens: int, *, chunk_tokens: int, overlap_tokens: int
) -> int:
    """Return the tokens sent to the embedding model: each overlap is embedded twice."""
    per_document = chunks_per_document(
        document_tokens, chunk_tokens=chunk_tokens, overlap_tokens=overlap_tokens
    )
    return documents * (document_tokens + (per_document - 1) * overlap_tokens)


def embedding_storage(chunks: int, model: EmbeddingModel) -> Estimate:
    """Return the raw float32 vectors' size: chunks × dimensions × 4 bytes."""
    total = chunks * model.dimensions * FLOAT32_BYTES
    return Estimate(
        name="Embedding storage",
        value=total / GIB,
        unit="GiB",
        formula="chunks × dimensions × 4 B (float32)",
        worked=f"{chunks:,} × {model.dimensions:,} × 4 B = {plain(total / 1e9)} GB",
        sources=(model.source, FAISS_INDEXES),
    )


def embedding_cost(
    documents: int,
    document_tokens: int,
    model: EmbeddingModel,
    *,
    chunk_tokens: int,
    overlap_tokens: int,
) -> Estimate:
    """Return one full embedding pass: USD when hosted, GPU-hours when self-hosted."""
    tokens = tokens_embedded(
        documents, document_tokens, chunk_tokens=chunk_tokens, overlap_tokens=overlap_tokens
    )
    truncation = (
        (
            f"chunks of {chunk_tokens} tokens exceed {model.name}'s {model.max_tokens} limit and "
            "would be truncated",
        )
        if chunk_tokens > model.max_tokens
        else ()
    )
    assumptions = ("tokens = documents × (doc tokens + (chunks per doc - 1) × overlap)",)
    if model.usd_per_1m_tokens is not None:
        usd = tokens * model.usd_per_1m_tokens / 1e6
        return Estimate(
            name="Embedding cost (one pass)",
            value=usd,
            unit="USD",
            formula="tokens embedded × USD per 1M tokens / 1M",
            worked=f"{tokens:,} × ${model.usd_per_1m_tokens:g} / 1M = ${usd:,.2f}",
            assumptions=assumptions + truncation,
            sources=(model.source,),
        )
    return _self_hosted_embedding_cost(tokens, model, assumptions + truncation)


def _self_hosted_embedding_cost(
    tokens: int, model: EmbeddingModel, assumptions: tuple[str, ...]
) -> Estimate:
    params = model.params or DEFAULT_EMBEDDING_PARAMS
    # A forward pass costs ~2 FLOPs per parameter per token (Kaplan et al. 2020, eq. 2.2).
    hours = tokens * 2 * params / GPU_FLOPS / 3600
    guessed = () if model.params else (f"{model.name} lists no size: assumed {params / 1e6:g}M",)
    return Estimate(
        name="Embedding cost (one pass, self-hosted: GPU time)",
        value=hours,
        unit="GPU-h",
        formula="tokens embedded × 2 × parameters / effective GPU FLOP/s",
        worked=f"{tokens:,} × 2 × {params / 1e6:g}M / {GPU_FLOPS / 1e12:g} TFLOP/s "
        f"= {plain(hours)} GPU-h",
        assumptions=(
            *assumptions,
            *guessed,
            f"{GPU_FLOPS / 1e12:g} TFLOP/s effective (about 40% of a 125-TFLOPS-class GPU)",
        ),
        sources=(model.source, "Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2"),
    )


def ivf_lists(vectors: int) -> int:
    """Return nlist = 4·sqrt(N) (FAISS guidelines), at least 1 and at most N."""
    if vectors <= 0:
        return 0
    return max(1, min(vectors, round(IVF_LISTS_PER_SQRT_N * math.sqrt(vectors))))


def pq_subquantizers(dimensions: int) -> int:
    """Return M = d/16 sub-quantizers (rounded down, at least 1)."""
    return max(1, dimensions // PQ_DIMS_PER_SUBQUANTIZER)


class _Sized(NamedTuple):
    total: float  # bytes, or FLOP-like operations for latency
    formula: str
    worked: str
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]


def _flat_bytes(n: int, d: int) -> _Sized:
    total = n * d * FLOAT32_BYTES
    return _Sized(total, "N × d × 4 B", f"{n:,} × {d} × 4 B", (), (FAISS_INDEXES,))


def _ivf_bytes(n: int, d: int) -> _Sized:
    nlist = ivf_lists(n)
    total = n * (d * FLOAT32_BYTES + FAISS_ID_BYTES) + nlist * d * FLOAT32_BYTES
    return _Sized(
        total,
        "N × (d × 4 + 8) B + nlist × d × 4 B (centroids)",
        f"{n:,} × ({d} × 4 + 8) B + {nlist:,} × {d} × 4 B",
        (
            f"nlist = 4·sqrt(N) = {nlist:,}; FAISS suggests 4..16·sqrt(N) below 1M vectors and "
            "65,536+ lists above",
        ),
        (FAISS_INDEXES, FAISS_GUIDELINES),
    )


def _ivf_pq_bytes(n: int, d: int) -> _Sized:
    nlist, m = ivf_lists(n), pq_subquantizers(d)
    code = math.ceil(m * PQ_BITS / 8)
    codebooks = 2**PQ_BITS * d * FLOAT32_BYTES  # M × 2^nbits × (d/M) × 4 B
    total = n * (code + FAISS_ID_BYTES) + nlist * d * FLOAT32_BYTES + codebooks
    return _Sized(
        total,
        "N × (M × nbits / 8 + 8) B + nlist × d × 4 B + 2^nbits × d × 4 B (codebooks)",
        f"{n:,} × ({m} + 8) B + {nlist:,} × {d} × 4 B + {2**PQ_BITS} × {d} × 4 B",
        (
            f"M = d/{PQ_DIMS_PER_SUBQUANTIZER} = {m} sub-quantizers of {PQ_BITS} bits "
            "(FAISS needs d divisible by M)",
            f"nlist = 4·sqrt(N) = {nlist:,}",
        ),
        (FAISS_INDEXES, FAISS_GUIDELINES),
    )


def _hnsw_bytes(n: int, d: int) -> _Sized:
    total = n * (d * FLOAT32_BYTES + HNSW_M * 2 * 4)
    return _Sized(
        total,
        "N × (d × 4 + M × 2 × 4) B",
        f"{n:,} × ({d} × 4 + {HNSW_M} × 2 × 4) B",
        (f"M = {HNSW_M} links per vector (FAISS IndexHNSWFlat, 'HNSW{HNSW_M}')",),
        (FAISS_INDEXES, FAISS_GUIDELINES, HNSW_PAPER),
    )


def _scann_bytes(n: int, d: int) -> _Sized:
    leaves = max(1, round(math.sqrt(n))) if n else 0
    blocks = math.ceil(d / SCANN_DIMS_PER_BLOCK)
    code = blocks * math.log2(SCANN_CENTERS_PER_BLOCK) / 8  # 4 bits per 2-dim block = d/4 B
    codebooks = blocks * SCANN_CENTERS_PER_BLOCK * SCANN_DIMS_PER_BLOCK * FLOAT32_BYTES
    total = n * (code + d * FLOAT32_BYTES + SCANN_ID_BYTES) + leaves * d * 4 + codebooks
    return _Sized(
        total,
        "N × (d/4 (AH codes) + d × 4 (float32 reorder) + 4) B + leaves × d × 4 B + codebooks",
        f"{n:,} × ({code:g} + {d} × 4 + 4) B + {leaves:,} × {d} × 4 B + {codebooks:,} B",
        (
            "anisotropic hashing, 2 dims per block, 16 centres (lut16): 4 bits per block",
            "rescoring keeps float32 vectors (reorder without quantize; int8 would be d bytes)",
            f"num_leaves = sqrt(N) = {leaves:,} (ScaNN docs); 4-byte datapoint index assumed",
        ),
        (SCANN_DOCS, SCANN_PAPER),
    )


_MEMORY = {
    "flat": _flat_bytes,
    "ivf": _ivf_bytes,
    "ivf_pq": _ivf_pq_bytes,
    "hnsw": _hnsw_bytes,
    "scann": _scann_bytes,
}
_NAMES = {"flat": "Flat", "ivf": "IVF-flat", "ivf_pq": "IVF-PQ", "hnsw": "HNSW", "scann": "ScaNN"}


def index_memory(index: AnnIndex, *, vectors: int, dimensions: int) -> Estimate:
    """Return the memory an ANN index of `vectors` vectors of `dimensions` floats takes."""
    sized = _MEMORY[index](vectors, dimensions)
    return Estimate(
        name=f"{_NAMES[index]} index memory",
        value=sized.total / GIB,
        unit="GiB",
        formula=sized.formula,
        worked=f"{sized.worked} = {plain(sized.total / 1e9)} GB",
        assumptions=sized.assumptions,
        sources=sized.sources,
    )


def _flat_ops(n: int, d: int) -> _Sized:
    return _Sized(2 * n * d, "2 × N × d", f"2 × {n:,} × {d}", (), (FAISS_INDEXES,))


def _ivf_ops(n: int, d: int) -> _Sized:
    nlist = ivf_lists(n) or 1
    share = min(1.0, IVF_NPROBE / nlist)
    return _Sized(
        2 * nlist * d + share * 2 * n * d,
        "2 × nlist × d (coarse) + nprobe / nlist × 2 × N × d",
        f"2 × {nlist:,} × {d} + {IVF_NPROBE} / {nlist:,} × 2 × {n:,} × {d}",
        (f"nprobe = {IVF_NPROBE}, nlist = 4·sqrt(N) = {nlist:,}",),
        (FAISS_TUTORIAL, FAISS_GUIDELINES),
    )


def _ivf_pq_ops(n: int, d: int) -> _Sized:
    nlist, m = ivf_lists(n) or 1, pq_subquantizers(d)
    share = min(1.0, IVF_NPROBE / nlist)
    tables = 2 * 2**PQ_BITS * d  # distance tables: 2^nbits centroids × d per query
    return _Sized(
        2 * nlist * d + tables + share * n * m,
        "2 × nlist × d + 2 × 2^nbits × d (tables) + nprobe / nlist × N × M (lookups)",
        f"2 × {nlist:,} × {d} + 2 × {2**PQ_BITS} × {d} + {IVF_NPROBE} / {nlist:,} × {n:,} × {m}",
        (f"nprobe = {IVF_NPROBE}; one table lookup per sub-quantizer counted as one operation",),
        (FAISS_TUTORIAL, FAISS_INDEXES),
    )


def _hnsw_ops(n: int, d: int) -> _Sized:
    hops = math.log2(max(n, 2)) * HNSW_EF_SEARCH
    return _Sized(
        hops * 2 * d,
        "log2(N) × efSearch × 2 × d",
        f"log2({n:,}) × {HNSW_EF_SEARCH} × 2 × {d}",
        (f"efSearch = {HNSW_EF_SEARCH}; random memory access makes real HNSW slower than this",),
        (HNSW_PAPER,),
    )


def _scann_ops(n: int, d: int) -> _Sized:
    leaves = max(1, round(math.sqrt(n)))
    blocks = math.ceil(d / SCANN_DIMS_PER_BLOCK)
    return _Sized(
        2 * leaves * d + SCANN_LEAVES_SEARCHED * n * blocks + SCANN_REORDER * 2 * d,
        "2 × leaves × d + searched share × N × d/2 (lookups) + reorder × 2 × d",
        f"2 × {leaves:,} × {d} + {SCANN_LEAVES_SEARCHED:g} × {n:,} × {blocks} + "
        f"{SCANN_REORDER} × 2 × {d}",
        (f"{SCANN_LEAVES_SEARCHED:.0%} of sqrt(N) leaves searched, reorder {SCANN_REORDER}",),
        (SCANN_DOCS,),
    )


_LATENCY = {
    "flat": _flat_ops,
    "ivf": _ivf_ops,
    "ivf_pq": _ivf_pq_ops,
    "hnsw": _hnsw_ops,
    "scann": _scann_ops,
}


def query_latency(index: AnnIndex, *, vectors: int, dimensions: int) -> Estimate:
    """Return a rough single-query search time: operations / a stated CPU throughput."""
    sized = _LATENCY[index](vectors, dimensions)
    ms = sized.total / CPU_FLOPS * 1e3
    return Estimate(
        name=f"{_NAMES[index]} query latency (rough)",
        value=ms,
        unit="ms",
        formula=f"({sized.formula}) / CPU FLOP/s",
        worked=f"({sized.worked}) / {CPU_FLOPS / 1e9:g} GFLOP/s = {plain(ms)} ms",
        assumptions=(
            *sized.assumptions,
            f"{CPU_FLOPS / 1e9:g} GFLOP/s effective for one query on a few CPU cores",
            "rough: ignores memory latency, batching and filtering",
        ),
        sources=sized.sources,
    )


def rerank_latency(
    candidates: int,
    *,
    chunk_tokens: int,
    query_tokens: int = QUERY_TOKENS,
    params: float = RERANKER_PARAMS,
    flops_per_s: float = GPU_FLOPS,
) -> Estimate:
    """Return a rough cross-encoder time for `candidates` (query, chunk) pairs on one GPU."""
    # A forward pass costs ~2 FLOPs per parameter per token (Kaplan et al. 2020, eq. 2.2).
    flops = candidates * (query_tokens + chunk_tokens) * 2 * params
    ms = flops / flops_per_s * 1e3
    return Estimate(
        name="Reranker latency (rough)",
        value=ms,
        unit="ms",
        formula="k × (query + chunk tokens) × 2 × parameters / GPU FLOP/s",
        worked=f"{candidates:,} × ({query_tokens} + {chunk_tokens}) × 2 × {params / 1e6:g}M / "
        f"{flops_per_s / 1e12:g} TFLOP/s = {plain(ms)} ms",
        assumptions=(
            f"a {params / 1e6:g}M-parameter cross-encoder, queries of {query_tokens} tokens",
            f"{flops_per_s / 1e12:g} TFLOP/s effective (about 40% of a 125-TFLOPS-class GPU)",
            "rough: all pairs in one batch, no padding or tokenisation time",
        ),
        sources=(RERANKER_CARD, "Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2"),
    )


def retrieval_report(design: Design, catalog: Catalog) -> RetrievalReport:
    """Return every retrieval estimate for the design's corpus, chunking, model and index."""
    c, r = design.constraints, design.retrieval
    model = find(catalog.embedding_models, r.embedding_model, what="embedding model")
    sizes = {"chunk_tokens": r.chunk_tokens, "overlap_tokens": r.chunk_overlap_tokens}
    chunks = chunk_count(c.corpus_documents, c.avg_document_tokens, **sizes)
    n, d = int(chunks.value), model.dimensions
    memory = {i: index_memory(i, vectors=n, dimensions=d) for i in ANN_INDEXES}
    latency = {i: query_latency(i, vectors=n, dimensions=d) for i in ANN_INDEXES}
    return RetrievalReport(
        embedding_model=model.id,
        index=r.index,
        chunks=chunks,
        embedding_storage=embedding_storage(n, model),
        embedding_cost=embedding_cost(c.corpus_documents, c.avg_document_tokens, model, **sizes),
        index_memory=memory[r.index],
        query_latency=latency[r.index],
        rerank_latency=rerank_latency(r.top_k, chunk_tokens=r.chunk_tokens) if r.reranker else None,
        index_memory_by_index=memory,
        query_latency_by_index=latency,
    )
