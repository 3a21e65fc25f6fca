"""The compare page: two designs, or two revisions of one, their differing decisions and numbers,
and both diagrams side by side."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db import grant_access, list_designs, load_design, revoke_access, save_design, save_revision
from playbook import Design, update_design
from tests.app.conftest import viewer_data
from tests.app.library_support import app_engine, click, open_library, save_as
from ui import auth

ADA, GRACE = "oidc:ada", "oidc:grace"


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


def _two_revisions(engine: Engine) -> int:
    """Save a hosted design as revision 1 and a self-hosted, tighter one as revision 2."""
    first = save_design(engine, Design(title="Support bot"))
    second = update_design(
        update_design(Design(title="Support bot"), "constraints", ttft_ms=2_000),
        "model", kind="self_hosted",
    )  # fmt: skip
    save_revision(engine, first.id, second, base_revision=1)
    return first.id


def _pick(at: AppTest, side: str, *, design: int, revision: int | None = None) -> None:
    at.selectbox(key=f"compare.{side}.design").set_value(design).run()
    if revision is not None:
        at.selectbox(key=f"compare.{side}.revision").set_value(revision).run()
    assert not at.exception, at.exception


def _rows(at: AppTest, index: int, column: str) -> dict[str, tuple[str, str]]:
    table = at.dataframe[index].value
    return {row[column]: (row["Left"], row["Right"]) for _, row in table.iterrows()}


def test_two_revisions_show_the_decisions_and_numbers_that_differ(
    app: AppTest, engine: Engine
) -> None:
    design_id = _two_revisions(engine)
    app.switch_page("pages/compare.py").run()

    _pick(app, "left", design=design_id, revision=1)
    _pick(app, "right", design=design_id, revision=2)

    decisions = _rows(app, 0, "Decision")
    assert decisions == {
        "Time to first token, TTFT (ms)": ("800", "2,000"),
        "Model class": ("Hosted API", "Self-hosted open model"),
    }
    numbers = _rows(app, 1, "Number")
    # A hosted model has a first token too (its published latency); the self-hosted 8B cannot
    # carry 10 QPS on one replica, so its side names the state instead of a number.
    assert numbers["Time to first token"][0].endswith(" s")
    assert numbers["Time to first token"][1] == "no estimate: overloaded"
    assert numbers["Cost per month"][0] != numbers["Cost per month"][1]


def test_both_diagrams_are_drawn_side_by_side_with_their_names(
    app: AppTest, engine: Engine
) -> None:
    design_id = _two_revisions(engine)
    app.switch_page("pages/compare.py").run()

    _pick(app, "left", design=design_id, revision=1)
    _pick(app, "right", design=design_id, revision=2)

    assert [data["svg"].count("Support bot") > 0 for data in viewer_data(app)] == [True, True]
    captions = [c.value for c in app.caption]
    assert f"Left: #{design_id} “Support bot”, revision 1" in captions
    assert f"Right: #{design_id} “Support bot”, revision 2" in captions


def test_the_current_design_is_compared_with_the_saved_one_it_was_opened_from(
    app: AppTest,
) -> None:
    save_as(app, "Draft")
    app.switch_page("pages/constraints.py").run()
    app.select_slider(key="constraints.ttft_ms").set_value(2_000).run()

    app.switch_page("pages/compare.py").run()

    assert app.selectbox(key="compare.left.design").value == 0
    assert _rows(app, 0, "Decision") == {"Time to first token, TTFT (ms)": ("2,000", "800")}


def test_the_same_design_on_both_sides_differs_in_nothing(app: AppTest) -> None:
    app.switch_page("pages/compare.py").run()

    _pick(app, "right", design=0)

    assert [i.value for i in app.info] == ["No decision differs.", "No key number differs."]
    assert not app.dataframe


def test_the_search_box_narrows_the_designs_to_pick_from(app: AppTest, engine: Engine) -> None:
    for title in ("Pricing agent", "Support bot"):
        save_design(engine, Design(title=title))
    app.switch_page("pages/compare.py").run()

    app.text_input(key="compare.left.query").input("pricing").run()

    options = app.selectbox(key="compare.left.design").options
    assert options == ["Your current design", f"#{_id_of(engine, 'Pricing agent')} Pricing agent"]


def _id_of(engine: Engine, title: str) -> int:
    return next(item.id for item in list_designs(engine).items if item.title == title)


def test_compare_from_the_revision_history_opens_on_that_revision_and_the_newest(
    app: AppTest, engine: Engine
) -> None:
    design_id = _two_revisions(engine)
    open_library(app)
    click(app, f"library.details.{design_id}")
    app.selectbox(key=f"library.revision.{design_id}").set_value(1).run()

    click(app, f"library.compare.{design_id}")

    assert app.selectbox(key="compare.left.revision").value == 1
    assert app.selectbox(key="compare.right.revision").value == 2
    assert "Model class" in _rows(app, 0, "Decision")
    assert load_design(engine, design_id, revision=1).model.kind == "hosted"


def test_compare_from_the_history_with_the_newest_picked_compares_it_with_the_one_before(
    app: AppTest, engine: Engine
) -> None:
    design_id = _two_revisions(engine)
    open_library(app)
    click(app, f"library.details.{design_id}")

    click(app, f"library.compare.{design_id}")

    assert app.selectbox(key="compare.left.revision").value == 1
    assert app.selectbox(key="compare.right.revision").value == 2


def test_a_revision_read_once_is_still_refused_after_its_access_is_withdrawn(
    app: AppTest, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    design_id = save_design(engine, Design(title="Ada's design"), user=ADA).id
    grant_access(engine, design_id, grantee=GRACE, role="reviewer", user=ADA)
    monkeypatch.setattr(auth, "user_id", lambda: GRACE)  # Grace is signed in
    app.switch_page("pages/compare.py").run()
    _pick(app, "right", design=design_id, revision=1)
    assert "“Ada's design”, revision 1" in app.caption[-1].value

    revoke_access(engine, design_id, grantee=GRACE, user=ADA)
    app.run()

    assert "Cannot show this side" in app.error[0].value
    assert not viewer_data(app)  # nothing of the design is drawn any more
