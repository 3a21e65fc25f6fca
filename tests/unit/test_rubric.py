"""The rubric's rules: each fires on a design built to trigger it and stays quiet on sound ones."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from playbook import Design, Phase, add_custom_entry, update_design
from playbook.catalog import load_catalog
from playbook.design import FailureMode
from playbook.fields import nested_model
from playbook.rubric import RULES, Finding, review_design
from playbook.rubric.base import Rule
from playbook.rubric.mitigations import ADDRESSES, choices_for

MITIGATED: dict[str, str] = {
    "hallucination": "citations_and_faithfulness_check",
    "prompt_injection": "input_output_guardrails",
    "retrieval_miss": "hybrid_search_and_reranker",
    "kv_cache_oom": "admission_control",
    "model_drift": "judge_monitoring_and_pinned_versions",
    "pii_leak": "pii_redaction",
}


def _sound_hosted() -> Design:
    """Return a hosted RAG design that meets every constraint it states."""
    design = Design(title="Sound hosted RAG")
    design = update_design(design, "constraints", total_response_s=20.0, concurrent_users=20_000)
    design = update_design(
        design, "retrieval", chunk_tokens=256, chunk_overlap_tokens=32, rerank_top_n=4
    )
    return update_design(design, "evaluation", mitigations=MITIGATED)


SOUND_HOSTED = _sound_hosted()
SOUND_SELF_HOSTED = update_design(SOUND_HOSTED, "model", kind="self_hosted")
SOUND = {"hosted": SOUND_HOSTED, "self_hosted": SOUND_SELF_HOSTED}

Change = Callable[[Design], Design]


def _set(phase: Phase, **changes: Any) -> Change:
    return lambda design: update_design(design, phase, **changes)


def _then(*steps: Change) -> Change:
    def apply(design: Design) -> Design:
        for step in steps:
            design = step(design)
        return design

    return apply


def _component(**entry: Any) -> Change:
    base = {"id": "cache", "name": "Answer cache", "kind": "cache", "phase": "serving"}
    return lambda design: add_custom_entry(design, "components", {**base, **entry})


BOTH_GAPS_HUGE = _set(
    "constraints",
    knowledge_gap=True,
    style_gap=True,
    corpus_documents=2_000_000,
    accuracy_bar_pct=99.0,
)
UNTRUSTED = _set("retrieval", untrusted_documents=True)

# (rule id, sound base, the change that should make it fire)
TRIGGERS: list[tuple[str, str, Change]] = [
    ("constraints.latency_budgets_disagree", "hosted", _set("constraints", total_response_s=10)),
    ("constraints.load_exceeds_users", "hosted", _set("constraints", concurrent_users=100)),
    ("constraints.unjustified_component", "hosted", _component(connects_to=["llm"])),
    ("technique.unjustified_rung", "hosted", _set("technique", rungs=["rag", "lora"])),
    ("technique.fine_tune_for_knowledge", "self_hosted", _set("technique", rungs=["lora"])),
    ("technique.knowledge_gap_without_rag", "hosted", _set("technique", rungs=["prompt"])),
    ("technique.style_gap_without_fine_tune", "hosted", _set("constraints", style_gap=True)),
    (
        "technique.prompt_only_at_very_high_bar",
        "hosted",
        _then(
            _set("constraints", knowledge_gap=False, accuracy_bar_pct=96.0),
            _set("technique", rungs=["prompt"]),
        ),
    ),
    (
        "technique.continued_pretraining_recommended",
        "self_hosted",
        _then(BOTH_GAPS_HUGE, _set("technique", rungs=["rag", "lora"])),
    ),
    (
        "technique.continued_pretraining_small_corpus",
        "self_hosted",
        _set("technique", rungs=["rag", "continued_pretraining"]),
    ),
    ("model.hosted_on_prem", "hosted", _set("constraints", on_prem=True)),
    (
        "model.hosted_on_prem",
        "self_hosted",
        _then(_set("constraints", on_prem=True), _set("model", kind="routing")),
    ),
    ("model.cost_per_request_over", "hosted", _set("constraints", cost_per_request_usd=0.001)),
    ("model.cost_per_user_over", "self_hosted", _set("constraints", cost_per_user_month_usd=0.01)),
    (
        "model.routing_share_extreme",
        "self_hosted",
        _set("model", kind="routing", small_share_pct=0),
    ),
    ("model.routing_costs_more", "self_hosted", _set("model", kind="routing", small_share_pct=2)),
    (
        "model.context_over_model_limit",
        "self_hosted",
        _then(_set("model", open_model="llama-2-7b"), _set("constraints", avg_prompt_tokens=5_000)),
    ),
    (
        "model.trains_hosted_model",
        "hosted",
        _then(_set("constraints", style_gap=True), _set("technique", rungs=["rag", "lora"])),
    ),
    ("retrieval.empty_corpus", "hosted", _set("constraints", corpus_documents=0)),
    (
        "retrieval.hosted_embeddings_on_prem",
        "self_hosted",
        _then(
            _set("constraints", on_prem=True), _set("retrieval", embedding_model="openai-te3-small")
        ),
    ),
    ("retrieval.no_reranker_high_bar", "hosted", _set("retrieval", reranker=False)),
    ("retrieval.no_hybrid_high_bar", "hosted", _set("retrieval", bm25_hybrid=False)),
    ("retrieval.recall_target_missing", "hosted", _set("retrieval", recall_at_k_target_pct=0)),
    ("retrieval.recall_target_below_bar", "hosted", _set("retrieval", recall_at_k_target_pct=80)),
    (
        "retrieval.chunk_over_embedding_limit",
        "hosted",
        _set("retrieval", embedding_model="gte-large", chunk_tokens=1_024),
    ),
    ("retrieval.overlap_over_half", "hosted", _set("retrieval", chunk_overlap_tokens=200)),
    ("retrieval.rerank_keeps_all", "hosted", _set("retrieval", top_k=4, rerank_top_n=4)),
    (
        "retrieval.context_over_prompt_budget",
        "hosted",
        _set("retrieval", chunk_tokens=512, rerank_top_n=8),
    ),
    (
        "retrieval.flat_index_large_corpus",
        "hosted",
        _then(_set("retrieval", index="flat"), _set("constraints", corpus_documents=2_000_000)),
    ),
    (
        "retrieval.ivf_pq_at_very_high_bar",
        "hosted",
        _then(_set("retrieval", index="ivf_pq"), _set("constraints", accuracy_bar_pct=96.0)),
    ),
    # 100 M documents of 1,000 tokens in 512-token chunks: an HNSW index of ~1.2k GiB.
    (
        "retrieval.index_outgrows_ram",
        "hosted",
        _set("constraints", corpus_documents=100_000_000),
    ),
    ("retrieval.search_over_ttft", "hosted", _set("constraints", ttft_ms=300)),
    # 10 M documents of ~1,100 embedded tokens on one GPU: 1.1e10 × 2 × 568M ÷ 50 TFLOP/s ≈ 71 h.
    (
        "retrieval.reindex_over_a_day",
        "hosted",
        _set("constraints", corpus_documents=10_000_000),
    ),
    # 1 M documents: ~7.1 GPU-h × ~$1/h ≈ $7 once, against $5 × 1 user = $5 a month.
    (
        "retrieval.ingestion_over_monthly_budget",
        "hosted",
        _set("constraints", corpus_documents=1_000_000, monthly_active_users=1),
    ),
    ("serving.does_not_fit", "self_hosted", _set("model", open_model="llama-3.1-70b")),
    ("serving.kv_cache_full_at_peak", "self_hosted", _set("constraints", peak_qps=20.0)),
    ("serving.ttft_over_budget", "self_hosted", _set("constraints", ttft_ms=50)),
    ("serving.itl_over_budget", "self_hosted", _set("constraints", itl_ms=10)),
    (
        "serving.total_response_over_budget",
        "self_hosted",
        _set("constraints", total_response_s=0.5),
    ),
    ("serving.too_few_replicas", "self_hosted", _set("constraints", itl_ms=12)),
    (
        "serving.context_over_serving_limit",
        "self_hosted",
        _set("serving", max_context_tokens=1_024),
    ),
    ("serving.no_continuous_batching", "self_hosted", _set("serving", continuous_batching=False)),
    ("serving.no_paged_attention", "self_hosted", _set("serving", paged_attention=False)),
    ("serving.speculative_off_itl_over", "self_hosted", _set("constraints", itl_ms=10)),
    ("serving.no_prefix_caching_long_prompt", "self_hosted", _set("serving", prefix_caching=False)),
    ("serving.overprovisioned", "self_hosted", _set("serving", replicas=4)),
    (
        "serving.low_bit_weights_at_very_high_bar",
        "self_hosted",
        _then(_set("serving", precision="int4"), _set("constraints", accuracy_bar_pct=96.0)),
    ),
    ("evaluation.no_golden_set", "hosted", _set("evaluation", golden_set_size=0)),
    ("evaluation.golden_set_too_small", "hosted", _set("evaluation", golden_set_size=50)),
    ("evaluation.no_offline_metric", "hosted", _set("evaluation", offline_metrics=[])),
    (
        "evaluation.no_recall_metric",
        "hosted",
        _set("evaluation", offline_metrics=["ragas_faithfulness"]),
    ),
    (
        "evaluation.no_faithfulness_metric",
        "hosted",
        _set("evaluation", offline_metrics=["recall_at_k"]),
    ),
    ("evaluation.no_online_metric", "hosted", _set("evaluation", online_metrics=[])),
    (
        "evaluation.no_judge_without_golden_set",
        "hosted",
        _set("evaluation", golden_set_size=0, llm_as_judge=False),
    ),
    ("evaluation.no_red_team_untrusted", "hosted", UNTRUSTED),
    (
        "evaluation.unmitigated_failure_mode",
        "hosted",
        _set("evaluation", mitigations={**MITIGATED, "hallucination": "none"}),
    ),
    (
        "evaluation.mitigation_mismatch",
        "hosted",
        _set("evaluation", mitigations={**MITIGATED, "model_drift": "pii_redaction"}),
    ),
    (
        "evaluation.untrusted_without_injection_guard",
        "hosted",
        _then(
            UNTRUSTED,
            _set(
                "evaluation",
                red_team_set=True,
                mitigations={**MITIGATED, "prompt_injection": "none"},
            ),
        ),
    ),
    ("evaluation.mitigation_not_built", "hosted", _set("retrieval", bm25_hybrid=False)),
    (
        "evaluation.mitigation_not_built",
        "hosted",
        _set("evaluation", llm_as_judge=False),
    ),
]
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
CATALOG = load_catalog()


def triggered(base: str, change: Change) -> Design:
    """Return the sound base design with the triggering change applied."""
    return change(SOUND[base])


def _fired(design: Design, rule_id: str) -> list[Finding]:
    return [f for f in review_design(design, CATALOG).findings if f.rule_id == rule_id]


@pytest.mark.parametrize("base", sorted(SOUND))
def test_the_sound_designs_have_no_findings(base: str) -> None:
    review = review_design(SOUND[base], CATALOG)

    assert review.findings == ()
    assert not review.blocking


@pytest.mark.parametrize(
    ("rule_id", "base", "change"), [pytest.param(*t, id=t[0]) for t in TRIGGERS]
)
def test_each_rule_fires_on_a_design_built_to_trigger_it(
    rule_id: str, base: str, change: Change
) -> None:
    design = triggered(base, change)

    found = _fired(design, rule_id)

    assert found, f"{rule_id} did not fire"
    assert {f.severity for f in found} == {RULE_BY_ID[rule_id].severity}
    assert all(f.message and f.fix for f in found)


def test_every_rule_has_a_triggering_design_in_the_table() -> None:
    in_table = {rule_id for rule_id, _, _ in TRIGGERS}

    assert in_table == set(RULE_BY_ID)


def test_the_rubric_has_at_least_25_rules_covering_every_phase() -> None:
    phases = {rule.phase for rule in RULES}

    assert len(RULES) >= 25
    assert len(RULE_BY_ID) == len(RULES)
    assert phases == {"constraints", "technique", "model", "retrieval", "serving", "evaluation"}


@pytest.mark.parametrize(
    ("rule_id", "base", "change"), [pytest.param(*t, id=t[0]) for t in TRIGGERS]
)
def test_every_finding_shows_only_finite_numbers_and_names_its_rule(
    rule_id: str, base: str, change: Change
) -> None:
    review = review_design(triggered(base, change), CATALOG)

    assert all(f.rule_id in RULE_BY_ID for f in review.findings)
    assert all(math.isfinite(n.value) for f in review.findings for n in f.numbers)
    assert all(n.formula for f in review.findings for n in f.numbers)


def test_an_unjustified_component_is_reported_in_its_own_phase() -> None:
    design = _component(phase="retrieval", connects_to=["retriever"])(SOUND_HOSTED)

    found = _fired(design, "constraints.unjustified_component")

    assert [(f.phase, f.component) for f in found] == [("retrieval", "cache")]


def test_a_component_with_a_justification_is_not_reported() -> None:
    design = _component(justification="peak_qps: repeated questions")(SOUND_HOSTED)

    assert _fired(design, "constraints.unjustified_component") == []


def test_each_unmitigated_failure_mode_is_its_own_finding() -> None:
    design = update_design(SOUND_SELF_HOSTED, "evaluation", mitigations={})

    found = _fired(design, "evaluation.unmitigated_failure_mode")

    assert len(found) == 6
    assert len({f.message for f in found}) == 6


@pytest.mark.parametrize(
    ("base", "technique", "quiet_mode"),
    [
        ("hosted", ["rag"], "KV-cache out of memory"),
        ("self_hosted", ["prompt"], "Retrieval miss"),
    ],
)
def test_a_failure_mode_that_cannot_occur_needs_no_mitigation(
    base: str, technique: list[str], quiet_mode: str
) -> None:
    design = update_design(
        update_design(SOUND[base], "technique", rungs=technique),
        "evaluation",
        mitigations={},
    )

    found = _fired(design, "evaluation.unmitigated_failure_mode")

    assert found
    assert not any(quiet_mode in f.message for f in found)


def test_a_justification_quiets_a_rung_above_the_recommendation() -> None:
    design = update_design(
        SOUND_SELF_HOSTED,
        "technique",
        rungs=["rag", "lora"],
        justification="style_gap: answers must follow the legal template",
    )

    assert _fired(design, "technique.unjustified_rung") == []


def test_retrieval_rules_stay_quiet_when_the_design_does_not_retrieve() -> None:
    no_rag = update_design(
        update_design(SOUND_HOSTED, "constraints", knowledge_gap=False),
        "technique",
        rungs=["prompt"],
    )
    broken_retrieval = update_design(
        no_rag, "retrieval", reranker=False, recall_at_k_target_pct=0, index="flat"
    )

    review = review_design(broken_retrieval, CATALOG)

    assert [f.rule_id for f in review.findings if f.phase == "retrieval"] == []


def test_the_reranker_threshold_is_the_named_accuracy_bar() -> None:
    from playbook.rubric.retrieval import RERANKER_ACCURACY_BAR_PCT

    no_reranker = update_design(SOUND_HOSTED, "retrieval", reranker=False, top_k=4)
    below = update_design(
        no_reranker, "constraints", accuracy_bar_pct=RERANKER_ACCURACY_BAR_PCT - 0.5
    )
    at = update_design(no_reranker, "constraints", accuracy_bar_pct=RERANKER_ACCURACY_BAR_PCT)

    assert _fired(below, "retrieval.no_reranker_high_bar") == []
    assert _fired(at, "retrieval.no_reranker_high_bar")


def test_a_blocking_cost_finding_shows_the_monthly_math() -> None:
    design = update_design(SOUND_HOSTED, "constraints", cost_per_request_usd=0.001)

    [finding] = _fired(design, "model.cost_per_request_over")

    assert "Cost per month" in {n.name for n in finding.numbers}
    assert finding.constraint == "cost_per_request_usd"
    assert finding.component == "llm"


def test_a_design_that_does_not_fit_lists_the_fixes() -> None:
    design = update_design(SOUND_SELF_HOSTED, "model", open_model="llama-3.1-70b")

    [finding] = _fired(design, "serving.does_not_fit")

    assert "GPUs per replica" in finding.fix
    assert _fired(design, "serving.ttft_over_budget") == []


@pytest.mark.parametrize("mode", list(ADDRESSES))
def test_the_mitigations_offered_for_a_failure_mode_are_the_ones_that_address_it(
    mode: FailureMode,
) -> None:
    offered = choices_for(mode, "none")

    assert offered == ("none", *ADDRESSES[mode])
    assert "citations_and_faithfulness_check" not in choices_for("kv_cache_oom", "none")


def test_a_saved_mismatched_mitigation_stays_on_offer_so_the_design_loads() -> None:
    offered = choices_for("pii_leak", "admission_control")

    assert offered[-1] == "admission_control"


def _python_field_names() -> set[str]:
    names: set[str] = set()
    for phase in Design.model_fields:
        part = nested_model(Design, phase)
        if part is not None:
            names |= {name for name in part.model_fields if "_" in name}
    return names


@pytest.mark.parametrize(
    ("rule_id", "base", "change"), [pytest.param(*t, id=t[0]) for t in TRIGGERS]
)
def test_every_finding_names_fields_by_their_labels_not_their_python_names(
    rule_id: str, base: str, change: Change
) -> None:
    # A fix said "ask for shorter answers (avg_output_tokens)"; the page calls it "Average output".
    names = _python_field_names()
    for finding in _fired(triggered(base, change), rule_id):
        words = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", f"{finding.message} {finding.fix}"))
        assert not words & names, f"{rule_id} names {sorted(words & names)}"
