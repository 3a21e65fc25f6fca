"""A share link opened in Chromium: the design read-only with its diagram, a reviewer's comment
through a link that allows them, a link made in the library's Share tab, and one plain message
for a bad token."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import (
    SHARE_LINK_MESSAGE,
    create_share_link,
    list_designs,
    make_engine,
    save_design,
    upgrade,
)
from playbook import Design, update_design

pytestmark = pytest.mark.browser
FIRST_LOAD_MS = 60_000  # a cold server's first page imports everything; 2 busy cores are slow


SHARED = update_design(
    Design(title="Contract QA on-prem", scenario="document-qa", author="Ada"),
    "model", kind="self_hosted",
)  # fmt: skip


@pytest.fixture(scope="module")
def token(app_url: str, app_database_url: str) -> str:
    """Save SHARED in the served app's database and return a share token for it that allows
    comments."""
    engine = make_engine(app_database_url)
    upgrade(engine)  # the app migrates on its first page; the test may get there first
    saved = save_design(engine, SHARED)
    return create_share_link(engine, saved.id, allow_comments=True).token


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

    expect(page.get_by_role("heading", name="Contract QA on-prem", level=1)).to_be_visible(
        timeout=FIRST_LOAD_MS
    )
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
    expect(page.get_by_role("heading", name="Contract QA on-prem", level=1)).to_be_visible(
        timeout=FIRST_LOAD_MS
    )

    page.get_by_label("Your name").fill("Grace")
    page.get_by_label("Comment", exact=True).fill("Is one H100 enough at the peak load?")
    page.get_by_role("button", name="Add comment").click()

    expect(page.get_by_text("Comment added.")).to_be_visible()
    _wait_idle(page)
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")
    expect(page.get_by_text("Is one H100 enough at the peak load?")).to_be_visible()
    expect(page.get_by_text("1 open, 0 resolved")).to_be_visible()
    _screenshot(page, artifacts / "e2e-share-comment.png")


def _id_of(database_url: str, title: str) -> int:
    (found,) = [d for d in list_designs(make_engine(database_url)).items if d.title == title]
    return found.id


def test_a_link_made_in_the_library_opens_the_design(
    page: Page, app_url: str, app_database_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    library = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Saved designs")
    library.click(timeout=FIRST_LOAD_MS)
    page.get_by_label("Title to save under").fill("Library-made link")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Saved “Library-made link”")).to_be_visible()
    # The row of this design, by its button's key: "the first Details" may still be another
    # design's while the list redraws (it failed a clean-clone run 1 in 3).
    design_id = _id_of(app_database_url, "Library-made link")
    details = page.locator(f".st-key-library-details-{design_id}").get_by_role(
        "button", name="Details"
    )
    expect(details).to_have_count(1)  # one row, drawn once: no stale copy from the last run
    details.click()
    share_tab = page.get_by_role("tab", name="Share")  # only an open panel has the tab
    share_tab.click()
    expect(share_tab).to_have_attribute("aria-selected", "true")

    page.get_by_role("button", name="Create share link").click()

    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("?share=")
    expect(page.get_by_text("read-only · active, never expires")).to_be_visible()
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
