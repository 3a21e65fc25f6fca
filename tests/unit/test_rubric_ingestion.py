"""The rubric's ingestion checks at the corpus size: a full re-index's time and its one-off cost."""

from __future__ import annotations

import pytest

from playbook import Design, update_design
from playbook.analysis import analyze
from playbook.catalog import load_catalog
from playbook.rubric import review_design
from playbook.rubric.base import review_context_of
from playbook.rubric.index import ingestion_time

CATALOG = load_catalog()


def _hours(design: Design) -> float:
    ctx = review_context_of(design, CATALOG, analyze(design, CATALOG))
    estimate = ingestion_time(design, ctx)
    assert estimate is not None
    return estimate.value


def test_a_self_hosted_embedder_reindexes_at_one_gpus_flops() -> None:
    # 100k documents of 1,000 tokens in 512-token chunks overlapping by 64: ceil(936 / 448) = 3
    # chunks a document, 100k × (1,000 + 2 × 64) = 112.8M tokens embedded. BGE-M3 (568M) on one
    # GPU at 50 TFLOP/s: 50e12 / (2 × 568e6) = 44,014 tokens/s; 112.8M / 44,014 / 3,600 = 0.712 h.
    assert _hours(Design()) == pytest.approx(0.712, abs=0.001)


def test_a_hosted_embedder_reindexes_at_its_rate_limit() -> None:
    design = update_design(Design(), "retrieval", embedding_model="openai-te3-small")

    # The same 112.8M tokens at 10M tokens a minute: 11.28 minutes = 0.188 h.
    assert _hours(design) == pytest.approx(0.188, abs=0.001)


def test_a_corpus_100x_bigger_takes_100x_longer_and_warns() -> None:
    design = update_design(Design(), "constraints", corpus_documents=10_000_000)

    review = review_design(design, CATALOG)

    # 100 × 0.712 h = 71.2 h, more than a day.
    assert _hours(design) == pytest.approx(71.2, abs=0.1)
    (finding,) = [f for f in review.findings if f.rule_id == "retrieval.reindex_over_a_day"]
    assert "71 h" in finding.message
    assert finding.severity == "warn"
    assert "3 workers" in finding.fix  # ceil(71.2 / 24) = 3


def test_the_first_pass_over_a_months_budget_warns_and_within_it_does_not() -> None:
    # 1M documents: 1,128M tokens / 44,014 tokens/s = 7.12 GPU-h; at the A10G's $1.003 an hour
    # that is ~$7.14 once. A month's budget: $5 × 1 user = $5 (over), $5 × 2 users = $10 (within).
    big = update_design(Design(), "constraints", corpus_documents=1_000_000)
    rule = "retrieval.ingestion_over_monthly_budget"

    over = review_design(update_design(big, "constraints", monthly_active_users=1), CATALOG)
    within = review_design(update_design(big, "constraints", monthly_active_users=2), CATALOG)

    (finding,) = [f for f in over.findings if f.rule_id == rule]
    assert "$7.14" in finding.message
    assert "budget of $5" in finding.message
    assert rule not in {f.rule_id for f in within.findings}
