"""Interviewer follow-ups: which one the rules give for a design, applying it, handling it."""

from __future__ import annotations

from typing import Any

import pytest

from playbook import Design, Phase, update_design
from playbook.catalog import load_catalog
from playbook.design import PHASES
from playbook.interview import (
    FollowUpKind,
    Pick,
    apply_followup,
    candidates,
    choose_followup,
    followup_status,
    give_followup,
    review_with_numbers,
)
from playbook.interview.followups import SAYS, Ask
from playbook.scenarios import load_scenario

CATALOG = load_catalog()


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, phase, **changes)  # type: ignore[arg-type]
    return design


HOSTED = Design()
SELF_HOSTED = _design(model={"kind": "self_hosted"})
HOSTED_ON_PREM = _design(constraints={"on_prem": True})
NO_RAG = _design(technique={"rungs": ["prompt"]}, constraints={"knowledge_gap": False})
ROUTING_TO_HOSTED = _design(model={"kind": "routing", "large_model": "gpt-4o"})
ROUTING_OPEN = _design(model={"kind": "routing", "large_model": "llama-3.1-70b"})
SELF_HOSTED_NO_RAG = _design(
    model={"kind": "self_hosted"},
    technique={"rungs": ["prompt"]},
    constraints={"knowledge_gap": False},
)


# Deliberately changed (issue 14 item 4): the follow-up now targets the design's tightest margin
# (tests/unit/test_interview_margins.py); these fixed rules are what the interviewer falls back
# on when the analysis measures no margin, so the table now checks `candidates`, the fallback.
@pytest.mark.parametrize(
    ("design", "phase", "expected"),
    [
        (HOSTED, "model", "on_prem"),  # a hosted API: push the data on-prem
        (ROUTING_TO_HOSTED, "model", "on_prem"),  # routing's large model is a hosted API
        (SELF_HOSTED, "model", "latency_halves"),  # the team owns the latency: push it
        (ROUTING_OPEN, "model", "latency_halves"),
        (HOSTED_ON_PREM, "model", "traffic_10x"),  # already on-prem, and nothing self-hosted
        (HOSTED, "retrieval", "corpus_100m"),  # retrieval is in the design: grow the corpus
        (NO_RAG, "retrieval", "traffic_10x"),  # no corpus to grow
        (SELF_HOSTED, "serving", "traffic_10x"),
        (HOSTED, "serving", "traffic_10x"),
        (HOSTED, "constraints", None),  # too early: nothing to push on yet
        (HOSTED, "technique", None),
        (HOSTED, "evaluation", None),  # the interview is over
    ],
)
def test_the_fallback_rules_pick_the_follow_up_that_fits_the_design(
    design: Design, phase: Phase, expected: FollowUpKind | None
) -> None:
    allowed = candidates(design, phase=phase)

    assert (allowed[0] if allowed else None) == expected


@pytest.mark.parametrize("phase", ["constraints", "technique", "evaluation"])
def test_no_follow_up_comes_outside_model_retrieval_and_serving(phase: Phase) -> None:
    assert choose_followup(HOSTED, phase=phase) is None


def test_a_follow_up_already_given_is_not_given_again() -> None:
    assert candidates(SELF_HOSTED, phase="serving", used=("traffic_10x",)) == ("latency_halves",)
    assert candidates(SELF_HOSTED_NO_RAG, phase="retrieval", used=("traffic_10x",)) == ()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("traffic_10x", {"peak_qps": 100.0, "concurrent_users": 2_000}),
        ("latency_halves", {"ttft_ms": 400, "itl_ms": 25, "total_response_s": 5.0}),
        ("on_prem", {"on_prem": True}),
        ("corpus_100m", {"corpus_documents": 100_000_000}),
        # The default design reads max(1,500, 8 chunks × 512 + 32 question tokens) = 4,128
        # tokens (its RAG chunks are longer than Phase 1's prompt): twice that is 8,256.
        ("prompts_double", {"avg_prompt_tokens": 8_256}),
        ("output_doubles", {"avg_output_tokens": 600}),
        ("corpus_10x", {"corpus_documents": 1_000_000}),
        ("accuracy_bar_rises", {"accuracy_bar_pct": 95.0}),  # halfway from 90% to 100%
    ],
)
def test_applying_a_follow_up_changes_its_constraints_only(
    kind: FollowUpKind, expected: dict[str, Any]
) -> None:
    changed = apply_followup(Design(), kind)

    after = changed.constraints.model_dump()
    before = Design().constraints.model_dump()
    assert {field: after[field] for field in expected} == expected
    assert {f for f in after if after[f] != before[f]} == set(expected)
    assert changed.model.model_dump() == Design().model.model_dump()


def test_an_unknown_follow_up_lists_the_four() -> None:
    with pytest.raises(ValueError, match="traffic_10x, latency_halves, on_prem, corpus_100m"):
        apply_followup(Design(), "budget_cut")  # type: ignore[arg-type]


def _give(design: Design, kind: FollowUpKind, phase: Phase = "model") -> tuple[Design, Any]:
    return give_followup(
        design, Pick(kind=kind, said=SAYS[kind]), phase=phase, at_s=600, catalog=CATALOG
    )


def test_an_on_prem_follow_up_on_a_hosted_design_shows_what_now_blocks() -> None:
    changed, followup = _give(HOSTED, "on_prem")

    assert changed.constraints.on_prem
    assert [(c.field, c.before, c.after) for c in followup.changes] == [("on_prem", False, True)]
    assert [f.rule_id for f in followup.new_blocking] == ["model.hosted_on_prem"]
    assert (followup.after_phase, followup.at_s, followup.source) == ("model", 600, "rules")


def test_traffic_growing_10x_on_a_self_hosted_reference_breaks_serving_and_moves_numbers() -> None:
    _, followup = _give(load_scenario("code-assistant"), "traffic_10x", "serving")

    broken = {f.rule_id for f in followup.new_blocking}
    assert "serving.too_few_replicas" in broken
    assert all(f.phase == "serving" for f in followup.new_blocking)
    assert {"Replicas needed at peak", "Cost per request"} <= {
        n.label for n in followup.number_changes
    }


def test_a_follow_up_whose_blocking_findings_are_fixed_is_handled() -> None:
    changed, followup = _give(HOSTED, "on_prem")
    adapted = update_design(changed, "model", kind="self_hosted")

    status = followup_status(followup, adapted, review_with_numbers(adapted, CATALOG)[0])

    assert status.kept
    assert status.still_blocking == ()
    assert status.handled


def test_a_follow_up_left_as_it_broke_the_design_is_not_handled() -> None:
    changed, followup = _give(HOSTED, "on_prem")

    status = followup_status(followup, changed, review_with_numbers(changed, CATALOG)[0])

    assert [f.rule_id for f in status.still_blocking] == ["model.hosted_on_prem"]
    assert not status.handled


def test_undoing_the_interviewers_change_does_not_count_as_handling_it() -> None:
    changed, followup = _give(HOSTED, "on_prem")
    undone = update_design(changed, "constraints", on_prem=False)

    status = followup_status(followup, undone, review_with_numbers(undone, CATALOG)[0])

    assert status.still_blocking == ()
    assert not status.kept
    assert not status.handled


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [("peak_qps", 200.0, True), ("peak_qps", 50.0, False), ("concurrent_users", 2_000, True)],
)
def test_a_traffic_follow_up_holds_while_the_load_stays_at_least_as_high(
    field: str, value: float, kept: bool
) -> None:
    changed, followup = _give(HOSTED, "traffic_10x", "serving")
    later = update_design(changed, "constraints", **{field: value})

    status = followup_status(followup, later, review_with_numbers(later, CATALOG)[0])

    assert status.kept is kept


# Deliberately changed: the interviewer seam receives the rules' `Ask` (kind, margin, change)
# and only words it; before, it chose among several allowed kinds.
def test_the_interviewer_words_the_rules_follow_up_and_keeps_its_margin() -> None:
    seen: list[Ask] = []

    def interviewer(design: Design, phase: Phase, ask: Ask) -> Pick:
        seen.append(ask)
        return Pick(kind=ask.kind, said="Say the numbers, in my words.", source="llm")

    rules = choose_followup(HOSTED, phase="model")
    pick = choose_followup(HOSTED, phase="model", interviewer=interviewer)

    assert rules is not None
    assert pick is not None
    assert (pick.kind, pick.said, pick.source) == (
        rules.kind,
        "Say the numbers, in my words.",
        "llm",
    )
    assert pick.margin == rules.margin == seen[0].margin
    assert seen[0].said == rules.said


def test_the_rules_speak_when_the_interviewer_gives_nothing_or_another_kind() -> None:
    rules = choose_followup(HOSTED, phase="model")
    assert rules is not None
    other: FollowUpKind = "on_prem" if rules.kind != "on_prem" else "traffic_10x"

    for answer in (None, Pick(kind=other, said="Something else.", source="llm")):
        pick = choose_followup(HOSTED, phase="model", interviewer=lambda *_, a=answer: a)
        assert pick == rules
        assert pick.source == "rules"


def test_no_phase_outside_model_retrieval_serving_asks_the_interviewer() -> None:
    asked: list[Phase] = []

    def interviewer(design: Design, phase: Phase, ask: Ask) -> None:
        asked.append(phase)

    for phase in PHASES:
        choose_followup(HOSTED, phase=phase, interviewer=interviewer)

    assert asked == ["model", "retrieval", "serving"]
