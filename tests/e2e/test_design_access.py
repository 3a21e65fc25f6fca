"""Designs are private to their owner until shared, in Chromium against a real OpenID Connect
provider: Ada saves a design, Grace (another browser) does not see it; Ada grants Grace
reviewer in the Access tab; Grace sees it, comments, and has no delete, share or access controls.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from db import list_access, list_comments, list_designs, make_engine
from tests.e2e.oidc import sign_in

pytestmark = pytest.mark.browser

ADA, GRACE = "ada@example.com", "grace@example.com"
TITLE = "Ada's retrieval plan"
SLOW_MS = 20_000  # first page loads and sign-in round trips on a busy machine


def _library(page: Page) -> None:
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Saved designs")
    link.click(timeout=SLOW_MS)
    expect(page.get_by_label("Title to save under")).to_be_visible(timeout=SLOW_MS)


def _open_details(page: Page, design_id: int) -> None:
    details = page.locator(f".st-key-library-details-{design_id}").get_by_role(
        "button", name="Details"
    )
    expect(details).to_have_count(1)
    details.click()


def _new_page(browser: Browser) -> Page:
    # A context of its own: its own cookies, so its own sign-in (app and provider).
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(SLOW_MS)
    return context.new_page()


def test_a_design_is_private_until_its_owner_shares_it_as_reviewer(
    browser: Browser, team_app: str, team_database: str, artifacts: Path
) -> None:
    engine = make_engine(team_database)
    ada, grace = _new_page(browser), _new_page(browser)

    sign_in(ada, team_app, ADA)
    _library(ada)
    ada.get_by_label("Title to save under").fill(TITLE)
    ada.get_by_role("button", name="Save design").click()
    expect(ada.get_by_text(f"Saved “{TITLE}”")).to_be_visible()
    (saved,) = list_designs(engine, user=f"oidc:{ADA}").items
    assert saved.owner == f"oidc:{ADA}"

    sign_in(grace, team_app, GRACE)
    _library(grace)
    expect(grace.get_by_text("No saved design matches.").first).to_be_visible()
    expect(grace.get_by_text(TITLE)).to_have_count(0)

    _open_details(ada, saved.id)
    access_tab = ada.get_by_role("tab", name="Access")
    access_tab.click()
    expect(access_tab).to_have_attribute("aria-selected", "true")
    ada.get_by_role("textbox", name="Person's sign-in id or e-mail").fill(GRACE)
    ada.get_by_role("button", name="Share", exact=True).click()
    # The page's escaper puts a word joiner after "@" (no autolink): match around it.
    expect(ada.get_by_text(re.compile(r"^grace@\W?example\.com · reviewer$"))).to_be_visible()
    assert [(g.grantee, g.role) for g in list_access(engine, saved.id, user=f"oidc:{ADA}")] == [
        (f"oidc:{GRACE}", "reviewer")
    ]
    ada.screenshot(path=artifacts / "e2e-access-granted.png", full_page=True)

    grace.reload()
    expect(grace.get_by_text(TITLE)).to_be_visible(timeout=SLOW_MS)
    expect(grace.get_by_text("Shared with you · reviewer")).to_be_visible()
    _open_details(grace, saved.id)
    expect(grace.get_by_text("Shared with you as reviewer", exact=False)).to_be_visible()
    expect(grace.get_by_role("tab", name="Share")).to_have_count(0)
    expect(grace.get_by_role("tab", name="Access")).to_have_count(0)
    grace.get_by_role("tab", name="Copy, export").click()
    expect(grace.get_by_role("button", name="Duplicate")).to_be_visible()
    expect(grace.get_by_role("button", name="Delete (can be restored)")).to_have_count(0)
    expect(grace.get_by_role("button", name="Create share link")).to_have_count(0)

    grace.get_by_role("tab", name="Comments").click()
    grace.get_by_label("Your name").fill("Grace")
    grace.get_by_label("Comment", exact=True).fill("Why two rerankers?")
    grace.get_by_role("button", name="Add comment").click()
    expect(grace.get_by_text("Comment added.")).to_be_visible()
    thread = grace.get_by_role("paragraph").filter(has_text="Why two rerankers?")
    expect(thread).to_be_visible()  # in the thread, not only in the comment box
    grace.screenshot(path=artifacts / "e2e-access-reviewer.png", full_page=True)
    (comment,) = list_comments(engine, saved.id, user=f"oidc:{ADA}")
    assert comment.body == "Why two rerankers?"
