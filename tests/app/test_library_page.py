"""The library page: save (first as a design, then as revisions), find, page, open, duplicate,
delete and restore, export and import, share links and comments on a saved design."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from db import (
    latest_revision,
    list_comments,
    list_designs,
    list_share_links,
    load_design,
    save_design,
    save_revision,
)
from playbook import Design, dump_design, update_design
from playbook.labels import escape_markdown
from tests.app.library_support import app_engine, click, listed_titles, open_library, save_as
from ui import library_list


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Record every file the app offers for download, by its file name."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: Any, data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if filename and isinstance(data, bytes):
            seen[filename] = data
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def _only_id(engine: Engine) -> int:
    (item,) = list_designs(engine, include_deleted=True).items
    return item.id


def test_saving_lists_the_design_with_a_confirmation(app: AppTest) -> None:
    save_as(app, "Contracts QA")

    assert "Saved “Contracts QA”" in app.success[0].value
    assert listed_titles(app) == ["Contracts QA"]


def test_saved_designs_are_listed_newest_first(app: AppTest) -> None:
    for title in ("First", "Second", "Third"):
        save_as(app, title, button="library.save_new")

    assert listed_titles(app) == ["Third", "Second", "First"]


def test_opening_a_saved_design_restores_every_phase(app: AppTest) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()
    app.toggle(key="constraints.style_gap").set_value(True).run()
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(["rag", "lora"]).run()
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("self_hosted").run()
    app.switch_page("pages/serving.py").run()
    app.selectbox(key="serving.precision").set_value("fp8").run()
    app.switch_page("pages/evaluation.py").run()
    app.selectbox(key="evaluation.mitigations.hallucination").set_value(
        "citations_and_faithfulness_check"
    ).run()
    save_as(app, "Tuned support bot")
    saved = app.session_state["design"]
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(300).run()
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("hosted").run()

    open_library(app)
    opener = next(button for button in app.button if button.key.startswith("library.load."))
    opener.click().run()
    assert app.session_state["design"].constraints.ttft_ms == 300  # asked, nothing replaced yet
    click(app, "confirm.yes")

    assert "Loaded “Tuned support bot” into every phase" in app.success[0].value
    assert app.session_state["design"] == saved
    app.switch_page("pages/constraints.py").run()
    assert app.select_slider(key="constraints.ttft_ms").value == 2_000
    assert app.toggle(key="constraints.style_gap").value is True
    app.switch_page("pages/technique.py").run()
    assert app.multiselect(key="technique.rungs").value == ["rag", "lora"]
    app.switch_page("pages/serving.py").run()
    assert app.selectbox(key="serving.precision").value == "fp8"
    app.switch_page("pages/evaluation.py").run()
    assert (
        app.selectbox(key="evaluation.mitigations.hallucination").value
        == "citations_and_faithfulness_check"
    )


def test_saving_again_makes_revision_2_of_the_same_design(app: AppTest, engine: Engine) -> None:
    save_as(app, "Support bot")
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()

    save_as(app, "Support bot")

    design_id = _only_id(engine)
    assert "Saved revision 2 of “Support bot”" in app.success[0].value
    assert latest_revision(engine, design_id) == 2
    assert load_design(engine, design_id, revision=1).constraints.ttft_ms == 800
    assert load_design(engine, design_id).constraints.ttft_ms == 2_000


def test_a_save_by_someone_else_in_between_shows_a_notice_and_keeps_both(
    app: AppTest, engine: Engine
) -> None:
    save_as(app, "Support bot")
    design_id = _only_id(engine)
    theirs = update_design(load_design(engine, design_id), "constraints", ttft_ms=300)
    save_revision(engine, design_id, theirs, base_revision=1, author="Grace")
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()

    save_as(app, "Support bot")

    assert "Grace" in app.warning[0].value
    assert "Nothing was overwritten" in app.warning[0].value
    assert latest_revision(engine, design_id) == 3
    assert load_design(engine, design_id, revision=2) == theirs
    assert load_design(engine, design_id, revision=3).constraints.ttft_ms == 2_000


def test_save_as_new_design_leaves_the_opened_one_alone(app: AppTest, engine: Engine) -> None:
    save_as(app, "Original")

    save_as(app, "Fork", button="library.save_new")

    assert listed_titles(app) == ["Fork", "Original"]
    assert all(item.revision == 1 for item in list_designs(engine).items)


def test_saving_without_a_title_asks_for_one_and_saves_nothing(app: AppTest) -> None:
    save_as(app, "   ")

    assert "Give the design a title" in app.error[0].value
    assert listed_titles(app) == []


def test_a_title_with_markdown_is_shown_as_plain_text(app: AppTest) -> None:
    save_as(app, "[click](javascript:alert(1)) **loud**")

    shown = next(md.value for md in app.markdown if md.value.startswith("**"))
    assert "](javascript" not in shown
    assert escape_markdown("[click](javascript:alert(1))") in shown


@pytest.mark.parametrize(
    ("widget", "value", "expected"),
    [
        ("library.query", "contract", ["Contract QA"]),
        ("library.query", "GRACE", ["Support bot"]),
        ("library.author", "Ada", ["Contract QA", "Pricing agent"]),
        ("library.scenario", "support", ["Support bot"]),
    ],
)
def test_search_and_filters_narrow_the_list(
    app: AppTest, engine: Engine, widget: str, value: str, expected: list[str]
) -> None:
    for title, scenario, author in [("Pricing agent", "agents", "Ada"),
                                    ("Support bot", "support", "Grace"),
                                    ("Contract QA", "document-qa", "Ada")]:  # fmt: skip
        save_design(engine, Design(title=title, scenario=scenario, author=author))
    open_library(app)

    app.text_input(key=widget).input(value).run()

    assert sorted(listed_titles(app)) == sorted(expected)


def test_changed_since_tomorrow_lists_nothing_and_since_today_lists_all(
    app: AppTest, engine: Engine
) -> None:
    save_design(engine, Design(title="Today's design"))
    open_library(app)
    today = datetime.now(UTC).date()

    app.date_input(key="library.since").set_value(today + timedelta(days=1)).run()
    later = listed_titles(app)
    app.date_input(key="library.since").set_value(today).run()

    assert later == []
    assert listed_titles(app) == ["Today's design"]


def test_paging_shows_the_total_and_steps_through_fifty_at_a_time(
    app: AppTest, engine: Engine
) -> None:
    for number in range(103):
        save_design(engine, Design(title=f"Design {number:03}"))
    open_library(app)
    first, first_captions = listed_titles(app), [c.value for c in app.caption]

    click(app, "library.next")
    second = listed_titles(app)
    click(app, "library.next")

    assert "Designs 1-50 of 103 · page 1 of 3" in first_captions
    assert (first[0], len(first)) == ("Design 102", 50)
    assert (second[0], len(second)) == ("Design 052", 50)
    assert listed_titles(app) == ["Design 002", "Design 001", "Design 000"]
    assert "Designs 101-103 of 103 · page 3 of 3" in [c.value for c in app.caption]
    assert app.button(key="library.next").disabled


def test_deleting_hides_the_design_and_restoring_brings_it_back(
    app: AppTest, engine: Engine
) -> None:
    save_as(app, "Short-lived")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")

    click(app, f"library.delete.{design_id}")
    hidden = listed_titles(app)
    app.toggle(key="library.show_deleted").set_value(True).run()
    shown_deleted = listed_titles(app)
    click(app, f"library.restore.{design_id}")
    app.toggle(key="library.show_deleted").set_value(False).run()

    assert hidden == []
    assert shown_deleted == ["Short-lived"]
    assert listed_titles(app) == ["Short-lived"]


def test_duplicating_saves_a_copy_under_the_new_title(app: AppTest, engine: Engine) -> None:
    save_as(app, "Original")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")

    app.text_input(key=f"library.copy_title.{design_id}").input("The copy").run()
    click(app, f"library.duplicate.{design_id}")

    copy = next(item for item in list_designs(engine).items if item.title == "The copy")
    assert "Duplicated as “The copy”" in app.success[0].value
    assert load_design(engine, copy.id) == load_design(engine, design_id).model_copy(
        update={"title": "The copy"}
    )


def test_opening_an_older_revision_loads_it_and_the_next_save_goes_on_top(
    app: AppTest, engine: Engine
) -> None:
    save_as(app, "Bot")
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()
    save_as(app, "Bot")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")

    app.selectbox(key=f"library.revision.{design_id}").set_value(1).run()
    click(app, f"library.load_revision.{design_id}")
    click(app, "library.save")

    assert app.session_state["design"].constraints.ttft_ms == 800
    assert latest_revision(engine, design_id) == 3
    assert not app.warning


def test_export_offers_the_design_as_json(
    app: AppTest, engine: Engine, downloads: dict[str, bytes]
) -> None:
    save_as(app, "Contracts QA")
    design_id = _only_id(engine)

    click(app, f"library.details.{design_id}")

    exported = json.loads(downloads["contracts-qa.json"])
    assert exported["schema_version"] == 1
    assert Design.model_validate(exported) == load_design(engine, design_id)


def _open_import(app: AppTest) -> None:
    open_library(app)
    assert not app.file_uploader  # drawn only once its expander is opened
    app.session_state[library_list.IMPORT_OPEN] = True
    app.run()


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"title": "Bad", "constraints": {"ttft_ms": -5}}', "Time to first token, TTFT (ms)"),
        (b'{"title": "Bad", "serving": {"gpu": "abacus"}}', "GPU: 'abacus' is not one of"),
        (b"{not json", "not valid JSON"),
    ],
)
def test_importing_a_bad_file_names_the_problem_and_saves_nothing(
    app: AppTest, engine: Engine, content: bytes, field: str
) -> None:
    _open_import(app)

    app.file_uploader(key="library.import_file").upload("bad.json", content, "application/json")
    click(app, "library.import")

    assert "Nothing was imported" in app.error[0].value
    assert escape_markdown(field) in app.error[0].value
    assert list_designs(engine, include_deleted=True).total == 0


def test_importing_an_exported_design_saves_it_whole(app: AppTest, engine: Engine) -> None:
    design = update_design(Design(title="Imported bot"), "serving", precision="fp8")
    _open_import(app)

    app.file_uploader(key="library.import_file").upload(
        "bot.json", dump_design(design).encode(), "application/json"
    )
    click(app, "library.import")

    assert "Imported “Imported bot”" in app.success[0].value
    assert load_design(engine, _only_id(engine)) == design


def test_a_share_link_is_shown_once_and_can_be_revoked(app: AppTest, engine: Engine) -> None:
    save_as(app, "Shared bot")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")
    app.number_input(key=f"library.share_days.{design_id}").set_value(7).run()

    click(app, f"library.share.{design_id}")
    url = app.code[0].value
    app.run()
    shown_again = [code.value for code in app.code]
    (link,) = list_share_links(engine, design_id)
    click(app, f"library.revoke.{link.id}")

    assert url.startswith("http://localhost:8501/?share=")
    assert shown_again == []
    assert link.expires_at is not None
    assert link.expires_at - datetime.now(UTC) > timedelta(days=6)
    assert list_share_links(engine, design_id)[0].revoked


@pytest.mark.parametrize(
    ("browser_url", "setting", "expected"),
    [
        ("http://10.0.0.5:8600/library", None, "http://10.0.0.5:8600/?share="),
        ("https://tools.example.com/whiteboard/library", None,
         "https://tools.example.com/whiteboard/?share="),
        ("http://10.0.0.5:8600/library", "https://whiteboard.example.com/team/",
         "https://whiteboard.example.com/team/?share="),
        (None, None, "http://localhost:8501/?share="),
    ],
)  # fmt: skip
def test_the_share_url_is_the_app_s_root_as_the_browser_or_the_setting_names_it(
    app: AppTest,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    browser_url: str | None,
    setting: str | None,
    expected: str,
) -> None:
    if setting:
        monkeypatch.setenv("WHITEBOARD_BASE_URL", setting)
    app.context["url"] = browser_url
    save_as(app, "Linked bot")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")

    click(app, f"library.share.{design_id}")

    url = app.code[0].value
    assert url.startswith(expected)
    assert len(url.removeprefix(expected)) >= 43  # 256 random bits, URL-safe base64


def test_comments_on_a_saved_design_can_be_added_and_resolved(app: AppTest, engine: Engine) -> None:
    save_as(app, "Reviewed bot")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")
    prefix = f"library.{design_id}.comments"

    app.text_input(key=f"{prefix}.author").input("Grace")
    app.selectbox(key=f"{prefix}.phase").set_value("serving")
    app.selectbox(key=f"{prefix}.component").set_value("llm")
    app.text_area(key=f"{prefix}.body").input("Why **BF16** here?")
    app.button(key=f"{prefix}.add").click().run()
    (comment,) = list_comments(engine, design_id)
    click(app, f"{prefix}.resolve.{comment.id}")

    assert (comment.author, comment.phase, comment.component) == ("Grace", "serving", "llm")
    assert comment.body == "Why **BF16** here?"
    assert r"Why \*\*BF16\*\* here?" in [md.value for md in app.markdown]
    assert list_comments(engine, design_id)[0].resolved


def test_the_critique_s_findings_become_comments_once(app: AppTest, engine: Engine) -> None:
    save_as(app, "Critiqued bot")
    design_id = _only_id(engine)
    click(app, f"library.details.{design_id}")
    prefix = f"library.{design_id}.comments"

    click(app, f"{prefix}.from_findings")
    first = list_comments(engine, design_id)
    click(app, f"{prefix}.from_findings")

    assert first
    assert all(c.author == "Rubric" and c.source == "rubric" for c in first)
    assert list_comments(engine, design_id) == first
    assert "Every finding is already a comment." in app.success[0].value


def test_an_unusable_database_url_gives_a_clear_message_and_keeps_the_design(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(1_500).run()
    monkeypatch.setenv("DATABASE_URL", "mysql://app:hunter2@db.example/whiteboard")

    app.switch_page("pages/library.py").run()

    assert not app.exception
    assert "design library is unavailable" in app.error[0].value
    assert "hunter2" not in app.error[0].value
    assert app.session_state["design"].constraints.ttft_ms == 1_500
