"""Reference architectures load in Chromium and draw readable diagrams (README screenshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("name", "title_part"),
    [("code-assistant", "Code assistant for a"), ("document-qa", "Contracts Q&A")],
)
def test_a_reference_architecture_loads_and_draws_its_diagram(
    page: Page, app_url: str, artifacts: Path, name: str, title_part: str
) -> None:
    page.set_viewport_size({"width": 2000, "height": 1200})
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Reference architectures").click()
    page.locator(f".st-key-references-load-{name} button").first.click()
    expect(page.get_by_text("as your starting point: every phase")).to_be_visible()

    nav.get_by_role("link", name="Diagram").click()
    # While the page reruns, the previous diagram can still be on screen beside the new one.
    svg = page.locator('[data-testid="stGraphVizChart"] svg', has_text=title_part)

    expect(svg.first).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stGraphVizChart")).to_have_count(1, timeout=20_000)
    expect(svg).to_have_count(1, timeout=20_000)
    page.get_by_test_id("stGraphVizChart").screenshot(path=artifacts / f"reference-{name}.png")
