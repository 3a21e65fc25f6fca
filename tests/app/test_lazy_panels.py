"""Panels hidden behind an expander or a tab are computed only when opened, and then show the
same content as before."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from db import create_share_link, save_design
from playbook import Design, update_design
from playbook.analysis import analyze
from playbook.compare import FIELD_LABELS
from playbook.design import catalog_for
from playbook.labels import escape_markdown
from tests.app.conftest import APP, open_expanders
from tests.app.library_support import app_engine
from ui import panels

SHARED = update_design(Design(title="Lazy panels"), "model", kind="self_hosted")


def _visit(app: AppTest) -> AppTest:
    engine = app_engine()
    token = create_share_link(engine, save_design(engine, SHARED).id).token
    visitor = AppTest.from_file(str(APP), default_timeout=30)
    visitor.query_params["share"] = token
    return visitor.run()


def _decisions(visitor: AppTest) -> list[str]:
    return [label for frame in visitor.dataframe for label in frame.value.get("Decision", [])]


def test_the_shared_view_draws_only_the_open_phase_tab(app: AppTest) -> None:
    visitor = _visit(app)
    # Phase 1's table beside the critique, and the first tab (Technique); not Model's.
    assert FIELD_LABELS["technique.rungs"] in _decisions(visitor)
    assert FIELD_LABELS["model.kind"] not in _decisions(visitor)

    visitor.session_state["shared.phase_tab"] = "Model"  # the visitor opens the Model tab
    visitor.run()

    assert FIELD_LABELS["model.kind"] in _decisions(visitor)
    assert FIELD_LABELS["technique.rungs"] not in _decisions(visitor)


def test_every_number_with_its_math_is_drawn_when_opened(app: AppTest) -> None:
    visitor = _visit(app)
    assert not any(md.value.startswith("**Formula:**") for md in visitor.markdown)
    headline = len(visitor.metric)  # the key numbers above the diagram, which have no math

    visitor.session_state["shared.numbers_open"] = True
    visitor.run()
    metrics = [m.label for m in visitor.metric]
    opened = open_expanders(visitor)  # each number's own "Show the math", drawn when opened

    assert "Cost per month" in metrics
    assert opened == len(metrics) - headline > 0
    assert any(md.value.startswith("**Formula:**") for md in visitor.markdown)


def test_the_math_of_each_bill_line_is_drawn_when_opened(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    design = app.session_state["design"]
    lines = analyze(design, catalog_for(design)).bill.estimates
    heads = [f"**{escape_markdown(estimate.name)}**: {estimate.shown()}" for estimate in lines]
    assert lines
    assert not any(md.value in heads for md in app.markdown)

    app.session_state[panels.BILL_MATH] = True
    app.run()

    assert [md.value for md in app.markdown if md.value in heads] == heads
