"""The review around the rules: scores and verdict follow the findings; the review is stable."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook import PHASES, Design, update_design
from playbook.catalog import load_catalog
from playbook.rubric import (
    RULES,
    Finding,
    Review,
    Severity,
    build_review,
    review_design,
    score_phase,
    verdict_of,
)
from tests.unit.test_rubric import SOUND, TRIGGERS, triggered

CATALOG = load_catalog()
WORST_TO_SCORE = {"block": 1, "warn": 2, "info": 3}


def _finding(
    severity: Severity, phase: Any = "model", rule_id: str = "model.cost_per_user_over"
) -> Finding:
    return Finding(
        rule_id=rule_id, severity=severity, phase=phase, message="something", fix="change it"
    )


@pytest.mark.parametrize(
    ("severities", "score"),
    [
        ((), 4),
        (("info",), 3),
        (("info", "info"), 3),
        (("info", "warn"), 2),
        (("warn", "block", "info"), 1),
        (("block",), 1),
    ],
)
def test_a_phase_scores_by_its_worst_finding(severities: tuple[Severity, ...], score: int) -> None:
    findings = [_finding(severity) for severity in severities]

    scored = score_phase("model", findings)

    assert scored.score == score
    assert (scored.next_level == "") == (score == 4)


def test_a_phase_ignores_the_findings_of_other_phases() -> None:
    findings = [_finding("block", phase="serving", rule_id="serving.does_not_fit")]

    assert score_phase("model", findings).score == 4


def test_next_level_names_the_rules_at_the_worst_severity_only() -> None:
    findings = [
        _finding("warn", rule_id="model.routing_share_extreme"),
        _finding("block", rule_id="model.hosted_on_prem"),
    ]

    scored = score_phase("model", findings)

    assert scored.next_level.startswith("Level 2 needs you to resolve the blocking findings")
    assert "on-prem" in scored.next_level
    assert "router" not in scored.next_level


@pytest.mark.parametrize(
    ("severities", "start"),
    [
        ((), "Ready: no findings"),
        (("info",), "Ready: nothing blocks or warns; 1 note"),
        (("info", "warn"), "Ready with caveats: 1 warning (model.cost_per_user_over)"),
        (("warn", "block"), "Not ready: 1 blocking finding (model.cost_per_user_over); 1 warning"),
    ],
)
def test_the_verdict_follows_the_most_severe_findings(
    severities: tuple[Severity, ...], start: str
) -> None:
    verdict = verdict_of([_finding(severity) for severity in severities])

    assert verdict.startswith(start)
    assert "\n" not in verdict


def test_findings_are_sorted_blocking_first_then_by_phase() -> None:
    findings = [
        _finding("info", phase="constraints", rule_id="constraints.load_exceeds_users"),
        _finding("block", phase="serving", rule_id="serving.does_not_fit"),
        _finding("warn", phase="technique", rule_id="technique.unjustified_rung"),
        _finding("block", phase="model", rule_id="model.hosted_on_prem"),
    ]

    review = build_review(findings)

    assert [f.rule_id for f in review.findings] == [
        "model.hosted_on_prem",
        "serving.does_not_fit",
        "technique.unjustified_rung",
        "constraints.load_exceeds_users",
    ]


def test_an_llm_finding_merges_into_a_review_like_a_rubric_finding() -> None:
    llm = Finding(
        rule_id="llm.unclear_ownership",
        severity="warn",
        phase="evaluation",
        message="nobody owns the golden set",
        fix="name an owner",
        source="llm",
    )

    review = build_review([llm])

    assert review.findings == (llm,)
    assert review.scores[PHASES.index("evaluation")].score == 2
    assert "llm.unclear_ownership" in review.scores[PHASES.index("evaluation")].next_level


CASES = [pytest.param(base, change, id=rule_id) for rule_id, base, change in TRIGGERS]


@pytest.mark.parametrize(("base", "change"), CASES)
def test_scores_and_verdict_follow_the_findings_of_a_review(base: str, change: Any) -> None:
    review = review_design(triggered(base, change), CATALOG)

    for score in review.scores:
        severities = {f.severity for f in review.findings if f.phase == score.phase}
        worst = next((s for s in ("block", "warn", "info") if s in severities), None)
        assert score.score == WORST_TO_SCORE.get(worst or "", 4)
    assert [s.phase for s in review.scores] == list(PHASES)
    assert review.blocking == any(f.severity == "block" for f in review.findings)
    assert review.verdict.startswith("Not ready") == review.blocking


@pytest.mark.parametrize(("base", "change"), CASES)
def test_the_same_design_gets_the_same_review_which_survives_json(base: str, change: Any) -> None:
    design = triggered(base, change)

    first, second = review_design(design, CATALOG), review_design(design.model_copy(), CATALOG)

    assert first == second
    assert Review.model_validate_json(first.model_dump_json()) == first


def test_a_custom_model_is_reviewed_without_passing_a_catalog_that_lists_it() -> None:
    from playbook import add_custom_entry

    own = {
        **load_catalog().open_models[0].model_dump(mode="json"),
        "id": "our-8b",
        "name": "Our 8B",
    }
    design = update_design(
        add_custom_entry(SOUND["self_hosted"], "custom_models", own), "model", open_model="our-8b"
    )

    review = review_design(design, CATALOG)

    assert review.findings == ()


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["hosted", "self_hosted", "routing"]),
    bar=st.floats(min_value=50, max_value=100),
    ttft=st.integers(min_value=50, max_value=5_000),
    itl=st.integers(min_value=5, max_value=200),
    qps=st.floats(min_value=0.01, max_value=50),
    rungs=st.lists(st.sampled_from(["prompt", "few_shot", "rag", "lora"]), min_size=1),
    golden=st.integers(min_value=0, max_value=5_000),
)
def test_any_design_gets_a_consistent_review(
    kind: str, bar: float, ttft: int, itl: int, qps: float, rungs: list[str], golden: int
) -> None:
    design: Design = SOUND["self_hosted"]
    design = update_design(design, "model", kind=kind)
    design = update_design(design, "constraints", accuracy_bar_pct=bar, ttft_ms=ttft, itl_ms=itl)
    design = update_design(design, "constraints", peak_qps=qps)
    design = update_design(design, "technique", rungs=rungs)
    design = update_design(design, "evaluation", golden_set_size=golden)

    review = review_design(design, CATALOG)

    known = {rule.id: rule for rule in RULES}
    assert all(f.severity == known[f.rule_id].severity for f in review.findings)
    assert review == review_design(design, CATALOG)
    assert review.blocking == any(s.score == 1 for s in review.scores)
