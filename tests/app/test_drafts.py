"""Drafts under AppTest: the URL's key brings the work back, writes happen only on a change, the
library lists unsaved drafts to resume or discard, and nothing unsaved goes without a yes.

AppTest runs `app.py` only on the first run of a file-page app (later runs run the page), so the
restore is tested on a first run, and the write-on-change rule through a harness that calls the
two hooks the way `app.py` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import DbDraftStore, save_design
from playbook import Design, update_design
from playbook.clock import InterviewClock, start_clock
from playbook.drafts import Draft, OpenedFrom, design_digest, new_key
from playbook.interview import ask, start_session
from tests.app.conftest import APP, FakeClock
from tests.app.library_support import app_engine, click, open_library, save_as
from ui import state

EDITED = update_design(Design(title="Half done support bot"), "constraints", ttft_ms=1_500)


def _dialog_titles(at: AppTest) -> list[str]:
    return [str(block.proto.dialog.title) for block in at.get("dialog")]


def _keys(at: AppTest) -> set[str]:
    return {str(button.key) for button in at.button}


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock) -> Path:
    """Point the app at the test's own SQLite file, with no LLM endpoint."""
    path = tmp_path / "designs.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return path


def _open_with(key: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["draft"] = key
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_first_visit_gets_a_new_key_in_the_url_and_writes_nothing(database: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=30).run()

    key = at.query_params["draft"]
    assert len(key) == 43
    assert DbDraftStore(app_engine()).load(key) is None  # nothing changed: nothing written


@pytest.mark.parametrize("given", ["", "short", "../../etc/passwd", "x" * 200])
def test_a_malformed_key_is_replaced_by_a_new_one(database: Path, given: str) -> None:
    at = _open_with(given)

    key = at.query_params["draft"]
    assert key != given
    assert len(key) == 43


def test_the_url_s_draft_comes_back_with_where_it_was_opened_and_the_interview(
    database: Path, fake_clock: FakeClock
) -> None:
    key = new_key()
    running = ask(
        start_session("contract-qa", session_id="aaaa1111", now=fake_clock.now - 90),
        "accuracy", phase="constraints", at_s=30.0,
    )  # fmt: skip
    clock = start_clock(InterviewClock(), now=fake_clock.now - 90)
    opened = OpenedFrom(design_id=7, revision=2, base=3)
    draft = Draft(
        design=EDITED, opened=opened, saved_digest=design_digest(Design()), clock=clock,
        interview=running,
    )  # fmt: skip
    DbDraftStore(app_engine()).save(key, draft)

    at = _open_with(key)

    assert at.session_state[state.DESIGN] == EDITED
    assert at.session_state[state.LIBRARY_OPENED] == state.Opened(7, 2, 3)
    assert at.session_state[state.CLOCK] == clock
    assert at.session_state[state.INTERVIEW] == running
    assert at.query_params["draft"] == key
    at.switch_page("pages/interview.py").run()
    assert "interview.finish" in _keys(at)
    assert at.metric[0].value == "3:30"  # 5:00 box, 90 s used before the reload


def test_an_unknown_key_starts_fresh_and_keeps_the_key(database: Path) -> None:
    key = new_key()

    at = _open_with(key)

    assert at.session_state[state.DESIGN] == Design()
    assert at.query_params["draft"] == key


def _harness() -> None:
    import streamlit as st

    from playbook import update_design
    from ui import drafts, state

    drafts.restore()
    if ttft := st.session_state.get("harness.ttft"):
        state.set_design(update_design(state.design(), "constraints", ttft_ms=ttft))
    drafts.keep()


def test_the_draft_is_written_when_it_changes_and_never_on_a_rerun_without_change(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Draft] = []
    real_save = DbDraftStore.save

    def counted(self: DbDraftStore, key: str, draft: Draft) -> int:
        writes.append(draft)
        return real_save(self, key, draft)

    monkeypatch.setattr(DbDraftStore, "save", counted)
    at = AppTest.from_function(_harness, default_timeout=30).run()
    at.run()
    assert writes == []

    at.session_state["harness.ttft"] = 1_500
    at.run()
    at.run()
    at.run()
    assert [w.design.constraints.ttft_ms for w in writes] == [1_500]

    at.session_state["harness.ttft"] = 2_000
    at.run()
    assert [w.design.constraints.ttft_ms for w in writes] == [1_500, 2_000]
    stored = DbDraftStore(app_engine()).load(at.query_params["draft"])
    assert stored is not None
    assert stored.draft.design.constraints.ttft_ms == 2_000


def test_the_library_lists_unsaved_drafts_and_resumes_one_here(database: Path) -> None:
    store = DbDraftStore(app_engine())
    other = store.save(new_key(), Draft(design=EDITED))
    running = start_session("contract-qa", session_id="bbbb2222", now=1_000_000)
    store.save(new_key(), Draft(interview=running))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    old_key = at.query_params["draft"]

    open_library(at)
    assert any("Unsaved drafts" in md.value for md in at.markdown)
    assert any("interview under way: Questions over the contract archive" in c.value
               for c in at.caption)  # fmt: skip
    click(at, f"library.draft.resume.{other}")

    assert at.session_state[state.DESIGN] == EDITED
    assert at.session_state[state.DRAFT_ID] == other
    assert at.session_state[state.DRAFT_KEY] != old_key
    assert "Resumed the draft “Half done support bot”" in at.success[0].value
    assert f"library.draft.resume.{other}" not in _keys(at)  # now this tab's: no buttons
    assert any("open in this tab" in md.value for md in at.markdown)
    assert store.load(at.session_state[state.DRAFT_KEY]) is not None


def test_discarding_a_draft_asks_then_deletes_it(database: Path) -> None:
    store = DbDraftStore(app_engine())
    draft_id = store.save(new_key(), Draft(design=EDITED))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    open_library(at)

    click(at, f"library.draft.discard.{draft_id}")
    assert _dialog_titles(at) == ["Discard this draft?"]
    assert [item.id for item in store.list_unsaved()] == [draft_id]
    click(at, "confirm.yes")

    assert store.list_unsaved() == ()
    assert "Discarded the draft “Half done support bot”" in at.success[0].value
    assert f"library.draft.discard.{draft_id}" not in _keys(at)


def test_loading_over_unsaved_edits_asks_and_cancel_keeps_them(database: Path) -> None:
    design_id = save_design(app_engine(), Design(title="In the library")).id
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.select_slider(key="constraints.ttft_ms").set_value(1_500).run()
    open_library(at)

    click(at, f"library.load.{design_id}")
    assert _dialog_titles(at) == ["Replace your unsaved design?"]
    click(at, "confirm.cancel")

    assert at.session_state[state.DESIGN].constraints.ttft_ms == 1_500
    assert _dialog_titles(at) == []
    click(at, f"library.load.{design_id}")
    click(at, "confirm.yes")
    assert at.session_state[state.DESIGN].title == "In the library"


def test_loading_with_nothing_unsaved_does_not_ask(database: Path) -> None:
    design_id = save_design(app_engine(), Design(title="In the library")).id
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    save_as(at, "Mine, saved")  # saved: nothing to lose
    open_library(at)

    click(at, f"library.load.{design_id}")

    assert _dialog_titles(at) == []
    assert at.session_state[state.DESIGN].title == "In the library"
