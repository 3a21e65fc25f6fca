"""A whole mock interview in Chromium: prompt, question, phases, follow-up, finish, scorecard."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import served_app

pytestmark = pytest.mark.browser


class InterviewApp(NamedTuple):
    """The app served with its own database (where finished interviews are kept too)."""

    url: str
    database: Path


@pytest.fixture(scope="module")
def interview_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InterviewApp]:
    """Serve the app with its own SQLite file and no LLM endpoint."""
    data = tmp_path_factory.mktemp("e2e-interview")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")},
        "DATABASE_URL": f"sqlite:///{data / 'designs.db'}",
    }
    with served_app(env) as url:
        yield InterviewApp(url, data / "designs.db")


def _open(page: Page, link: str, *, heading: str | None = None) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    # With more than ten pages the menu folds the last sections under "View N more".
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
    nav.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading or link, level=1)).to_be_visible()


def _button(page: Page, key: str) -> Locator:
    # Streamlit tags a keyed widget's container with the class st-key-<key>, each character
    # outside [a-zA-Z0-9_-] replaced by a dash.
    css = re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())
    return page.locator(f".st-key-{css} button")


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.wait_for_timeout(600)  # let the last rerun paint
    # The page scrolls inside Streamlit's main block, not the window: grow the window to fit it.
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, int(height))})
    page.screenshot(path=artifacts / f"interview-{name}.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_a_whole_mock_interview_ends_on_a_saved_scorecard(
    page: Page, interview_app: InterviewApp, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(interview_app.url)
    # A cold server imports everything on its first run: more than the usual 5 s when busy.
    heading = page.get_by_role("heading", name="1 · Constraints", level=1)
    expect(heading).to_be_visible(timeout=30_000)
    _open(page, "Mock interview")
    _shot(page, artifacts, "1-prompts")

    _button(page, "interview.start.contract-qa").click()
    countdown = page.get_by_test_id("stMetricValue").first
    expect(countdown).to_have_text(re.compile(r"^[45]:\d\d$"))
    started_at = countdown.inner_text()
    # The countdown redraws itself every second, with no click or rerun from the user.
    expect(countdown).not_to_have_text(started_at, timeout=10_000)
    _button(page, "interview.ask.accuracy").click()
    expect(page.get_by_text("97 in 100 answers must be right")).to_be_visible()
    _button(page, "interview.apply.accuracy").click()
    expect(page.get_by_text("Set into Phase 1", exact=True)).to_be_visible()
    _shot(page, artifacts, "2-asked")

    _open(page, "1 · Constraints")
    expect(page.get_by_test_id("stSlider").first).to_contain_text("97")
    _open(page, "2 · Technique")
    _open(page, "3 · Model")
    _open(page, "Mock interview")
    expect(page.get_by_text("Now: Model")).to_be_visible()
    _button(page, "interview.move_on").click()
    # The follow-up pushes on the blank hosted design's tightest margin, its cost per request.
    expect(page.get_by_text("Prompts double", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"cost per request has \$0\.0033 of slack"))).to_be_visible()
    expect(page.get_by_text("Open: 1 blocking finding(s) to resolve.")).to_be_visible()
    _shot(page, artifacts, "3-follow-up")

    _open(page, "3 · Model")
    choice = page.get_by_test_id("stRadioGroup").get_by_text("Self-hosted open model")
    choice.click()
    # Wait for the server's rerun (its select appears) before leaving: a page switch sent
    # while the change is still in flight drops it.
    expect(page.get_by_text("Open-weights model", exact=True)).to_be_visible(timeout=20_000)
    _open(page, "Mock interview")
    expect(page.get_by_text("Handled: the design meets the new constraint.")).to_be_visible()
    _shot(page, artifacts, "4-handled")

    _button(page, "interview.finish").click()
    expect(page.get_by_role("heading", name="Scorecard", level=1)).to_be_visible()
    expect(page.get_by_text("Verdict:")).to_be_visible()
    charts = page.locator(".dv-root")
    expect(charts).to_have_count(2, timeout=20_000)
    expect(charts.nth(0).locator("svg")).to_be_visible(timeout=20_000)
    expect(charts.nth(1).locator("svg")).to_be_visible(timeout=20_000)
    _shot(page, artifacts, "5-scorecard")
    with closing(sqlite3.connect(interview_app.database)) as connection:
        query = "SELECT COUNT(*) FROM interviews WHERE finished_at IS NOT NULL"
        assert connection.execute(query).fetchone() == (1,)

    _open(page, "Progress")
    expect(page.get_by_text("Weakest phase")).to_be_visible()
    _shot(page, artifacts, "6-progress")
