"""The interview session: questions revealed and recorded, hints, phase choices, finishing."""

from __future__ import annotations

import pytest

from playbook import Design, Phase
from playbook.clock import InterviewClock, enter_phase, report_clock, start_clock
from playbook.interview import (
    Hint,
    InterviewSession,
    apply_answer,
    ask,
    asked_topics,
    choose,
    close_phase,
    finish_session,
    get_prompt,
    hint_in,
    mark_applied,
    open_phases_before,
    question_on,
    reveal,
    start_session,
    stayed,
    take_hint,
)

PROMPT = get_prompt("contract-qa")


def _session() -> InterviewSession:
    return start_session(PROMPT.id, session_id="abc12345", now=1_700_000_000.0)


def test_asking_reveals_the_prompts_hidden_answer_for_that_topic() -> None:
    answer = reveal(PROMPT, "latency")

    assert answer.values == {"ttft_ms": 2000, "itl_ms": 50, "total_response_s": 30}
    assert "two seconds" in answer.says


def test_setting_an_answer_into_phase_1_changes_only_that_topics_fields() -> None:
    design = apply_answer(Design(), reveal(PROMPT, "cost"))

    changed = {
        field
        for field, value in design.constraints.model_dump().items()
        if value != Design().constraints.model_dump()[field]
    }
    assert changed == {"cost_per_request_usd", "cost_per_user_month_usd"}
    assert design.constraints.cost_per_request_usd == 0.1


def test_a_question_is_recorded_with_its_phase_and_interview_time() -> None:
    session = ask(_session(), "scale", phase="model", at_s=312.5)

    question = question_on(session, "scale")
    assert question is not None
    assert (question.topic, question.phase, question.at_s, question.applied) == (
        "scale", "model", 312.5, False,
    )  # fmt: skip


def test_asking_the_same_topic_twice_keeps_the_first_question() -> None:
    once = ask(_session(), "cost", phase="constraints", at_s=10)

    twice = ask(once, "cost", phase="serving", at_s=900)

    assert twice.questions == once.questions


def test_asked_topics_come_back_in_the_order_of_the_four_numbers() -> None:
    session = ask(ask(_session(), "scale", phase="constraints", at_s=1), "accuracy",
                  phase="constraints", at_s=2)  # fmt: skip

    assert asked_topics(session) == ("accuracy", "scale")


def test_an_unknown_topic_lists_the_four() -> None:
    with pytest.raises(ValueError, match="accuracy, latency, cost, scale"):
        ask(_session(), "budget", phase="constraints", at_s=0)  # type: ignore[arg-type]


def test_setting_numbers_is_recorded_on_the_question_and_needs_the_question_first() -> None:
    asked = ask(_session(), "accuracy", phase="constraints", at_s=5)

    applied = mark_applied(asked, "accuracy")

    assert applied.questions[0].applied
    with pytest.raises(ValueError, match="not asked yet"):
        mark_applied(asked, "latency")


def test_one_hint_per_phase_is_recorded_and_a_second_is_refused() -> None:
    hint = Hint(phase="model", text="compare costs", source="playbook")

    session = take_hint(_session(), hint, at_s=400)

    taken = hint_in(session, "model")
    assert taken is not None
    assert (taken.hint, taken.at_s) == (hint, 400)
    assert hint_in(session, "serving") is None
    with pytest.raises(ValueError, match="one per phase"):
        take_hint(session, hint, at_s=401)


def test_staying_on_an_overrun_phase_is_recorded_for_that_phase_only() -> None:
    session = choose(_session(), "retrieval", "stay", at_s=1500, over_s=45)

    assert stayed(session, "retrieval")
    assert not stayed(session, "serving")
    assert session.choices[0].over_s == 45


@pytest.mark.parametrize(
    ("closed", "current", "expected"),
    [
        ((), "constraints", ()),
        ((), "model", ("constraints", "technique")),
        (("constraints",), "retrieval", ("technique", "model")),
        (("constraints", "technique", "model"), "model", ()),
    ],
)
def test_the_phases_left_open_before_the_current_one_are_found(
    closed: tuple[Phase, ...], current: Phase, expected: tuple[Phase, ...]
) -> None:
    session = _session()
    for phase in closed:
        session = close_phase(session, phase)

    assert open_phases_before(session, current) == expected


def test_closing_a_phase_twice_records_it_once() -> None:
    session = close_phase(close_phase(_session(), "model"), "model")

    assert session.closed == ("model",)


def test_finishing_records_the_time_per_phase_and_closes_every_phase() -> None:
    clock = start_clock(InterviewClock(), now=0)
    clock = enter_phase(clock, "technique", now=200)
    report = report_clock(clock, now=260)

    done = finish_session(close_phase(_session(), "constraints"), report=report, now=1_700_003_000)

    assert done.finished
    assert done.used_s["constraints"] == 200
    assert done.used_s["technique"] == 60
    assert done.used_s["serving"] == 0
    assert done.closed == ("constraints", "technique", "model", "retrieval", "serving",
                           "evaluation")  # fmt: skip
    with pytest.raises(ValueError, match="already finished"):
        finish_session(done, report=report, now=1_700_003_001)
