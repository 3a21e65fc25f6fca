"""Follow-ups from an LLM interviewer over real HTTP (a local fake server), and the fallback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playbook.interview import InterviewSession
from tests.integration.fake_openai import FakeOpenAI, answer, error, serve
from ui import state

SAID = "Prompts double [click](javascript:alert(1)): your launch went viral. Now what?"


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeOpenAI]:
    with serve(answer(json.dumps({"kind": "prompts_double", "said": SAID}))) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-interviewer")
        monkeypatch.delenv("OPENAI_MODEL", raising=False)
        yield server


def _through_the_model_phase(at: AppTest) -> InterviewSession:
    at.switch_page("pages/interview.py").run()
    at.button(key="interview.start.contract-qa").click().run()
    for _ in range(3):
        at.button(key="interview.move_on").click().run()
        assert not at.exception, at.exception
    session = at.session_state[state.INTERVIEW]
    assert isinstance(session, InterviewSession)
    return session


def test_the_llm_picks_an_allowed_follow_up_and_its_words_are_shown_as_text(
    app: AppTest, llm_server: FakeOpenAI
) -> None:
    session = _through_the_model_phase(app)

    followup = session.followups[0]
    assert (followup.kind, followup.source, followup.said) == ("prompts_double", "llm", SAID)
    asked = llm_server.requests[-1].body
    allowed = asked["response_format"]["json_schema"]["schema"]["properties"]["kind"]["enum"]
    # Deliberately changed: the rules choose the kind (the tightest margin's push), the LLM
    # only words it, from the same numbers.
    assert allowed == ["prompts_double"]
    system = asked["messages"][0]["content"]
    assert "cost per request has $0.0033 of slack against the $0.0100 ceiling" in system
    assert "prompts double to 3,000 tokens" in system
    shown = [m.value for m in app.markdown if "launch went viral" in m.value]
    assert shown
    assert "](javascript:" not in shown[0]


def test_the_rules_speak_when_the_llm_fails(app: AppTest, llm_server: FakeOpenAI) -> None:
    llm_server.default = error(401, "bad key")

    session = _through_the_model_phase(app)

    assert [(f.kind, f.source) for f in session.followups] == [("prompts_double", "rules")]


def test_the_interviewers_calls_spend_the_budget_and_stop_when_it_is_gone(
    app: AppTest, llm_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One call an hour: the first follow-up spends it, the second is worded by the rules.
    monkeypatch.setenv("LLM_CALLS_PER_HOUR", "1")

    session = _through_the_model_phase(app)
    for _ in range(2):  # leave retrieval, then serving: each pushes on a margin again
        app.button(key="interview.move_on").click().run()

    assert session.followups[0].source == "llm"
    assert [(f.kind, f.source) for f in _session(app).followups[1:]] == [
        ("output_doubles", "rules"), ("traffic_10x", "rules"),
    ]  # fmt: skip
    assert len(llm_server.requests) == 1


def _session(at: AppTest) -> InterviewSession:
    value = at.session_state[state.INTERVIEW]
    assert isinstance(value, InterviewSession)
    return value
