"""Every page listed in the navigation runs, and the phase pages keep their values."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playbook.labels import escape_markdown
from ui.navigation import SECTIONS

ALL_PAGES = [spec.path for specs in SECTIONS.values() for spec in specs]


def test_the_navigation_lists_six_phases_then_results_library_and_interview() -> None:
    assert list(SECTIONS) == ["Design", "Result", "Library", "Interview"]
    assert [spec.phase for spec in SECTIONS["Design"]] == [
        "constraints", "technique", "model", "retrieval", "serving", "evaluation",
    ]  # fmt: skip


@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_runs_without_an_exception(app: AppTest, path: str) -> None:
    app.switch_page(path).run()

    assert not app.exception, app.exception
    assert app.title[0].value


@pytest.mark.parametrize(
    "path",
    [
        "pages/technique.py",
        "pages/model.py",
        "pages/retrieval.py",
        "pages/serving.py",
        "pages/evaluation.py",
    ],
)
def test_every_page_also_runs_with_every_option_switched_on(app: AppTest, path: str) -> None:
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(
        ["prompt", "few_shot", "rag", "lora", "continued_pretraining"]
    ).run()
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("routing").run()

    app.switch_page(path).run()

    assert not app.exception, app.exception


def test_a_constraint_survives_reruns_and_moving_between_pages(app: AppTest) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(1_500).run()
    app.toggle(key="constraints.on_prem").set_value(True).run()
    app.text_area(key="constraints.notes").input("assume EU users").run()

    app.switch_page("pages/serving.py").run()
    app.switch_page("pages/library.py").run()
    app.switch_page("pages/constraints.py").run()

    assert app.select_slider(key="constraints.ttft_ms").value == 1_500
    assert app.toggle(key="constraints.on_prem").value is True
    assert app.text_area(key="constraints.notes").value == "assume EU users"


def test_retrieval_choices_are_hidden_with_a_reason_when_the_technique_has_no_rag(
    app: AppTest,
) -> None:
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(["prompt", "few_shot"]).run()

    app.switch_page("pages/retrieval.py").run()

    assert "does not include RAG" in app.info[0].value
    assert not app.select_slider  # no chunking, index or reranker choices


def test_serving_choices_are_hidden_with_a_reason_for_a_hosted_model(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("hosted").run()

    app.switch_page("pages/serving.py").run()

    assert "hosted API" in app.info[0].value
    assert not app.selectbox


def test_a_refused_change_says_why_and_keeps_the_last_valid_value(app: AppTest) -> None:
    app.switch_page("pages/retrieval.py").run()
    app.select_slider(key="retrieval.chunk_tokens").set_value(128).run()

    app.slider(key="retrieval.chunk_overlap_tokens").set_value(256).run()

    # Named by the label the page shows, never by the field's path.
    assert escape_markdown("Chunk overlap (tokens): must be smaller than") in app.error[0].value
    assert "chunk_overlap_tokens" not in app.error[0].value
    assert app.slider(key="retrieval.chunk_overlap_tokens").value == 64
    assert app.select_slider(key="retrieval.chunk_tokens").value == 128


def test_a_failure_mode_that_cannot_happen_is_disabled(app: AppTest) -> None:
    app.switch_page("pages/evaluation.py").run()

    blocked = app.selectbox(key="evaluation.mitigations.kv_cache_oom")
    assert blocked.disabled
    assert "not applicable: the provider runs the KV cache" in blocked.label
    assert not app.selectbox(key="evaluation.mitigations.hallucination").disabled
