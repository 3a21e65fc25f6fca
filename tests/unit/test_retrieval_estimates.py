"""Retrieval estimates: chunk counts, embedding storage and cost, index memory, rough latency."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from playbook.catalog import Catalog, EmbeddingModel, load_catalog
from playbook.design import (
    AnnIndex,
    Constraints,
    Design,
    Retrieval,
    Technique,
)
from playbook.estimates.base import GIB
from playbook.estimates.retrieval import (
    ANN_INDEXES,
    HNSW_M,
    chunk_count,
    chunks_per_document,
    embedding_cost,
    embedding_storage,
    index_memory,
    ivf_lists,
    query_latency,
    rerank_latency,
    retrieval_report,
    tokens_embedded,
)

SELF_HOSTED = EmbeddingModel(
    id="bge-m3",
    name="BGE-M3",
    source="test",
    as_of="2024-01",
    dimensions=1024,
    max_tokens=8192,
    params=568e6,
)
HOSTED = EmbeddingModel(
    id="hosted-embed",
    name="Hosted embed",
    source="test",
    as_of="2024-01",
    dimensions=1536,
    max_tokens=8191,
    usd_per_1m_tokens=0.02,
)
# The shipped catalog, with embedding models whose numbers the tests control.
CATALOG = load_catalog().model_copy(update={"embedding_models": (SELF_HOSTED, HOSTED)})

documents = st.integers(min_value=0, max_value=10_000_000)
document_tokens = st.integers(min_value=1, max_value=1_000_000)
overlaps = st.integers(min_value=0, max_value=512)
dimensions = st.integers(min_value=64, max_value=4096)
# Big enough to want an ANN index; below ~70k vectors of 4,096 dims IVF's 4·sqrt(N) centroids
# outweigh HNSW's links, which is a true property of the formulas, not a bug.
ann_sized = st.integers(min_value=100_000, max_value=2_000_000_000)


@pytest.fixture
def test_catalog(monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """Validate `Retrieval` against the test catalog rather than the shipped one."""
    monkeypatch.setattr("playbook.design.load_catalog", lambda: CATALOG)
    return CATALOG


def _design(retrieval: Retrieval, constraints: Constraints) -> Design:
    """Return a RAG design with these phases."""
    return Design(constraints=constraints, technique=Technique(rungs=("rag",)), retrieval=retrieval)


@pytest.mark.parametrize(
    ("document", "chunk", "overlap", "expected"),
    [
        (1_000, 512, 64, 3),  # chunks start at 0, 448, 896; the last holds tokens 896..1000
        (1_000, 200, 50, 7),  # starts 0, 150, 300, 450, 600, 750, 900
        (1_024, 256, 0, 4),  # exactly four chunks of 256, no overlap
        (1_025, 256, 0, 5),  # one token spills into a fifth chunk
        (300, 512, 64, 1),  # shorter than one chunk
        (512, 512, 64, 1),  # exactly one chunk
        (40, 512, 64, 1),  # shorter than the overlap still makes one chunk
    ],
)
def test_chunks_per_document_matches_hand_counted_examples(
    document: int, chunk: int, overlap: int, expected: int
) -> None:
    count = chunks_per_document(document, chunk_tokens=chunk, overlap_tokens=overlap)

    assert count == expected


def test_a_corpus_has_chunks_per_document_times_documents() -> None:
    per_document = math.ceil((1_000 - 64) / (512 - 64))

    estimate = chunk_count(100_000, 1_000, chunk_tokens=512, overlap_tokens=64)

    assert estimate.value == 100_000 * per_document
    assert estimate.unit == "chunks"
    assert "100,000 × 3" in estimate.worked


def test_an_empty_corpus_has_no_chunks() -> None:
    estimate = chunk_count(0, 1_000, chunk_tokens=512, overlap_tokens=64)

    assert estimate.value == 0


@pytest.mark.usefixtures("test_catalog")
def test_the_design_forbids_an_overlap_as_large_as_the_chunk() -> None:
    with pytest.raises(
        ValidationError,
        match=r"Chunk overlap \(tokens\): must be smaller than Chunk size \(tokens\)",
    ):
        Retrieval(chunk_tokens=256, chunk_overlap_tokens=256)


def test_the_chunk_formula_refuses_an_overlap_as_large_as_the_chunk() -> None:
    with pytest.raises(ValueError, match="must be smaller"):
        chunks_per_document(1_000, chunk_tokens=256, overlap_tokens=300)


@given(documents, document_tokens, st.integers(min_value=0, max_value=1_000))
def test_more_documents_never_make_fewer_chunks(docs: int, tokens: int, extra: int) -> None:
    sizes = {"chunk_tokens": 512, "overlap_tokens": 64}

    fewer = chunk_count(docs, tokens, **sizes).value
    more = chunk_count(docs + extra, tokens, **sizes).value

    assert more >= fewer


@given(
    documents,
    document_tokens,
    overlaps,
    st.integers(min_value=1, max_value=4_096),
    st.integers(min_value=0, max_value=4_096),
)
def test_larger_chunks_never_make_more_chunks(
    docs: int, tokens: int, overlap: int, above_overlap: int, growth: int
) -> None:
    chunk = overlap + above_overlap

    smaller = chunk_count(docs, tokens, chunk_tokens=chunk, overlap_tokens=overlap).value
    larger = chunk_count(docs, tokens, chunk_tokens=chunk + growth, overlap_tokens=overlap).value

    assert larger <= smaller


def test_overlapping_tokens_are_embedded_twice() -> None:
    chunk_lengths = [512, 512, 1_000 - 896]  # chunks start at 0, 448 and 896

    tokens = tokens_embedded(10, 1_000, chunk_tokens=512, overlap_tokens=64)

    assert tokens == 10 * sum(chunk_lengths)


def test_embedding_storage_is_float32_vectors() -> None:
    estimate = embedding_storage(300_000, SELF_HOSTED)

    assert estimate.value == 300_000 * 1024 * 4 / GIB
    assert estimate.unit == "GiB"


def test_hosted_embedding_cost_is_tokens_times_the_price() -> None:
    tokens = 100 * (1_000 + 2 * 64)  # three chunks per document, two overlaps each

    estimate = embedding_cost(100, 1_000, HOSTED, chunk_tokens=512, overlap_tokens=64)

    assert estimate.unit == "USD"
    assert estimate.value == pytest.approx(tokens * 0.02 / 1e6)


def test_self_hosted_embedding_cost_is_gpu_time_with_a_stated_throughput() -> None:
    estimate = embedding_cost(100_000, 1_000, SELF_HOSTED, chunk_tokens=512, overlap_tokens=64)

    assert estimate.unit == "GPU-h"
    assert estimate.value > 0
    assert any("TFLOP/s" in assumption for assumption in estimate.assumptions)


def test_chunks_longer_than_the_model_accepts_are_called_out() -> None:
    tiny = SELF_HOSTED.model_copy(update={"max_tokens": 256})

    estimate = embedding_cost(10, 1_000, tiny, chunk_tokens=512, overlap_tokens=64)

    assert any("truncated" in assumption for assumption in estimate.assumptions)


@given(st.integers(min_value=1, max_value=1_000_000), st.integers(min_value=2, max_value=50))
def test_embedding_cost_scales_linearly_with_documents(docs: int, factor: int) -> None:
    sizes = {"chunk_tokens": 512, "overlap_tokens": 64}

    one = embedding_cost(docs, 1_000, HOSTED, **sizes).value
    many = embedding_cost(docs * factor, 1_000, HOSTED, **sizes).value

    assert many == pytest.approx(one * factor)


def test_flat_and_hnsw_memory_follow_the_faiss_formulas() -> None:
    n, d = 1_000, 128

    flat = index_memory("flat", vectors=n, dimensions=d)
    hnsw = index_memory("hnsw", vectors=n, dimensions=d)

    assert flat.value * GIB == pytest.approx(n * d * 4)
    assert hnsw.value * GIB == pytest.approx(n * (d * 4 + HNSW_M * 2 * 4))


def test_ivf_uses_four_square_root_n_lists() -> None:
    n, d = 1_000_000, 768
    nlist = 4 * 1_000

    ivf = index_memory("ivf", vectors=n, dimensions=d)

    assert ivf_lists(n) == nlist
    assert ivf.value * GIB == pytest.approx(n * (d * 4 + 8) + nlist * d * 4)


@given(ann_sized, dimensions)
def test_index_memory_orders_ivf_pq_then_flat_then_ivf_then_hnsw(n: int, d: int) -> None:
    memory = {index: index_memory(index, vectors=n, dimensions=d).value for index in ANN_INDEXES}

    assert memory["ivf_pq"] < memory["flat"] <= memory["ivf"] <= memory["hnsw"]


@pytest.mark.parametrize("index", ANN_INDEXES)
def test_every_index_estimate_shows_its_math_and_sources(index: AnnIndex) -> None:
    memory = index_memory(index, vectors=500_000, dimensions=1024)
    latency = query_latency(index, vectors=500_000, dimensions=1024)

    for estimate in (memory, latency):
        assert estimate.formula
        assert estimate.worked
        assert estimate.sources
    assert "rough" in latency.name


def test_approximate_indexes_search_faster_than_flat_at_scale() -> None:
    flat = query_latency("flat", vectors=10_000_000, dimensions=1024).value

    others = [query_latency(i, vectors=10_000_000, dimensions=1024).value for i in ANN_INDEXES]

    assert max(others) == flat


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=32, max_value=8_192))
def test_reranker_latency_grows_with_the_number_of_candidates(k: int, chunk: int) -> None:
    fewer = rerank_latency(k, chunk_tokens=chunk).value

    more = rerank_latency(k + 1, chunk_tokens=chunk).value

    assert more > fewer


def test_the_report_holds_the_chosen_index_and_every_index_to_compare(
    test_catalog: Catalog,
) -> None:
    retrieval = Retrieval(index="ivf_pq", embedding_model="bge-m3", reranker=True)
    design = _design(retrieval, Constraints(corpus_documents=100_000, avg_document_tokens=1_000))

    report = retrieval_report(design, test_catalog)

    assert report.chunks.value == 100_000 * 3
    assert set(report.index_memory_by_index) == set(ANN_INDEXES)
    assert report.index_memory == report.index_memory_by_index["ivf_pq"]
    assert report.query_latency == report.query_latency_by_index["ivf_pq"]
    assert report.embedding_cost.unit == "GPU-h"
    assert report.rerank_latency is not None


def test_the_report_has_no_reranker_latency_without_a_reranker(test_catalog: Catalog) -> None:
    retrieval = Retrieval(embedding_model="hosted-embed", reranker=False)
    design = _design(retrieval, Constraints())

    report = retrieval_report(design, test_catalog)

    assert report.rerank_latency is None
    assert report.embedding_cost.unit == "USD"
