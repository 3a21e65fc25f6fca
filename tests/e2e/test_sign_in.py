"""Sign-in for teams against a real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1.

With `[auth]` in the secrets the app shows nothing but a sign-in screen until the provider says
who the user is; a share link still opens without an account.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import create_share_link, make_engine, save_design
from playbook import Design
from tests.e2e.oidc import sign_in

pytestmark = pytest.mark.browser


def test_nothing_shows_before_sign_in_and_the_user_is_named_after(
    page: Page, team_app: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(team_app)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.screenshot(path=artifacts / "e2e-sign-in.png")

    sign_in(page, team_app, "ada@example.com")

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("ada@example.com")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    page.screenshot(path=artifacts / "e2e-signed-in.png")
    sidebar.get_by_role("button", name="Sign out").click()
    # Signing out ends the provider's session too (OpenID Connect RP-initiated logout).
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=20_000)


def test_a_share_link_opens_without_an_account(
    page: Page, team_app: str, team_database: str
) -> None:
    engine = make_engine(team_database)
    saved = save_design(engine, Design(title="Shared with a client"))
    token = create_share_link(engine, saved.id).token

    page.goto(f"{team_app}/?share={token}")

    heading = page.get_by_role("heading", name="Shared with a client", level=1)
    expect(heading).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
