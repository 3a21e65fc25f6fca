"""The pages read the one analysis: the Serving page, the diagram and the critique agree."""

from __future__ import annotations

import html
import re

from streamlit.testing.v1 import AppTest

from playbook import critic
from playbook.analysis import analyze
from playbook.design import catalog_for
from playbook.format import duration
from playbook.planner import plan_for_design
from tests.app.conftest import diagram_of
from ui import panels

NONSENSE = re.compile(r"\binf\b|\bnan\b|\d[eE][+-]\d|(?<![\w\\])-\d[\d,.]* ?(GiB|MiB|GB)")


def _drawn_text(at: AppTest) -> str:
    """Return the words the diagram page's viewer draws, tags stripped, entities decoded."""
    svg = diagram_of(at)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", svg)).split())


def _texts(at: AppTest) -> list[str]:
    boxes = [*at.success, *at.error, *at.warning, *at.info, *at.markdown, *at.caption]
    return [str(box.value) for box in boxes] + [str(m.value) for m in at.metric]


def _self_hosted(at: AppTest, model: str = "llama-3.1-8b") -> None:
    at.switch_page("pages/model.py").run()
    at.radio(key="model.kind").set_value("self_hosted").run()
    at.selectbox(key="model.open_model").set_value(model).run()


def test_the_serving_page_the_diagram_and_the_critique_give_one_first_token_verdict(
    app: AppTest,
) -> None:
    design = app.session_state["design"]
    found = analyze(design, catalog_for(design))
    check = found.check("ttft")
    assert check is not None
    assert not check.ok  # the default design: 628 ms of retrieval + GPT-4o's 390 ms > 800 ms
    assert found.timeline.ttft_ms is not None

    app.switch_page("pages/serving.py").run()
    serving = [box.value for box in app.error]
    drawn = _drawn_text(app)
    app.switch_page("pages/critique.py").run()
    critique = [md.value for md in app.markdown]

    assert critic.plain(check.text) in serving  # verdicts are shown through the one escaper
    assert f"first token {duration(found.timeline.ttft_ms)} > 800 ms budget" in drawn
    assert any(critic.plain(check.text) in text for text in critique)


def test_the_cheapest_setup_puts_exactly_its_numbers_on_the_serving_page_and_diagram(
    app: AppTest,
) -> None:
    _self_hosted(app, "llama-3.1-70b")
    design = app.session_state["design"]
    plan = plan_for_design(design, catalog_for(design))
    assert plan is not None
    row = plan.rows[0]
    app.session_state[panels.PLANNER_OPEN] = True  # the planner's expander, opened
    app.switch_page("pages/serving.py").run()

    app.button(key="serving.use_plan").click().run()
    applied = app.session_state["design"]
    found = analyze(applied, catalog_for(applied))
    drawn = _drawn_text(app)
    app.switch_page("pages/serving.py").run()

    boxes = [box.value for box in app.success]
    chosen = f"{row.replicas} replica(s) chosen; {row.replicas} needed at peak"
    assert critic.plain(chosen) in boxes  # verdicts are shown through the one escaper
    assert found.timeline.model_ttft_ms is not None
    assert duration(found.timeline.model_ttft_ms) == duration(row.ttft_ms)
    assert f"TTFT {duration(row.ttft_ms)}" in drawn
    assert f"ITL {duration(row.itl_ms)}" in drawn


def test_any_replica_count_the_page_asks_for_can_be_entered(app: AppTest) -> None:
    _self_hosted(app)
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.peak_qps").set_value(200.0).run()
    app.switch_page("pages/serving.py").run()
    design = app.session_state["design"]
    needed = analyze(design, catalog_for(design)).capacity
    assert needed is not None
    assert needed.replicas_needed is not None
    asked = needed.replicas_needed
    assert any(f"needs {asked} replicas" in box.value for box in app.error)

    app.number_input(key="serving.replicas").set_value(asked).run()

    assert app.session_state["design"].serving.replicas == asked
    chosen = critic.plain(f"{asked} replica(s) chosen; {asked} needed at peak")
    assert chosen in [b.value for b in app.success]


def test_a_model_that_does_not_fit_is_never_priced_as_within(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")

    texts = _texts(app)

    assert any(text.startswith("Not priced as within: does not fit") for text in texts)
    assert not any(text.endswith(": within") for text in texts)


def test_the_pages_print_no_infinity_and_no_scientific_notation(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.peak_qps").set_value(1_000.0).run()

    for page in ("pages/model.py", "pages/serving.py", "pages/retrieval.py"):
        app.switch_page(page).run()
        assert not app.exception, app.exception
        for text in _texts(app):
            assert not NONSENSE.search(text), (page, text)


def test_user_counts_take_any_value(app: AppTest) -> None:
    app.switch_page("pages/constraints.py").run()

    app.number_input(key="constraints.concurrent_users").set_value(1_234).run()
    app.number_input(key="constraints.monthly_active_users").set_value(123_457).run()

    constraints = app.session_state["design"].constraints
    assert (constraints.concurrent_users, constraints.monthly_active_users) == (1_234, 123_457)
