"""The scorecard: per-phase entries from a hand-built session, the verdict, the differences."""

from __future__ import annotations

import pytest

from playbook import Design, Phase, update_design
from playbook.catalog import load_catalog
from playbook.clock import ClockReport, InterviewClock, enter_phase, report_clock, start_clock
from playbook.design import PHASES
from playbook.interview import (
    TOPICS,
    Hint,
    InterviewSession,
    Pick,
    Scorecard,
    Topic,
    add_followup,
    ask,
    build_scorecard,
    close_phase,
    design_differences,
    finish_session,
    get_prompt,
    give_followup,
    review_with_numbers,
    start_session,
    take_hint,
)
from playbook.interview.followups import SAYS
from playbook.interview.grading import after_followups, grade, reference_for

CATALOG = load_catalog()
PROMPT = get_prompt("contract-qa")
# The prompt's reference at the prompt's own numbers: what a strong candidate ends with.
REFERENCE = reference_for(PROMPT, CATALOG)
# Seconds spent in each phase, in order: constraints runs over its 5-minute box.
SPENT: dict[Phase, float] = {
    "constraints": 360, "technique": 200, "model": 300, "retrieval": 500, "serving": 400,
    "evaluation": 100,
}  # fmt: skip


def _timed_report() -> ClockReport:
    clock, now = start_clock(InterviewClock(), now=0), 0.0
    for phase, seconds in SPENT.items():
        clock = enter_phase(clock, phase, now=now)
        now += seconds
    return report_clock(clock, now=now)


def _card(session: InterviewSession, design: Design) -> Scorecard:
    done = finish_session(session, report=_timed_report(), now=1_700_002_700)
    review = review_with_numbers(design, CATALOG)[0]
    return build_scorecard(done, prompt=PROMPT, design=design, review=review, reference=REFERENCE)


def _asked(*topics: Topic) -> InterviewSession:
    session = start_session(PROMPT.id, session_id="feed1234", now=1_700_000_000)
    for topic in topics:
        session = ask(session, topic, phase="constraints", at_s=20)
    return session


def test_a_hand_built_session_gives_the_expected_entry_for_every_phase() -> None:
    session = ask(_asked("accuracy"), "scale", phase="model", at_s=700)
    session = take_hint(session, Hint(phase="retrieval", text="size the index", source="playbook"),
                        at_s=900)  # fmt: skip
    changed, on_prem = give_followup(
        REFERENCE, Pick(kind="on_prem", said=SAYS["on_prem"]), phase="model", at_s=860,
        catalog=CATALOG,
    )  # fmt: skip
    session = add_followup(close_phase(session, "model"), on_prem)
    # The candidate moves the hosted model and the embeddings on-prem: the follow-up is handled.
    final = update_design(changed, "model", kind="self_hosted", open_model="llama-3.1-70b")
    final = update_design(final, "serving", gpus_per_replica=2, precision="fp8")

    card = _card(session, final)

    # The rubric's review, graded against the ask as the follow-up left it (on-prem now).
    review = grade(
        final, after_followups(PROMPT, (on_prem,)), review_with_numbers(final, CATALOG)[0],
        visited=frozenset(PHASES), asked=("accuracy", "scale"),
    )  # fmt: skip
    rows = {
        e.phase: (e.used_s, e.box_s, e.over, e.questions, e.hint, e.followups, e.followups_handled)
        for e in card.phases
    }
    assert rows == {
        "constraints": (360, 300, True, 1, None, 0, 0),
        "technique": (200, 300, False, 0, None, 0, 0),
        "model": (300, 300, False, 1, None, 1, 1),
        "retrieval": (500, 600, False, 0, "size the index", 0, 0),
        "serving": (400, 600, False, 0, None, 0, 0),
        "evaluation": (100, 600, False, 0, None, 0, 0),
    }
    assert [(e.phase, e.score, e.next_level) for e in card.phases] == [
        (s.phase, s.score, s.next_level) for s in review.scores
    ]
    by_phase = sorted(review.findings, key=lambda f: PHASES.index(f.phase))
    assert [f for e in card.phases for f in e.findings] == by_phase
    assert card.total_used_s == sum(SPENT.values())
    assert card.topics_missed == ("latency", "cost")
    assert card.followups[0].status.handled
    # Latency and cost were never asked for: Phase 1 does not hold the ask's numbers.
    assert card.entry("constraints").score == 2
    assert "prompt.numbers_missing" in {f.rule_id for f in card.entry("constraints").findings}


@pytest.mark.parametrize(
    ("topics", "mean", "verdict", "reasons"),
    [
        (TOPICS, 4.0, "Strong", ()),
        # A number never asked for costs Phase 1 a level: (2 + 4 + 4 + 4 + 4) / 5 phases in play
        # (hosted: serving is not).
        (("accuracy", "latency", "cost"), 3.6, "Pass", ("did not ask for the scale",)),
        (("accuracy",), 3.6, "Borderline", ("asked for 1 of the 4 numbers",)),
    ],
)
def test_the_verdict_on_the_reference_design_depends_on_the_questions_asked(
    topics: tuple[Topic, ...], mean: float, verdict: str, reasons: tuple[str, ...]
) -> None:
    card = _card(_asked(*topics), REFERENCE)

    assert card.mean_score == mean
    assert (card.verdict, card.reasons) == (verdict, reasons)


def test_a_design_with_a_blocking_finding_is_not_yet_ready() -> None:
    design = update_design(REFERENCE, "constraints", on_prem=True)

    card = _card(_asked(*TOPICS), design)

    assert card.verdict == "Not yet"
    assert card.reasons == ("blocking findings remain",)
    assert card.rubric_verdict.startswith("Not ready")


def test_undoing_a_follow_up_makes_the_interview_borderline_at_best() -> None:
    _, followup = give_followup(
        REFERENCE, Pick(kind="traffic_10x", said=SAYS["traffic_10x"]), phase="serving", at_s=2000,
        catalog=CATALOG,
    )  # fmt: skip

    card = _card(add_followup(_asked(*TOPICS), followup), REFERENCE)

    assert not card.followups[0].status.kept
    assert card.verdict == "Borderline"
    assert "1 follow-up(s) not handled" in card.reasons


def test_an_unfinished_session_cannot_be_scored() -> None:
    review = review_with_numbers(REFERENCE, CATALOG)[0]

    with pytest.raises(ValueError, match="has not finished"):
        build_scorecard(_asked(), prompt=PROMPT, design=REFERENCE, review=review,
                        reference=REFERENCE)  # fmt: skip


def test_the_reference_does_not_differ_from_itself() -> None:
    assert design_differences(REFERENCE, REFERENCE) == ()


def test_differences_list_phase_2_to_6_decisions_without_numbers_asked_or_free_text() -> None:
    differences = design_differences(Design(), REFERENCE)

    paths = {d.path for d in differences}
    assert paths
    assert {path.split(".")[0] for path in paths} <= {
        "technique", "model", "retrieval", "serving", "evaluation",
    }  # fmt: skip
    assert not any(path.endswith((".notes", ".justification")) for path in paths)


def test_a_decision_one_design_does_not_use_shows_as_not_used() -> None:
    self_hosted = update_design(Design(), "model", kind="self_hosted", open_model="qwen2.5-7b")
    hosted_other_open_model = update_design(REFERENCE, "model", open_model="qwen2.5-7b")

    differences = {d.path: (d.left, d.right) for d in design_differences(self_hosted, REFERENCE)}
    neither = design_differences(hosted_other_open_model, REFERENCE)

    assert differences["model.kind"] == ("Self-hosted open model", "Hosted API")
    assert differences["model.hosted_model"] == ("not used", "claude-sonnet-5.5")
    assert differences["model.open_model"] == ("qwen2.5-7b", "not used")
    assert neither == ()  # both hosted: the open model is used by neither
