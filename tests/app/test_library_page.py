"""The library page saves the current design, lists saved ones newest first, and loads one back."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _save_as(at: AppTest, title: str) -> None:
    at.switch_page("pages/library.py").run()
    at.text_input(key="library.title").input(title).run()
    at.button(key="library.save").click().run()
    assert not at.exception, at.exception


def _listed_titles(at: AppTest) -> list[str]:
    bold = [md.value for md in at.markdown if md.value.startswith("**")]
    return [value.strip("*").replace("\\", "") for value in bold]


def test_saving_lists_the_design_with_a_confirmation(app: AppTest) -> None:
    _save_as(app, "Contracts QA")

    assert "Saved “Contracts QA”" in app.success[0].value
    assert _listed_titles(app) == ["Contracts QA"]


def test_saved_designs_are_listed_newest_first(app: AppTest) -> None:
    for title in ("First", "Second", "Third"):
        _save_as(app, title)

    assert _listed_titles(app) == ["Third", "Second", "First"]


def test_loading_a_saved_design_restores_every_phase(app: AppTest) -> None:
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
    _save_as(app, "Tuned support bot")
    saved = app.session_state["design"]
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(300).run()
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("hosted").run()

    app.switch_page("pages/library.py").run()
    load = next(button for button in app.button if button.key.startswith("library.load."))
    load.click().run()

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


def test_saving_without_a_title_asks_for_one_and_saves_nothing(app: AppTest) -> None:
    _save_as(app, "   ")

    assert "Give the design a title" in app.error[0].value
    assert _listed_titles(app) == []


def test_a_title_with_markdown_is_shown_as_plain_text(app: AppTest) -> None:
    _save_as(app, "[click](javascript:alert(1)) **loud**")

    shown = next(md.value for md in app.markdown if md.value.startswith("**"))
    assert "](javascript" not in shown
    assert r"\[click\]\(javascript\:alert\(1\)\)" in shown


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
