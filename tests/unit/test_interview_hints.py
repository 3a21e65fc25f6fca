"""Hints: drawn from the questions not asked, the ladder, the rubric's fixes, or the playbook."""

from __future__ import annotations

import pytest

from playbook import Design, Phase, update_design
from playbook.catalog import load_catalog
from playbook.interview import Hint, Topic, hint_for, review_with_numbers
from playbook.interview.hints import RULES_OF_THUMB
from playbook.scenarios import load_scenario

CATALOG = load_catalog()


def _hint(design: Design, phase: Phase, asked: tuple[Topic, ...] = ()) -> Hint:
    review = review_with_numbers(design, CATALOG)[0]
    return hint_for(phase, design=design, review=review, asked=asked)


def test_the_phase_1_hint_names_the_numbers_not_asked_for_yet() -> None:
    hint = _hint(Design(), "constraints", asked=("accuracy", "scale"))

    assert hint.source == "questions"
    assert "latency budget, cost ceiling" in hint.text
    assert "accuracy" not in hint.text


def test_the_phase_1_hint_falls_back_to_the_playbook_once_everything_is_asked() -> None:
    reference = load_scenario("document-qa")

    hint = _hint(reference, "constraints", asked=("accuracy", "latency", "cost", "scale"))

    assert (hint.source, hint.text) == ("playbook", RULES_OF_THUMB["constraints"])


def test_the_technique_hint_reports_the_ladders_problem_with_the_chosen_rungs() -> None:
    design = update_design(Design(), "technique", rungs=["prompt"])  # the knowledge gap is on

    hint = _hint(design, "technique")

    assert hint.source == "ladder"
    assert "RAG (retrieval) is recommended but not chosen" in hint.text


def test_the_technique_hint_explains_the_recommendation_when_the_rungs_are_right() -> None:
    hint = _hint(Design(), "technique")

    assert hint.source == "ladder"
    assert hint.text.startswith("The ladder recommends RAG (retrieval): “Knowledge gap” is on")
    assert "Why not few-shot" in hint.text


def test_a_later_phase_hint_is_the_rubrics_most_severe_finding_with_its_fix() -> None:
    design = update_design(Design(), "constraints", on_prem=True)

    hint = _hint(design, "model")

    assert hint.source == "rubric"
    assert "GPT-4o is a hosted API" in hint.text
    assert "Fix: self-host an open-weights model" in hint.text


@pytest.mark.parametrize("phase", ["model", "retrieval", "serving", "evaluation"])
def test_a_phase_without_findings_gets_the_playbooks_rule_of_thumb(phase: Phase) -> None:
    hint = _hint(load_scenario("code-assistant"), phase)

    assert (hint.phase, hint.source, hint.text) == (phase, "playbook", RULES_OF_THUMB[phase])
