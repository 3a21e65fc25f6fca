"""In Chromium: the Serving page's charts (plain Vega-Lite specs with Arrow datasets) draw, and
the reverse planner, drawn only when its expander opens, appears when the user opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def _open(page: Page, link: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=link, level=1)).to_be_visible()


def test_serving_charts_draw_and_the_planner_opens_on_demand(
    page: Page, app_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    _open(page, "3 · Model")
    page.get_by_text("Self-hosted open model").click()
    _wait_idle(page)
    _open(page, "5 · Serving")

    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(3, timeout=20_000)
    for index in range(3):  # vega-embed draws each chart into a canvas or an SVG
        expect(charts.nth(index).locator("canvas, svg").first).to_be_visible(timeout=20_000)
    charts.nth(1).scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "e2e-serving-charts.png")
    use = page.get_by_role("button", name="Use the cheapest setup")
    expect(use).to_have_count(0)

    page.get_by_text("Cheapest setups that meet the Phase 1 targets").click()

    expect(use).to_be_visible(timeout=20_000)
    page.screenshot(path=artifacts / "e2e-serving-lazy.png", full_page=True)
