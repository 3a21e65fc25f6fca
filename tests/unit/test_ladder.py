"""The technique ladder: the lowest rungs that meet the bar, with reasons; checks of a choice."""

from __future__ import annotations

from typing import Any

import pytest

from playbook.design import (
    LADDER,
    Constraints,
    Design,
    Rung,
    Technique,
)
from playbook.fields import field_meta
from playbook.ladder import (
    CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS,
    CORPUS_FIELD,
    CORPUS_SHOWN,
    VERY_HIGH_ACCURACY_PCT,
    check_technique,
    recommend_technique,
)

NO_GAP: dict[str, Any] = {"knowledge_gap": False, "style_gap": False}
BOTH_GAPS: dict[str, Any] = {"knowledge_gap": True, "style_gap": True}
HUGE_CORPUS: dict[str, Any] = {"corpus_documents": 2_000_000, "avg_document_tokens": 1_000}

BELOW_NAMES: dict[Rung, str] = {
    "prompt": "prompting",
    "few_shot": "few-shot",
    "rag": "rag",
    "lora": "lora",
}

CASES: list[tuple[dict[str, Any], tuple[Rung, ...]]] = [
    (NO_GAP, ("prompt",)),
    ({**NO_GAP, "accuracy_bar_pct": VERY_HIGH_ACCURACY_PCT - 0.1}, ("prompt",)),
    ({**NO_GAP, "accuracy_bar_pct": VERY_HIGH_ACCURACY_PCT}, ("few_shot",)),
    ({**NO_GAP, "accuracy_bar_pct": 99.0}, ("few_shot",)),
    ({"knowledge_gap": True, "style_gap": False}, ("rag",)),
    ({"knowledge_gap": True, "style_gap": False, "accuracy_bar_pct": 99.0}, ("rag",)),
    ({"knowledge_gap": False, "style_gap": True}, ("lora",)),
    (BOTH_GAPS, ("rag", "lora")),
    ({**BOTH_GAPS, **HUGE_CORPUS, "accuracy_bar_pct": 90.0}, ("rag", "lora")),
    (
        {**BOTH_GAPS, **HUGE_CORPUS, "accuracy_bar_pct": 99.0},
        ("rag", "lora", "continued_pretraining"),
    ),
    (
        {"style_gap": True, "knowledge_gap": False, **HUGE_CORPUS, "accuracy_bar_pct": 99.0},
        ("lora",),
    ),
]


def _design(constraints: Constraints, technique: Technique) -> Design:
    """Return a design with Phases 1 and 2 set and the other phases at their defaults."""
    return Design(constraints=constraints, technique=technique)


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_the_recommendation_is_the_lowest_rungs_that_close_the_gaps(
    given: dict[str, Any], expected: tuple[Rung, ...]
) -> None:
    recommendation = recommend_technique(Constraints(**given))

    assert recommendation.rungs == expected


def test_continued_pretraining_starts_at_exactly_the_corpus_threshold() -> None:
    constraints = Constraints(
        **BOTH_GAPS,
        accuracy_bar_pct=99.0,
        corpus_documents=CONTINUED_PRETRAINING_MIN_CORPUS_TOKENS // 1_000,
        avg_document_tokens=1_000,
    )
    one_document_fewer = constraints.model_copy(
        update={"corpus_documents": constraints.corpus_documents - 1}
    )

    at_threshold = recommend_technique(constraints).rungs
    below_threshold = recommend_technique(one_document_fewer).rungs

    assert "continued_pretraining" in at_threshold
    assert "continued_pretraining" not in below_threshold


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_every_recommended_rung_above_prompt_says_why_not_the_rung_below(
    given: dict[str, Any], expected: tuple[Rung, ...]
) -> None:
    recommendation = recommend_technique(Constraints(**given))

    assert set(recommendation.why_not_below) == set(expected) - {"prompt"}
    for rung, line in recommendation.why_not_below.items():
        below = LADDER[LADDER.index(rung) - 1]
        assert line.lower().startswith(f"why not {BELOW_NAMES[below]}"), rung


def test_rag_is_explained_by_what_few_shot_examples_cannot_do() -> None:
    recommendation = recommend_technique(Constraints(knowledge_gap=True))

    assert "cannot add facts the model never saw" in recommendation.why_not_below["rag"]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_every_reason_names_a_constraint_field_and_its_value(
    given: dict[str, Any], expected: tuple[Rung, ...]
) -> None:
    recommendation = recommend_technique(Constraints(**given))

    fields = set(Constraints.model_fields) | {CORPUS_FIELD}
    assert {reason.rung for reason in recommendation.reasons} >= set(expected)
    for reason in recommendation.reasons:
        assert reason.constraint in fields
        # The text names the field as the Constraints page labels it, not by its Python name.
        meta = field_meta(Constraints, reason.constraint)
        shown = f"“{meta.label}”" if meta else CORPUS_SHOWN
        assert reason.text.startswith(f"{shown} is {reason.value}")


def test_a_knowledge_gap_reason_reads_field_value_then_rung() -> None:
    recommendation = recommend_technique(Constraints(knowledge_gap=True))

    rag = next(reason for reason in recommendation.reasons if reason.rung == "rag")
    assert rag.constraint == "knowledge_gap"
    assert rag.text.startswith("“Knowledge gap” is on → RAG: the model lacks the documents' facts")


def test_staying_low_is_explained_by_the_tenfold_cost_of_each_rung() -> None:
    recommendation = recommend_technique(Constraints(**NO_GAP))

    kept_out = [reason for reason in recommendation.reasons if reason.rung is None]
    assert kept_out
    assert all("~10x" in reason.text for reason in kept_out)


def test_a_rung_above_the_recommendation_without_a_justification_is_flagged() -> None:
    design = _design(Constraints(**NO_GAP), Technique(rungs=("rag",), justification="  \n"))

    findings = check_technique(design)

    assert len(findings) == 1
    finding = findings[0]
    assert (finding.kind, finding.rung, finding.constraint) == (
        "unjustified_rung",
        "rag",
        "knowledge_gap",
    )
    assert finding.recommended == ("prompt",)
    assert "Prompting" in finding.message
    assert "“Knowledge gap” is off" in finding.message
    assert "“Why this rung and not the one below” is empty" in finding.message


def test_a_justified_rung_above_the_recommendation_is_not_flagged() -> None:
    design = _design(
        Constraints(**NO_GAP),
        Technique(rungs=("rag",), justification="the answers must cite the policy documents"),
    )

    findings = check_technique(design)

    assert findings == []


def test_a_fine_tune_without_a_style_gap_names_style_gap() -> None:
    design = _design(Constraints(knowledge_gap=True), Technique(rungs=("rag", "lora")))

    findings = check_technique(design)

    assert [(f.kind, f.rung, f.constraint) for f in findings] == [
        ("unjustified_rung", "lora", "style_gap")
    ]


def test_fine_tuning_for_a_knowledge_gap_without_rag_is_flagged() -> None:
    design = _design(
        Constraints(knowledge_gap=True, style_gap=True),
        Technique(rungs=("lora",), justification="we want the model to learn our manuals"),
    )

    findings = check_technique(design)

    assert [(f.kind, f.rung, f.constraint) for f in findings] == [
        ("fine_tune_for_knowledge", "rag", "knowledge_gap")
    ]
    assert "add RAG" in findings[0].message


def test_a_knowledge_gap_without_rag_is_a_missing_rung() -> None:
    design = _design(Constraints(knowledge_gap=True), Technique(rungs=("few_shot",)))

    findings = check_technique(design)

    assert [(f.kind, f.rung, f.constraint) for f in findings] == [
        ("missing_rung", "rag", "knowledge_gap")
    ]


def test_a_missing_few_shot_rung_is_covered_by_a_justified_higher_rung() -> None:
    design = _design(
        Constraints(**NO_GAP, accuracy_bar_pct=99.0),
        Technique(rungs=("rag",), justification="the answers must cite sources"),
    )

    findings = check_technique(design)

    assert findings == []


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_choosing_exactly_the_recommendation_raises_no_findings(
    given: dict[str, Any], expected: tuple[Rung, ...]
) -> None:
    design = _design(Constraints(**given), Technique(rungs=expected))

    findings = check_technique(design)

    assert findings == []
