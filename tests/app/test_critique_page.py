"""The critique page: the rubric by phase with its math and links, and the LLM critic over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from playbook import dump_design
from tests.app.conftest import dot_of
from tests.integration.fake_openai import (
    HOSTILE_ANSWER,
    FakeOpenAI,
    Reply,
    answer,
    error,
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

    math = [expander for expander in app.expander if expander.label == "Show the math"]

    assert math
    assert all(any(md.value.startswith("**Formula:**") for md in e.markdown) for e in math)


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


def test_the_model_typed_is_the_model_asked(app: AppTest, llm_server: FakeOpenAI) -> None:
    _critique(app)

    app.text_input(key="critique.model").input("llama-3.1-8b-instruct").run()
    _ask(app)

    assert llm_server.requests[-1].body["model"] == "llama-3.1-8b-instruct"
    assert any("llama" in md.value for md in app.markdown)


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
    assert CANARY not in dot_of(app)
    for path in tmp_path.glob("designs.db*"):
        assert CANARY.encode() not in path.read_bytes()
