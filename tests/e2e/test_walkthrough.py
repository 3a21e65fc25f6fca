"""A user walks the six phases in Chromium, sees the diagram drawn, and saves the design."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import list_designs, make_engine

pytestmark = pytest.mark.browser

PHASES = ["1 · Constraints", "2 · Technique", "3 · Model", "4 · Retrieval", "5 · Serving",
          "6 · Evaluation"]  # fmt: skip


def _open(page: Page, link: str, *, heading: str | None = None) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=heading or link, level=1)).to_be_visible()


def _wait_idle(page: Page) -> None:
    # Streamlit shows a "running" status widget while a rerun is in flight.
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def test_walking_the_six_phases_draws_the_chosen_architecture(
    page: Page, app_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.get_by_role("heading", name="1 · Constraints", level=1)).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("button", name="Start").click()
    page.get_by_label("Design title").fill("Contract QA on-prem")
    page.get_by_label("Design title").press("Enter")
    _wait_idle(page)
    page.get_by_text("On-prem only").click()
    _wait_idle(page)
    page.screenshot(path=artifacts / "e2e-1.png", full_page=True)

    for title in PHASES[1:]:
        _open(page, title)
        if title == "3 · Model":
            page.get_by_text("Self-hosted open model").click()
            _wait_idle(page)
        page.screenshot(path=artifacts / f"e2e-{title[0]}.png", full_page=True)

    _open(page, "Diagram", heading="Architecture diagram")
    chart = page.locator(".dv-root")
    expect(chart.locator("svg")).to_be_visible(timeout=20_000)
    expect(chart.locator("svg")).to_contain_text("vLLM")
    expect(chart.locator("svg")).to_contain_text("H100 SXM")
    expect(chart.locator("svg")).to_contain_text("Contract QA on-prem")
    # The clock started on the first page keeps running across pages (redrawn every second).
    expect(page.get_by_test_id("stSidebar")).to_contain_text(
        re.compile(r"Total 0:0[1-9]|Total 0:[1-5]\d")
    )
    page.screenshot(path=artifacts / "e2e-diagram.png", full_page=True)


def test_a_saved_design_is_listed_and_loads_back(
    page: Page, app_url: str, app_database_url: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    _open(page, "Saved designs")
    page.get_by_label("Title to save under").fill("Support bot draft")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Saved “Support bot draft”")).to_be_visible()
    _open(page, "1 · Constraints")
    page.get_by_label("Design title").fill("Something else")
    page.get_by_label("Design title").press("Enter")
    _wait_idle(page)

    _open(page, "Saved designs")
    _wait_idle(page)
    # This design's own Load button, by its key: "the first Load" may be another row's, or a
    # copy the list is about to redraw, while the page reruns.
    (saved,) = [
        d for d in list_designs(make_engine(app_database_url)).items
        if d.title == "Support bot draft"
    ]  # fmt: skip
    load = page.locator(f".st-key-library-load-{saved.id}").get_by_role("button", name="Load")
    expect(load).to_have_count(1)
    load.click()
    # "Something else" is unsaved work: loading asks before it replaces it.
    page.get_by_role("dialog").get_by_role("button", name="Discard my changes and load").click()

    expect(page.get_by_text("Loaded “Support bot draft” into every phase")).to_be_visible()
    page.screenshot(path=artifacts / "e2e-library.png", full_page=True)
    _open(page, "1 · Constraints")
    expect(page.get_by_label("Design title")).to_have_value("Support bot draft")
