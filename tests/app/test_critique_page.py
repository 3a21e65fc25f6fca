"""The critique page: the rubric by phase with its math and links, and the LLM critic over HTTP."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from db import llm_usage, make_engine
from playbook import dump_design
from playbook.llm_budget import Budget
from tests.app.conftest import diagram_of, open_expanders
from tests.integration.fake_openai import (
    HOSTILE_ANSWER,
    FakeOpenAI,
    Reply,
    answer,
    cut,
    error,
    keep_alive,
    malformed,
    serve,
)
from ui.navigation import PHASE_PAGES

PAGE = "pages/critique.py"
CANARY = "sk-canary-d41d8cd98f00b204e980"
CRITIQUE = json.dumps(
    {
        "verdict": "Sound overall.",
        "findings": [
            {"phase": "serving", "severity": "warn", "component": "llm", "constraint": None,
             "message": "A single region is a single point of failure.",
             "fix": "Add a second region."},
        ],
    }
)  # fmt: skip


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with serve(answer(CRITIQUE)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        monkeypatch.delenv("OPENAI_MODEL", raising=False)
        for name in ("LLM_MODELS", "LLM_CALLS_PER_HOUR", "LLM_TOKENS_PER_DAY", "LLM_TOTAL_S"):
            monkeypatch.delenv(name, raising=False)
        yield server


def _critique(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _ask(at: AppTest) -> AppTest:
    at.button(key="critique.ask").click().run()
    assert not at.exception, at.exception
    return at


def _texts(node: Any) -> Iterator[str]:
    """Every element's and block's protobuf as text, the whole tree down."""
    if getattr(node, "proto", None) is not None:
        yield str(node.proto)
    for child in getattr(node, "children", {}).values():
        yield from _texts(child)


def _page_text(at: AppTest) -> str:
    return "\n".join([*_texts(at.main), *_texts(at.sidebar)])


def _plain(markdown: str) -> str:
    """Return escaped Markdown as the text it shows (backslash escapes removed)."""
    return markdown.replace("\\", "")


def _phase_headings(at: AppTest) -> list[str]:
    return [md.value for md in at.markdown if md.value.startswith("#### ")]


def test_the_page_shows_the_verdict_first_and_every_phase_with_its_score(app: AppTest) -> None:
    _critique(app)

    alerts = [*app.error, *app.warning, *app.success]
    assert any("Rubric verdict" in alert.value for alert in alerts)
    headings = _phase_headings(app)
    assert [h.split(" · ")[0].removeprefix("#### ") for h in headings] == [
        "Constraints", "Technique", "Model", "Retrieval", "Serving", "Evaluation",
    ]  # fmt: skip
    assert all(h[-3:] in {"1/4", "2/4", "3/4", "4/4"} for h in headings)


def test_each_phase_links_to_the_page_that_edits_it(app: AppTest) -> None:
    _critique(app)

    links = [link.proto.page for link in app.page_link if link.value.startswith("Fix it in")]

    assert links == [Path(spec.path).stem for spec in PHASE_PAGES]


def test_every_finding_with_numbers_can_show_its_math(app: AppTest) -> None:
    _critique(app)
    closed = [expander for expander in app.expander if expander.label == "Show the math"]
    assert closed
    # Drawn only when opened: a closed expander holds nothing.
    assert not any(md.value.startswith("**Formula:**") for e in closed for md in e.markdown)

    opened = open_expanders(app)

    math = [expander for expander in app.expander if expander.label == "Show the math"]
    assert opened == len(closed) == len(math)
    assert all(any(md.value.startswith("**Formula:**") for md in e.markdown) for e in math)


def test_an_open_math_panel_stays_with_its_finding_when_the_filter_changes(
    app: AppTest,
) -> None:
    app.toggle(key="constraints.on_prem").set_value(True).run()  # a blocking finding to keep
    _critique(app)
    app.button_group(key="critique.severity").set_value(["block"]).run()
    opened = open_expanders(app)  # the math of the blocking findings only
    blocking = [e.markdown[0].value for e in app.expander if e.label == "Show the math"]

    app.button_group(key="critique.severity").set_value(["block", "warn", "info"]).run()

    math = [e for e in app.expander if e.label == "Show the math"]
    assert opened == len(blocking) > 0
    assert len(math) > opened  # the other findings' panels are back, closed
    assert [e.markdown[0].value for e in math if e.markdown] == blocking


def test_the_severity_filter_hides_the_severities_not_chosen(app: AppTest) -> None:
    app.toggle(key="constraints.on_prem").set_value(True).run()  # a blocking finding to keep
    _critique(app)
    shown_before = sum(":orange-badge" in md.value for md in app.markdown)

    app.button_group(key="critique.severity").set_value(["block"]).run()

    assert shown_before > 0
    assert not any(":orange-badge" in md.value for md in app.markdown)
    assert any(":red-badge" in md.value for md in app.markdown)


def test_without_an_endpoint_the_button_is_off_and_the_page_says_what_to_set(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)

    _critique(app)

    assert app.button(key="critique.ask").disabled
    assert "OPENAI_API_KEY" in app.info[0].value


def test_the_llm_findings_join_their_phase_marked_as_llm(
    app: AppTest, llm_server: FakeOpenAI
) -> None:
    _critique(app)
    assert any("127.0.0.1" in _plain(caption.value) for caption in app.caption)

    _ask(app)

    marked = [md.value for md in app.markdown if ":violet-badge" in md.value]
    assert len(marked) == 1
    assert "single point of failure" in _plain(marked[0])
    assert any("Verdict:** Sound overall." in _plain(md.value) for md in app.markdown)
    assert llm_server.requests[0].body["model"] == "gpt-4o-mini"


def test_the_model_chosen_from_the_allowed_list_is_the_model_asked(
    app: AppTest, llm_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_MODELS", "gpt-4o-mini, llama-3.1-8b-instruct")
    _critique(app)
    assert app.selectbox(key="critique.model").options == ["gpt-4o-mini", "llama-3.1-8b-instruct"]

    app.selectbox(key="critique.model").set_value("llama-3.1-8b-instruct").run()
    _ask(app)

    assert llm_server.requests[-1].body["model"] == "llama-3.1-8b-instruct"
    assert any("llama" in md.value for md in app.markdown)


def test_a_model_name_from_outside_the_list_is_refused_and_never_asked(
    app: AppTest, llm_server: FakeOpenAI
) -> None:
    app.session_state["critique_model"] = "o1-pro-on-your-key"  # as a crafted session might

    _critique(app)
    refused = [_plain(e.value) for e in app.error if "not one of the models allowed" in e.value]
    _ask(app)

    assert refused == [
        "Model: 'o1-pro-on-your-key' is not one of the models allowed (gpt-4o-mini); "
        "LLM_MODELS sets the list"
    ]
    assert [request.body["model"] for request in llm_server.requests] == ["gpt-4o-mini"]


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CALLS_PER_HOUR", "2")
    monkeypatch.setenv("LLM_TOKENS_PER_DAY", "50000")
    monkeypatch.setenv("LLM_TOTAL_S", "45")


def test_the_page_shows_the_limits_and_what_is_left_after_each_call(
    app: AppTest, llm_server: FakeOpenAI, small_budget: None
) -> None:
    _critique(app)
    before = _metrics(app)

    _ask(app)
    after = _metrics(app)

    assert before == {
        "Calls left this hour": "2 of 2",
        "Tokens left (24 h)": "50,000 of 50,000",
        "Time limit per call": "45 s",
    }
    assert after["Calls left this hour"] == "1 of 2"
    # The fake server reports 20 tokens for a plain answer but none for a stream, so the page
    # counts the estimate: well above 20 (the prompt alone holds the whole design).
    left = int(after["Tokens left (24 h)"].split(" of ")[0].replace(",", ""))
    assert 40_000 < left < 50_000 - 20
    assert not app.warning or all("LLM budget" not in w.value for w in app.warning)


def test_over_budget_the_page_names_the_limit_and_when_it_frees_and_makes_no_call(
    app: AppTest, llm_server: FakeOpenAI, small_budget: None
) -> None:
    _critique(app)
    _ask(app)
    _ask(app)  # the second and last call of the hour

    (warning,) = [w.value for w in app.warning if "LLM budget" in w.value]
    assert app.button(key="critique.ask").disabled  # already in the run that made the call
    app.session_state["critique_asked"] = True  # a click forced past the disabled button
    app.run()

    assert len(llm_server.requests) == 2
    assert _plain(warning).startswith(
        "The LLM budget is used up: 2 of 2 calls in the last hour (LLM_CALLS_PER_HOUR). "
        "The next call is allowed at "
    )
    assert re.search(r"allowed at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\.$", _plain(warning))
    assert app.button(key="critique.ask").disabled
    assert _metrics(app)["Calls left this hour"] == "0 of 2"


def test_tokens_spent_elsewhere_refuse_the_call_with_the_tokens_limit_named(
    app: AppTest, llm_server: FakeOpenAI, small_budget: None, tmp_path: Path
) -> None:
    # Another replica recorded a call of 60,000 tokens for the same (local) user a minute ago.
    _critique(app)
    engine = make_engine(f"sqlite:///{tmp_path / 'designs.db'}")
    try:
        budget = Budget(calls_per_hour=2, tokens_per_day=50_000, models=("gpt-4o-mini",))
        _, call_id = llm_usage.start_call(
            engine, "local", model="gpt-4o-mini", budget=budget, tokens=60_000,
            now=datetime.now(UTC) - timedelta(minutes=1),
        )  # fmt: skip
    finally:
        engine.dispose()
    assert call_id is not None

    _ask(app)  # drawn before the tokens were spent: the click is refused at the ledger

    assert llm_server.requests == []
    (warning,) = [_plain(w.value) for w in app.warning if "LLM budget" in w.value]
    assert "60,000 of 50,000 tokens in the last 24 hours (LLM_TOKENS_PER_DAY)" in warning
    assert _metrics(app)["Tokens left (24 h)"] == "0 of 50,000"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (error(401, f"Incorrect API key provided: {CANARY}"), "refused the API key"),
        (error(500, "Internal error"), "HTTP 500"),
        (malformed(), "not chat-completions JSON"),
    ],
    ids=["401", "500", "malformed"],
)
def test_an_endpoint_failure_shows_one_line_and_the_rubric_stays(
    app: AppTest, llm_server: FakeOpenAI, reply: Reply, reason: str
) -> None:
    llm_server.default = reply
    _critique(app)

    _ask(app)

    (failure,) = [_plain(e.value) for e in app.error if "LLM critic failed" in e.value]
    assert reason in failure
    assert CANARY not in failure
    assert len(_phase_headings(app)) == 6


def test_keep_alives_for_ever_end_at_the_time_limit_shown_and_the_call_is_counted(
    app: AppTest, llm_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_TOTAL_S", "2")
    llm_server.default = keep_alive(0.2)  # `: ping` every 0.2 s: no read ever times out
    _critique(app)
    assert _metrics(app)["Time limit per call"] == "2 s"
    started = time.monotonic()

    _ask(app)

    elapsed = time.monotonic() - started
    (failure,) = [_plain(e.value) for e in app.error if "LLM critic failed" in e.value]
    assert "did not finish its answer within 2 s" in failure
    assert elapsed < 2 + 3
    assert _metrics(app)["Calls left this hour"] == "19 of 20"  # a failed call still counts
    assert len(_phase_headings(app)) == 6


def test_a_stream_cut_midway_says_so_on_the_page(app: AppTest, llm_server: FakeOpenAI) -> None:
    llm_server.default = cut(CRITIQUE, after=7)
    _critique(app)

    _ask(app)

    (failure,) = [_plain(e.value) for e in app.error if "LLM critic failed" in e.value]
    assert "stopped after 7 tokens: connection closed" in failure
    assert "could not connect" not in failure


def test_a_hostile_answer_is_rendered_inert(app: AppTest, llm_server: FakeOpenAI) -> None:
    llm_server.default = answer(HOSTILE_ANSWER)
    _critique(app)

    _ask(app)

    bodies = [md.value for md in [*app.markdown, *app.caption]]
    assert any("Hostile prose" in body for body in bodies)
    assert any("Hostile finding" in body for body in bodies)
    for body in bodies:
        assert "javascript:" not in body.lower()
        assert "<script" not in body
        assert "<img" not in body
        assert "![" not in body
        assert "<!--" not in body
        assert "](https://evil" not in body  # neither an image nor a link to it
    assert not app.get("html")


def test_the_key_never_reaches_the_page_the_session_the_database_or_an_export(
    app: AppTest, llm_server: FakeOpenAI, tmp_path: Path
) -> None:
    _ask(_critique(app))
    page = _page_text(app)
    session = repr(app.session_state.to_dict())

    app.switch_page("pages/library.py").run()
    app.text_input(key="library.title").input("With an LLM critique").run()
    app.button(key="library.save").click().run()

    assert llm_server.requests[0].headers["authorization"] == f"Bearer {CANARY}"
    assert "Saved" in app.success[0].value
    assert CANARY not in page
    assert CANARY not in session
    assert CANARY not in dump_design(app.session_state["design"])
    assert CANARY not in diagram_of(app)
    for path in tmp_path.glob("designs.db*"):
        assert CANARY.encode() not in path.read_bytes()
    with closing(sqlite3.connect(tmp_path / "designs.db")) as connection:
        usage = connection.execute("SELECT * FROM llm_usage").fetchall()
    assert len(usage) == 1  # the call was counted ...
    assert CANARY not in repr(usage)  # ... and its row holds no key
