"""The reference architectures page loads a reference into every phase and draws it beside yours."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playbook import Design, retitle_design
from playbook.labels import escape_markdown
from playbook.scenarios import load_scenario, scenario_names
from tests.app.conftest import viewer_data

PAGE = "pages/references.py"


def _open(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _load(at: AppTest, name: str) -> None:
    at.button(key=f"references.load.{name}").click().run()
    assert not at.exception, at.exception


def test_the_page_lists_every_reference_with_a_load_button(app: AppTest) -> None:
    _open(app)

    keys = {button.key for button in app.button}
    shown = " ".join(md.value for md in app.markdown).replace("\\", "")

    for name in scenario_names():
        assert f"references.load.{name}" in keys
        assert load_scenario(name).title in shown


def test_loading_a_reference_makes_it_the_design_and_says_so(app: AppTest) -> None:
    _open(app)

    _load(app, "document-qa")

    assert app.session_state["design"] == load_scenario("document-qa")
    assert "as your starting point" in app.success[0].value


def test_after_loading_the_constraints_page_shows_the_references_numbers(app: AppTest) -> None:
    _open(app)
    _load(app, "document-qa")

    app.switch_page("pages/constraints.py").run()

    c = load_scenario("document-qa").constraints
    assert not app.exception, app.exception
    assert app.slider(key="constraints.accuracy_bar_pct").value == c.accuracy_bar_pct
    assert app.select_slider(key="constraints.ttft_ms").value == c.ttft_ms
    assert app.select_slider(key="constraints.cost_per_request_usd").value == (
        c.cost_per_request_usd
    )
    assert app.select_slider(key="constraints.peak_qps").value == c.peak_qps


@pytest.mark.parametrize("name", scenario_names())
def test_every_phase_page_runs_on_every_reference(app: AppTest, name: str) -> None:
    _open(app)
    _load(app, name)

    for page in ("technique", "model", "retrieval", "serving", "evaluation", "diagram"):
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, (page, app.exception)


def test_loading_over_an_edited_design_asks_first_and_cancel_keeps_it(app: AppTest) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()
    edited = app.session_state["design"]
    _open(app)

    _load(app, "support-bot")

    assert app.session_state["design"] == edited
    assert "replaces your current design" in app.warning[0].value
    app.button(key="references.cancel").click().run()
    assert app.session_state["design"] == edited
    assert not app.warning


def test_confirming_the_replacement_loads_the_reference(app: AppTest) -> None:
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()
    _open(app)
    _load(app, "support-bot")

    app.button(key="references.confirm").click().run()

    assert app.session_state["design"] == load_scenario("support-bot")
    assert not app.warning


def test_one_reference_replaces_another_without_asking(app: AppTest) -> None:
    _open(app)
    _load(app, "code-assistant")

    _load(app, "meeting-summarizer")

    assert app.session_state["design"] == load_scenario("meeting-summarizer")


def test_a_loaded_reference_is_not_a_revision_of_the_saved_design_opened_before(
    app: AppTest,
) -> None:
    app.session_state["library.opened"] = (7, 3, 3)
    _open(app)

    _load(app, "document-qa")

    assert "library.opened" not in app.session_state
    assert app.session_state["library.title"] == load_scenario("document-qa").title


def test_compare_draws_the_chosen_reference_beside_your_design(app: AppTest) -> None:
    _open(app)

    app.selectbox(key="references.compare").set_value("support-bot").run()

    svgs = [str(data["svg"]) for data in viewer_data(app)]
    assert len(svgs) == 2
    assert Design().title in svgs[0]
    assert load_scenario("support-bot").title in svgs[1]
    assert 'data-node="router"' in svgs[1]  # the support bot routes; the default does not
    assert 'data-node="router"' not in svgs[0]


def test_your_title_is_shown_as_plain_text(app: AppTest) -> None:
    app.session_state["design"] = retitle_design(Design(), title="[x](javascript:alert(1)) **b**")

    _open(app)

    shown = next(md.value for md in app.markdown if md.value.startswith("**Yours"))
    assert "](javascript" not in shown
    assert escape_markdown("[x](javascript:alert(1))") in shown
