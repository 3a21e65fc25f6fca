"""The library's Access tab (owner only) and what someone a design is shared with sees."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db import WORKSPACE, grant_access, list_access, list_designs, save_design
from playbook import Design
from tests.app.library_support import app_engine, click, listed_titles, open_library, save_as
from ui import auth

ADA, GRACE = "oidc:ada", "oidc:grace"


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


def _markdown(at: AppTest) -> str:
    return "\n".join(md.value for md in at.markdown)


def _keys(at: AppTest) -> set[str]:
    return {button.key for button in at.button if button.key}


def test_the_owner_shares_with_a_person_and_the_workspace_and_removes_a_grant(
    app: AppTest, engine: Engine
) -> None:
    save_as(app, "Team design")
    design_id = list_designs(engine).items[0].id
    click(app, f"library.details.{design_id}")
    prefix = f"library.access.{design_id}"
    assert "Private: only you can see this design." in [c.value for c in app.caption]

    app.text_input(key=f"{prefix}.person").input("grace").run()
    app.selectbox(key=f"{prefix}.person_role").set_value("editor").run()
    click(app, f"{prefix}.share_person")
    app.selectbox(key=f"{prefix}.workspace_role").set_value("reviewer").run()
    click(app, f"{prefix}.workspace")

    granted = [(g.grantee, g.role) for g in list_access(engine, design_id)]
    assert granted == [(WORKSPACE, "reviewer"), (GRACE, "editor")]
    shown = _markdown(app)
    assert "Everyone in the workspace · reviewer" in shown
    assert "grace · editor" in shown

    click(app, f"{prefix}.remove.{GRACE}")
    assert [(g.grantee, g.role) for g in list_access(engine, design_id)] == [
        (WORKSPACE, "reviewer")
    ]
    assert "grace · editor" not in _markdown(app)


def test_sharing_with_nobody_named_says_which_field_is_missing(
    app: AppTest, engine: Engine
) -> None:
    save_as(app, "Team design")
    design_id = list_designs(engine).items[0].id
    click(app, f"library.details.{design_id}")

    click(app, f"library.access.{design_id}.share_person")

    errors = [e.value for e in app.error]
    assert any("Person's sign-in id or e-mail" in e for e in errors), errors
    assert list_access(engine, design_id) == []


def test_a_reviewer_sees_the_shared_design_and_their_role_but_no_owner_controls(
    app: AppTest, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = save_design(engine, Design(title="Ada's shared", author="Ada"), user=ADA).id
    save_design(engine, Design(title="Ada's private", author="Ada"), user=ADA)
    grant_access(engine, shared, grantee=GRACE, role="reviewer", user=ADA)
    monkeypatch.setattr(auth, "user_id", lambda: GRACE)  # Grace is signed in

    open_library(app)
    assert listed_titles(app) == ["Ada's shared"]
    assert "Shared with you · reviewer" in _markdown(app)
    click(app, f"library.details.{shared}")

    captions = " ".join(c.value for c in app.caption)
    assert "Shared with you as reviewer" in captions
    keys = _keys(app)
    assert f"library.load.{shared}" in keys  # reading is allowed
    for owner_only in (
        f"library.delete.{shared}",
        f"library.share.{shared}",
        f"library.access.{shared}.workspace",
        f"library.access.{shared}.share_person",
    ):
        assert owner_only not in keys
    assert [tab.label for tab in app.tabs] == ["History", "Comments", "Copy, export"]
