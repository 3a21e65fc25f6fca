"""Grades that rank: over every prompt, the reference scores high, a blank design low, and each
planted flaw costs points in the phase it belongs to, with a finding that names it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from playbook import Design
from playbook.catalog import load_catalog
from playbook.codec import design_from_data
from playbook.design import PHASES, Phase
from playbook.interview.grading import (
    blank_design,
    counted_phases,
    grade,
    overall_score,
    reference_for,
)
from playbook.interview.prompts import TOPICS, Prompt, load_prompts
from playbook.rubric import Review, review_design
from playbook.rubric.retrieval import RERANKER_ACCURACY_BAR_PCT

CATALOG = load_catalog()
PROMPTS = load_prompts()
EVERY_PHASE = frozenset(PHASES)


def _graded(design: Design, prompt: Prompt) -> Review:
    # The candidate asked all four questions and spent time on every phase.
    review = review_design(design, CATALOG)
    return grade(design, prompt, review, visited=EVERY_PHASE, asked=TOPICS)


def _score(review: Review, phase: Phase) -> int:
    return next(s.score for s in review.scores if s.phase == phase)


def _changed(design: Design, **paths: object) -> Design:
    data = design.model_dump(mode="json")
    for path, value in paths.items():
        phase, field = path.split("__")
        data[phase][field] = value
    return design_from_data(data)


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_the_reference_design_scores_at_least_three_and_a_half(prompt: Prompt) -> None:
    reference = reference_for(prompt, CATALOG)

    review = _graded(reference, prompt)

    assert overall_score(review, reference, prompt) >= 3.5, [
        (f.rule_id, f.message) for f in review.findings if f.severity != "info"
    ]


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_an_untouched_blank_design_scores_at_most_one_and_a_half(prompt: Prompt) -> None:
    blank = blank_design(prompt)

    review = grade(blank, prompt, review_design(blank, CATALOG), visited=frozenset(), asked=())

    assert overall_score(review, blank, prompt) <= 1.5


@dataclass(frozen=True)
class Flaw:
    """A planted flaw: its phase, the prompts it applies to, and the rule that names it."""

    phase: Phase
    applies: Callable[[Prompt], bool]
    plant: Callable[[Design], Design]
    named_by: str  # a substring of the rule id that must name it in the phase's findings


def _high_bar(prompt: Prompt) -> bool:
    bar = prompt.targets()["accuracy_bar_pct"]
    return bool(prompt.expects.reranker) or bar >= RERANKER_ACCURACY_BAR_PCT


FLAWS: dict[str, Flaw] = {
    # A ladder without what the ask needs: prompting alone.
    "wrong rung": Flaw(
        "technique", lambda p: True, lambda d: _changed(d, technique__rungs=["prompt"]), "rung"
    ),
    # 405B parameters in BF16 on one 24 GB GPU.
    "model that does not fit": Flaw(
        "serving",
        lambda p: True,
        lambda d: _changed(
            _changed(d, model__kind="self_hosted", model__open_model="llama-3.1-405b"),
            serving__gpu="l4",
            serving__gpus_per_replica=1,
            serving__precision="bf16",
        ),
        "does_not_fit",
    ),
    "missing reranker at a high bar": Flaw(
        "retrieval",
        lambda p: p.expects.needs_rag and _high_bar(p),
        lambda d: _changed(d, retrieval__reranker=False),
        "reranker",
    ),
    "no red-team set with untrusted documents": Flaw(
        "evaluation",
        lambda p: p.expects.needs_rag,
        lambda d: _changed(
            _changed(d, retrieval__untrusted_documents=True), evaluation__red_team_set=False
        ),
        "red_team",
    ),
    # The corpus grows to 100 M documents and the index stays HNSW in RAM.
    "index that outgrows RAM": Flaw(
        "retrieval",
        lambda p: p.expects.needs_rag,
        lambda d: _changed(
            _changed(d, constraints__corpus_documents=100_000_000), retrieval__index="hnsw"
        ),
        "index_outgrows_ram",
    ),
}
CASES = [
    pytest.param(prompt, name, id=f"{prompt.id}: {name}")
    for prompt in PROMPTS
    for name, flaw in FLAWS.items()
    if flaw.applies(prompt)
]


@pytest.mark.parametrize(("prompt", "flaw_name"), CASES)
def test_a_planted_flaw_costs_points_in_its_phase_and_is_named(
    prompt: Prompt, flaw_name: str
) -> None:
    flaw = FLAWS[flaw_name]
    reference = reference_for(prompt, CATALOG)
    flawed = flaw.plant(reference)

    before, after = _graded(reference, prompt), _graded(flawed, prompt)

    assert _score(after, flaw.phase) < _score(before, flaw.phase)
    named = [f.rule_id for f in after.findings if f.phase == flaw.phase]
    assert any(flaw.named_by in rule_id for rule_id in named), named


def test_every_flaw_is_planted_in_at_least_three_prompts() -> None:
    counts = {name: sum(1 for _, n in (c.values for c in CASES) if n == name) for name in FLAWS}

    assert min(counts.values()) >= 3, counts


def test_meeting_minutes_needs_a_lora_not_retrieval() -> None:
    # The case: the old default design (RAG, knowledge gap) scored 4/4 here.
    prompt = next(p for p in PROMPTS if p.id == "meeting-minutes")
    rag_answer = _changed(
        _changed(reference_for(prompt, CATALOG), technique__rungs=["rag"]),
        constraints__knowledge_gap=True,
    )

    review = _graded(rag_answer, prompt)

    rules = {f.rule_id for f in review.findings if f.phase in ("constraints", "technique")}
    assert {"prompt.rung_missing", "prompt.rung_overkill", "prompt.gap_misread"} <= rules
    assert _score(review, "technique") == 1


def test_phases_neither_the_design_nor_the_ask_needs_are_left_out_of_the_mean() -> None:
    prompt = next(p for p in PROMPTS if p.id == "sales-call-notes")  # hosted, no retrieval
    reference = reference_for(prompt, CATALOG)

    counted = counted_phases(_changed(reference, model__kind="hosted"), prompt)

    assert counted == ("constraints", "technique", "model", "evaluation")


def test_a_number_never_asked_for_is_missing_even_when_the_design_holds_it() -> None:
    prompt = next(p for p in PROMPTS if p.id == "telco-support")  # its bar is the default 90 %
    reference = reference_for(prompt, CATALOG)

    asked_all = grade(reference, prompt, review_design(reference, CATALOG), asked=TOPICS)
    asked_none = grade(reference, prompt, review_design(reference, CATALOG), asked=())

    assert _score(asked_all, "constraints") == 4
    assert _score(asked_none, "constraints") == 1
