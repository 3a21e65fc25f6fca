"""The mock-interview page under AppTest, on a fake clock: countdown, questions, follow-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from db import DbInterviewStore
from playbook.clock import enter_phase
from playbook.interview import InterviewSession, get_prompt, load_prompts
from playbook.interview.grading import blank_design
from tests.app.conftest import FakeClock
from tests.app.library_support import app_engine
from ui import state

PAGE = "pages/interview.py"


@pytest.fixture
def interview_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Leave any LLM endpoint out (interviews go to the test's own database)."""
    path = tmp_path / "interviews"
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def started(app: AppTest, interview_dir: Path) -> AppTest:
    """The interview page with an interview on the contracts prompt just started."""
    app.switch_page(PAGE).run()
    app.button(key="interview.start.contract-qa").click().run()
    assert not app.exception, app.exception
    return app


def _session(at: AppTest) -> InterviewSession:
    value = at.session_state[state.INTERVIEW]
    assert isinstance(value, InterviewSession)
    return value


def _dialog_titles(at: AppTest) -> list[str]:
    return [str(block.proto.dialog.title) for block in at.get("dialog")]


def _left(at: AppTest) -> str:
    return str(at.metric[0].value)


def _keys(at: AppTest) -> set[str]:
    return {str(button.key) for button in at.button}


def test_the_page_offers_every_prompt_of_the_bank(app: AppTest, interview_dir: Path) -> None:
    app.switch_page(PAGE).run()

    starts = [key for key in _keys(app) if key.startswith("interview.start.")]
    assert len(starts) == len(load_prompts()) >= 10


def test_choosing_a_prompt_starts_a_blank_design_and_the_clock(
    app: AppTest, interview_dir: Path
) -> None:
    app.switch_page(PAGE).run()

    app.button(key="interview.start.contract-qa").click().run()

    blank = app.session_state[state.DESIGN]
    assert blank == blank_design(get_prompt("contract-qa"))
    # Nothing chosen beyond the ask: no gap, prompting only, no metrics, no red team.
    assert (blank.constraints.knowledge_gap, blank.technique.rungs) == (False, ("prompt",))
    assert blank.evaluation.offline_metrics == ()
    assert app.session_state[state.CLOCK].running
    assert app.session_state[state.CLOCK].phase == "constraints"
    assert _left(app) == "5:00"
    assert "Questions over the contract archive" in app.markdown[0].value


def test_the_countdown_shows_the_time_left_in_the_current_phase(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(90)

    started.run()

    assert _left(started) == "3:30"
    assert "interview.stay" not in _keys(started)


def test_a_phase_over_its_box_warns_and_offers_move_on_or_stay(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(5 * 60 + 42)

    started.run()

    assert "Constraints is over its box by 0:42: move on, or stay?" in started.warning[0].value
    assert {"interview.move_on", "interview.stay"} <= _keys(started)


def test_staying_keeps_the_phase_and_quiets_the_warning(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(6 * 60)
    started.run()

    started.button(key="interview.stay").click().run()

    assert "Staying on Constraints: over its box by 1:00." in started.info[0].value
    assert "interview.stay" not in _keys(started)
    assert [(c.phase, c.choice, c.over_s) for c in _session(started).choices] == [
        ("constraints", "stay", 60)
    ]
    assert started.session_state[state.CLOCK].phase == "constraints"


def test_moving_on_counts_towards_the_next_phase_and_records_the_time_used(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(5 * 60 + 30)
    started.run()

    started.button(key="interview.move_on").click().run()
    fake_clock.advance(20)
    started.run()

    session = _session(started)
    assert started.session_state[state.CLOCK].phase == "technique"
    assert _left(started) == "4:40"
    assert session.closed == ("constraints",)
    assert session.used_s["constraints"] == 330
    assert [(c.phase, c.choice) for c in session.choices] == [("constraints", "move_on")]


def test_pausing_freezes_the_countdown_and_resuming_goes_on(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(60)
    started.run()

    started.button(key="interview.pause").click().run()
    fake_clock.advance(600)
    started.run()
    paused = _left(started)
    started.button(key="interview.resume").click().run()
    fake_clock.advance(15)
    started.run()

    assert paused == "4:00"
    assert _left(started) == "3:45"


def test_asking_reveals_the_number_records_the_question_and_sets_phase_1(
    started: AppTest, fake_clock: FakeClock
) -> None:
    fake_clock.advance(45)

    started.button(key="interview.ask.latency").click().run()
    revealed = [m.value for m in started.markdown if "two seconds to start" in m.value]
    started.button(key="interview.apply.latency").click().run()

    assert revealed
    question = _session(started).questions[0]
    assert (question.topic, question.phase, question.at_s, question.applied) == (
        "latency", "constraints", 45, True,
    )  # fmt: skip
    constraints = started.session_state[state.DESIGN].constraints
    assert (constraints.ttft_ms, constraints.itl_ms, constraints.total_response_s) == (2000, 50, 30)
    assert "interview.ask.cost" in _keys(started)


def _move_on(at: AppTest, times: int) -> None:
    for _ in range(times):
        at.button(key="interview.move_on").click().run()
        assert not at.exception, at.exception


def test_moving_on_from_the_model_phase_brings_a_follow_up_that_breaks_the_design(
    started: AppTest,
) -> None:
    _move_on(started, 3)  # constraints, technique, model

    # Deliberately changed (issue 14 item 4): the follow-up pushes on the blank hosted design's
    # tightest margin, its cost per request ($0.0067 against $0.01), where it once was on-prem.
    followup = _session(started).followups[0]
    assert (followup.kind, followup.after_phase) == ("prompts_double", "model")
    assert followup.margin is not None
    assert followup.margin.id == "cost_per_request"
    assert started.session_state[state.DESIGN].constraints.avg_prompt_tokens == 3_000
    assert any("prompts double to 3,000 tokens" in m.value for m in started.markdown)
    assert "Open: 1 blocking finding(s) to resolve." in started.warning[0].value


def test_adapting_the_design_on_the_phase_page_handles_the_follow_up(started: AppTest) -> None:
    _move_on(started, 3)

    started.switch_page("pages/model.py").run()
    started.radio(key="model.kind").set_value("self_hosted").run()
    started.switch_page(PAGE).run()

    assert "Handled" in started.success[0].value


def test_opening_a_later_phase_page_closes_the_phases_before_it(
    started: AppTest, fake_clock: FakeClock
) -> None:
    # What app.py's timer.track does when the Serving page opens (AppTest's st.navigation always
    # returns the default page, so the browser suite checks the real page switch).
    clock = started.session_state[state.CLOCK]
    started.session_state[state.CLOCK] = enter_phase(clock, "serving", now=fake_clock.now)

    started.run()

    session = _session(started)
    assert session.closed == ("constraints", "technique", "model", "retrieval")
    # Deliberately changed: both follow-ups push on the cost per request, the tightest margin,
    # with the two changes that raise it (the blank design retrieves nothing yet).
    assert [f.kind for f in session.followups] == ["prompts_double", "output_doubles"]


def test_a_hint_is_shown_once_per_phase_and_recorded(started: AppTest) -> None:
    started.button(key="interview.hint").click().run()

    taken = _session(started).hints
    assert [(t.hint.phase, t.hint.source) for t in taken] == [("constraints", "questions")]
    assert "Ask the interviewer for the accuracy bar" in started.info[0].value
    assert "interview.hint" not in _keys(started)


def test_finishing_shows_the_scorecard_saves_it_and_fills_the_progress_chart(
    started: AppTest, fake_clock: FakeClock, interview_dir: Path
) -> None:
    started.button(key="interview.ask.accuracy").click().run()
    fake_clock.advance(200)
    started.run()

    started.button(key="interview.finish").click().run()

    assert not started.exception, started.exception
    assert started.title[0].value == "Scorecard"
    stored = DbInterviewStore(app_engine()).list()
    assert [item.session.id for item in stored] == [_session(started).id]
    assert started.get("download_button")
    assert any("Verdict:" in box.value for box in [*started.error, *started.warning])
    started.switch_page("pages/progress.py").run()
    assert not started.exception, started.exception
    assert "Weakest phase" in started.warning[0].value
    chart = started.get("vega_lite_chart")[0].proto
    assert json.loads(chart.spec)["spec"]["encoding"]["y"]["scale"]["domain"] == [1, 4]
    assert pyarrow.ipc.open_stream(chart.data.data).read_all().num_rows == 6  # 6 phases


def test_the_scorecard_shows_how_the_follow_up_moved_its_margin(started: AppTest) -> None:
    _move_on(started, 3)  # the model phase's follow-up: prompts double, on the cost per request

    started.button(key="interview.finish").click().run()

    assert not started.exception, started.exception
    shown = [m.value for m in started.markdown if "Margin: cost per request against" in m.value]
    assert shown
    assert "before → " in shown[0]
    assert "at the end" in shown[0]


def test_abandoning_asks_first_then_returns_to_the_prompt_bank(started: AppTest) -> None:
    started.button(key="interview.abandon").click().run()
    assert "Abandon this interview?" in _dialog_titles(started)
    assert _session(started).finished_at is None  # nothing dropped before the yes

    started.button(key="confirm.yes").click().run()

    assert "interview.start.contract-qa" in _keys(started)
    assert "interview.finish" not in _keys(started)


def test_cancelling_the_abandon_keeps_the_interview(started: AppTest) -> None:
    started.button(key="interview.abandon").click().run()

    started.button(key="confirm.cancel").click().run()

    assert "interview.finish" in _keys(started)
    assert "confirm.yes" not in _keys(started)


def test_starting_over_an_unsaved_design_asks_before_emptying_it(
    app: AppTest, interview_dir: Path
) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(1_500).run()
    app.switch_page(PAGE).run()

    app.button(key="interview.start.contract-qa").click().run()
    assert "Empty your unsaved design?" in _dialog_titles(app)
    assert app.session_state[state.DESIGN].constraints.ttft_ms == 1_500
    assert "interview.finish" not in _keys(app)
    app.button(key="confirm.yes").click().run()

    assert app.session_state[state.DESIGN] == blank_design(get_prompt("contract-qa"))
    assert "interview.finish" in _keys(app)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("pages/scorecard.py", "No interview finished yet"),
        ("pages/progress.py", "No finished interviews yet"),
    ],
)
def test_scorecard_and_progress_say_what_to_do_before_any_interview(
    app: AppTest, interview_dir: Path, path: str, message: str
) -> None:
    app.switch_page(path).run()

    assert not app.exception, app.exception
    assert message in app.info[0].value
