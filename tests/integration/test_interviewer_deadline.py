"""The LLM interviewer's follow-up wording ends at its deadline over real HTTP; the rules speak."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from playbook import Design
from playbook.interview import choose_followup
from tests.integration.fake_openai import (
    FakeOpenAI,
    Reply,
    answer,
    hang,
    keep_alive,
    serve,
    slow_body,
)
from ui import interview

TOTAL_S = 2.0


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with serve() as state:
        monkeypatch.setenv("OPENAI_BASE_URL", state.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-interviewer-deadline")
        monkeypatch.delenv("OPENAI_MODEL", raising=False)
        monkeypatch.setattr(interview, "LLM_DEADLINE_S", TOTAL_S)
        yield state


@pytest.mark.parametrize(
    "reply",
    [keep_alive(0.2), slow_body(json.dumps({"kind": "traffic_10x", "said": "x"}), 0.1), hang(120)],
    ids=["keep-alives", "slow-body", "no-answer"],
)
def test_a_follow_up_from_a_stalling_server_falls_back_to_the_rules_at_the_deadline(
    server: FakeOpenAI, reply: Reply
) -> None:
    server.default = reply
    interviewer = interview.configured_interviewer()
    assert interviewer is not None
    started = time.monotonic()

    pick = choose_followup(Design(), phase="model", interviewer=interviewer)

    elapsed = time.monotonic() - started
    assert len(server.requests) == 1  # the model was asked ...
    assert pick is not None
    assert pick.source == "rules"  # ... and when it stalled, the rules spoke
    assert elapsed < TOTAL_S + 3


def test_a_prompt_answer_is_the_interviewers_words(server: FakeOpenAI) -> None:
    server.default = answer(json.dumps({"kind": "prompts_double", "said": "Prompts double."}))
    interviewer = interview.configured_interviewer()
    assert interviewer is not None

    pick = choose_followup(Design(), phase="model", interviewer=interviewer)

    assert pick is not None
    assert (pick.source, pick.said) == ("llm", "Prompts double.")
