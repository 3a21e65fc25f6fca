"""Opening the app with `?share=TOKEN`: the design read-only beside the visitor's own work, one
plain message for any bad link, and review comments."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db import (
    SHARE_LINK_MESSAGE,
    create_share_link,
    delete_design,
    list_comments,
    revoke_share_link,
    save_design,
)
from playbook import Design, update_design
from playbook.compare import FIELD_LABELS
from tests.app.conftest import APP, FakeClock, viewer_data
from tests.app.library_support import app_engine, click

SHARED = update_design(
    Design(title="Contract QA *shared*", scenario="document-qa", author="Ada"),
    "model", kind="self_hosted",
)  # fmt: skip
COMMENTS = "shared.comments"


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


@pytest.fixture
def shared(engine: Engine) -> tuple[int, str]:
    """Save SHARED and return its id and a share token for it."""
    saved = save_design(engine, SHARED)
    return saved.id, create_share_link(engine, saved.id).token


def _visit(token: str, *, own: Design | None = None) -> AppTest:
    """Open the app afresh with `?share=token`, as a visitor whose session holds `own`."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if own is not None:
        at.session_state["design"] = own
    at.query_params["share"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_share_link_shows_the_title_numbers_and_diagram_read_only(
    shared: tuple[int, str],
) -> None:
    visitor = _visit(shared[1])

    assert [t.value for t in visitor.title] == [r"Contract QA \*shared\*"]
    labels = {m.label for m in visitor.metric}
    assert {"Cost per month", "Time to first token", "Inter-token latency"} <= labels
    assert "Contract QA" in str(viewer_data(visitor)[0]["svg"])
    phase_1 = visitor.dataframe[0].value
    assert FIELD_LABELS["constraints.ttft_ms"] in list(phase_1["Decision"])
    assert not [w for w in visitor.select_slider if w.key.startswith("constraints.")]


def test_the_visitor_s_own_work_in_progress_is_untouched(shared: tuple[int, str]) -> None:
    own = update_design(Design(title="My own draft"), "constraints", ttft_ms=2_000)

    visitor = _visit(shared[1], own=own)

    assert visitor.session_state["design"] == own
    visitor.switch_page("pages/constraints.py").run()
    assert visitor.text_input(key="design.title").value == "My own draft"
    assert visitor.select_slider(key="constraints.ttft_ms").value == 2_000


@pytest.mark.parametrize("case", ["garbage", "empty", "revoked", "expired", "deleted"])
def test_every_bad_link_gets_the_same_plain_message_and_nothing_else(
    engine: Engine, fake_clock: FakeClock, case: str
) -> None:
    saved = save_design(engine, SHARED)
    link = create_share_link(engine, saved.id, expires_at=datetime.now(UTC) + timedelta(days=1))
    token = {"garbage": "not-a-token", "empty": ""}.get(case, link.token)
    if case == "revoked":
        revoke_share_link(engine, link.id)
    elif case == "expired":
        fake_clock.now = (datetime.now(UTC) + timedelta(days=2)).timestamp()
    elif case == "deleted":
        delete_design(engine, saved.id)

    visitor = _visit(token)

    assert [e.value for e in visitor.error] == [SHARE_LINK_MESSAGE]
    assert [t.value for t in visitor.title] == ["Shared design"]
    assert not viewer_data(visitor)
    assert not visitor.metric


def test_the_critique_is_shown_with_its_verdict(shared: tuple[int, str]) -> None:
    visitor = _visit(shared[1])

    assert any(md.value.startswith("**Verdict:**") for md in visitor.markdown)
    assert visitor.warning or visitor.error or visitor.info


def test_a_reviewer_comments_on_a_component_and_resolves_it(
    engine: Engine, shared: tuple[int, str]
) -> None:
    visitor = _visit(shared[1])

    visitor.text_input(key=f"{COMMENTS}.author").input("Grace")
    visitor.selectbox(key=f"{COMMENTS}.phase").set_value("retrieval")
    visitor.selectbox(key=f"{COMMENTS}.component").set_value("reranker")
    visitor.text_area(key=f"{COMMENTS}.body").input("Is top-50 reranking within the TTFT?")
    click(visitor, f"{COMMENTS}.add")
    (comment,) = list_comments(engine, shared[0])
    click(visitor, f"{COMMENTS}.resolve.{comment.id}")

    assert (comment.author, comment.phase, comment.component) == ("Grace", "retrieval", "reranker")
    assert comment.source == "reviewer"
    assert list_comments(engine, shared[0])[0].resolved
    assert "Resolved" in [c.value for c in visitor.caption]
    assert "design" not in visitor.session_state  # the shared design never became the visitor's


def test_a_comment_without_a_name_is_refused_and_nothing_is_saved(
    engine: Engine, shared: tuple[int, str]
) -> None:
    visitor = _visit(shared[1])

    visitor.text_area(key=f"{COMMENTS}.body").input("Anonymous remark")
    click(visitor, f"{COMMENTS}.add")

    assert any("Give your name" in e.value for e in visitor.error)
    assert list_comments(engine, shared[0]) == []


def test_comment_text_with_markdown_and_html_is_shown_as_plain_text(
    shared: tuple[int, str],
) -> None:
    visitor = _visit(shared[1])

    visitor.text_input(key=f"{COMMENTS}.author").input("<b>Mallory</b>")
    visitor.text_area(key=f"{COMMENTS}.body").input("[win](javascript:alert(1)) <img src=x>")
    click(visitor, f"{COMMENTS}.add")

    shown = "\n".join(md.value for md in visitor.markdown)
    assert "](javascript" not in shown
    assert not re.search(r"(?<!\\)<(img|b)", shown)  # every < escaped
    assert r"\<img src=x\>" in shown
    assert r"\[win\]\(javascript\:alert\(1\)\)" in shown


def test_the_critique_s_findings_become_comments_from_the_shared_view_once(
    engine: Engine, shared: tuple[int, str]
) -> None:
    visitor = _visit(shared[1])

    click(visitor, f"{COMMENTS}.from_findings")
    first = list_comments(engine, shared[0])
    click(visitor, f"{COMMENTS}.from_findings")

    assert first
    assert {(c.author, c.source) for c in first} == {("Rubric", "rubric")}
    assert list_comments(engine, shared[0]) == first
