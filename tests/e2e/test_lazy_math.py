"""In Chromium, a "Show the math" drawn only when opened shows its formula once clicked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _open_page(page: Page, app_url: str, title: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.get_by_role("heading", name="1 · Constraints", level=1)).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


@pytest.mark.parametrize("title", ["4 · Retrieval", "Critique"])
def test_opening_show_the_math_draws_the_formula(page: Page, app_url: str, title: str) -> None:
    _open_page(page, app_url, title)
    first = page.get_by_test_id("stExpander").filter(has_text="Show the math").first
    expect(first).to_be_visible()
    expect(page.get_by_text("Formula:")).to_have_count(0)  # nothing drawn while closed

    first.get_by_text("Show the math").click()

    expect(first.get_by_text("Formula:").first).to_be_visible(timeout=20_000)
