"""A share link opened in Chromium: the design read-only with its diagram, a reviewer's comment,
a link made in the library's Share tab, and one plain message for a bad token."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import SHARE_LINK_MESSAGE, create_share_link, make_engine, save_design, upgrade
from playbook import Design, update_design

pytestmark = pytest.mark.browser

SHARED = update_design(
    Design(title="Contract QA on-prem", scenario="document-qa", author="Ada"),
    "model", kind="self_hosted",
)  # fmt: skip


@pytest.fixture(scope="module")
def token(app_url: str, app_database_url: str) -> str:
    """Save SHARED in the served app's database and return a share token for it."""
    engine = make_engine(app_database_url)
    upgrade(engine)  # the app migrates on its first page; the test may get there first
    saved = save_design(engine, SHARED)
    return create_share_link(engine, saved.id).token


def _wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def _screenshot(page: Page, path: Path) -> None:
    # Streamlit scrolls inside its main block, so a full-page shot shows one viewport: grow it.
    page.set_viewport_size({"width": 1400, "height": 3600})
    _wait_idle(page)
    page.screenshot(path=path)


def test_a_share_link_shows_the_design_and_its_diagram_read_only(
    page: Page, app_url: str, token: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto(f"{app_url}/?share={token}")

    expect(page.get_by_role("heading", name="Contract QA on-prem", level=1)).to_be_visible()
    chart = page.locator(".dv-root")
    expect(chart.locator("svg")).to_be_visible(timeout=20_000)
    expect(chart.locator("svg")).to_contain_text("Contract QA on-prem")
    expect(page.get_by_text("Cost per month").first).to_be_visible()
    expect(page.get_by_text("Shared design, read-only")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    _wait_idle(page)
    _screenshot(page, artifacts / "e2e-share-view.png")


def test_a_reviewer_leaves_a_comment_through_the_link(
    page: Page, app_url: str, token: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/?share={token}")
    expect(page.get_by_role("heading", name="Contract QA on-prem", level=1)).to_be_visible()

    page.get_by_label("Your name").fill("Grace")
    page.get_by_label("Comment", exact=True).fill("Is one H100 enough at the peak load?")
    page.get_by_role("button", name="Add comment").click()

    expect(page.get_by_text("Comment added.")).to_be_visible()
    _wait_idle(page)
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")
    expect(page.get_by_text("Is one H100 enough at the peak load?")).to_be_visible()
    expect(page.get_by_text("1 open, 0 resolved")).to_be_visible()
    _screenshot(page, artifacts / "e2e-share-comment.png")


def test_a_link_made_in_the_library_opens_the_design(
    page: Page, app_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Saved designs").click()
    page.get_by_label("Title to save under").fill("Library-made link")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Saved “Library-made link”")).to_be_visible()
    _wait_idle(page)
    page.get_by_role("button", name="Details").first.click()  # newest first: the one just saved
    _wait_idle(page)
    page.get_by_role("tab", name="Share").click()

    page.get_by_role("button", name="Create share link").click()

    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("?share=")
    _screenshot(page, artifacts / "e2e-share-created.png")
    url = code.inner_text().strip()
    assert url.startswith(f"{app_url}/?share=")
    page.goto(url)
    expect(page.get_by_role("heading", name="Library-made link", level=1)).to_be_visible()


def test_a_garbage_token_gets_the_plain_message_and_nothing_else(
    page: Page, app_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto(f"{app_url}/?share=garbage-token")

    expect(page.get_by_text(SHARE_LINK_MESSAGE)).to_be_visible()
    expect(page.locator(".dv-root")).to_have_count(0)
    _screenshot(page, artifacts / "e2e-share-bad-token.png")
