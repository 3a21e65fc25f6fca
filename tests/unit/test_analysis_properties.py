"""Property: for any design, every figure the pages, the report and the CLI print is a number
in range or an explicit state — never inf, NaN, scientific notation or negative memory."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagrams import annotate, design_report
from playbook import Design, Phase, update_design
from playbook.analysis import DesignAnalysis, analyze
from playbook.analysis.summary import headline, lines
from playbook.catalog import ids, load_catalog
from playbook.design import catalog_for
from playbook.estimates.base import Estimate

CATALOG = load_catalog()
# A new choice of a retired hosted model is refused, so designs draw from the current ones.
HOSTED = [h.id for h in CATALOG.hosted_models if not h.retired(date.today())]
# inf/nan as words, a number printed in scientific notation (Python always signs the exponent:
# 1e+08, 7.99e-05; "÷ 1e6" in a formula is a constant, not a printed figure), negative memory.
# Markdown escaping may put a backslash before the exponent's sign ("1.2e\+03"): still caught.
NONSENSE = re.compile(r"\binf\b|\bnan\b|\d[eE]\\?[+-]\d|(?<![\w\\])-\d[\d,.]* ?(GiB|MiB|GB|TiB)")


@st.composite
def designs(draw: st.DrawFn) -> Design:
    """Draw a valid design from the whole range of every number the app lets a user pick."""
    chunk = draw(st.sampled_from([32, 128, 512, 2_048, 8_192]))
    kind = draw(st.sampled_from(["hosted", "self_hosted", "routing"]))
    changes: dict[str, dict[str, Any]] = {
        "constraints": {
            "ttft_ms": draw(st.integers(50, 60_000)),
            "itl_ms": draw(st.integers(5, 2_000)),
            "total_response_s": draw(st.floats(0.5, 600)),
            "peak_qps": draw(st.sampled_from([0.01, 0.5, 10.0, 150.0, 5_000.0, 100_000.0])),
            "monthly_active_users": draw(st.sampled_from([1, 20_000, 1_000_000_000])),
            "corpus_documents": draw(st.sampled_from([0, 1_000, 100_000, 10_000_000_000])),
            "avg_document_tokens": draw(st.sampled_from([1, 1_000, 10_000_000])),
            "avg_prompt_tokens": draw(st.sampled_from([1, 1_500, 32_000, 2_000_000])),
            "avg_output_tokens": draw(st.sampled_from([1, 300, 200_000])),
        },
        "technique": {
            "rungs": draw(
                st.lists(
                    st.sampled_from(["prompt", "few_shot", "rag", "lora", "continued_pretraining"]),
                    min_size=1,
                    unique=True,
                )
            )
        },
        "model": {
            "kind": kind,
            "hosted_model": draw(st.sampled_from(HOSTED)),
            "open_model": draw(st.sampled_from(ids(CATALOG.open_models))),
            "small_model": draw(st.sampled_from(ids(CATALOG.open_models))),
            "large_model": draw(st.sampled_from([*ids(CATALOG.open_models), *HOSTED])),
            "small_share_pct": draw(st.sampled_from([0, 70, 100])),
        },
        "retrieval": {
            "chunk_tokens": chunk,
            "chunk_overlap_tokens": draw(st.integers(0, min(chunk - 1, 4_096))),
            "embedding_model": draw(st.sampled_from(ids(CATALOG.embedding_models))),
            "index": draw(st.sampled_from(["flat", "ivf", "ivf_pq", "hnsw", "scann"])),
            "bm25_hybrid": draw(st.booleans()),
            "reranker": draw(st.booleans()),
            "top_k": draw(st.sampled_from([1, 50, 1_000])),
            "rerank_top_n": draw(st.sampled_from([1, 8, 200])),
        },
        "serving": {
            "gpu": draw(st.sampled_from(ids(CATALOG.gpus))),
            "gpus_per_replica": draw(st.sampled_from([1, 2, 8, 64])),
            "replicas": draw(st.sampled_from([1, 38, 1_000])),
            "precision": draw(st.sampled_from(["bf16", "fp8", "int4"])),
            "kv_cache_precision": draw(st.sampled_from(["bf16", "fp8"])),
            "max_context_tokens": draw(st.sampled_from([512, 8_192, 1_048_576])),
            "speculative_decoding": draw(st.booleans()),
            "prefix_caching": draw(st.booleans()),
        },
        "evaluation": {
            "llm_as_judge": draw(st.booleans()),
            "golden_set_size": draw(st.sampled_from([0, 200, 1_000_000])),
        },
    }
    design = Design()
    for phase, fields in changes.items():
        design = update_design(design, cast("Phase", phase), **fields)
    return design


def _estimates(found: DesignAnalysis) -> list[Estimate]:
    listed = [found.timeline.prompt_tokens, *found.bill.estimates]
    listed += [s.estimate for s in found.timeline.steps if s.estimate is not None]
    listed += list(found.capacity.estimates) if found.capacity else []
    if found.retrieval is not None:
        r = found.retrieval
        listed += [r.chunks, r.embedding_storage, r.embedding_cost, r.index_memory]
    return listed


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design=designs())
def test_every_printed_figure_is_finite_and_in_range_or_a_state(design: Design) -> None:
    catalog = catalog_for(design)
    found = analyze(design, catalog)

    data = headline(found)
    assert all(math.isfinite(n) and n >= 0 for n in _numbers(data)), data
    for estimate in _estimates(found):
        assert math.isfinite(estimate.value), estimate.name
        assert not NONSENSE.search(estimate.shown()), (estimate.name, estimate.shown())
    printed = [
        *lines(found),
        *(check.text for check in found.checks),
        *(line for node in annotate(design, catalog, found).numbers.values() for line in node),
        design_report(design, catalog, analysis=found),
    ]
    for text in printed:
        assert not NONSENSE.search(text), NONSENSE.search(text)
    if not found.timeline.state.ok:
        assert found.timeline.state.reason
        assert found.timeline.ttft_ms is None
