"""Drafts in Chromium: unsaved work and a running interview survive reloads, page switches and a
server restart, through the `?draft=KEY` the app keeps in the URL."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import served_app

pytestmark = pytest.mark.browser

TITLE = "Design title"
SLOW = 30_000  # ms: a reload reruns the whole page on a machine other tests keep busy


class DraftApp(NamedTuple):
    """The app's environment (its own SQLite file) and the file's path."""

    env: dict[str, str]
    database: Path


@pytest.fixture
def draft_app(tmp_path: Path) -> DraftApp:
    """Return an environment serving the app on its own SQLite file, with no LLM endpoint."""
    database = tmp_path / "drafts.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return DraftApp({**env, "DATABASE_URL": f"sqlite:///{database}"}, database)


@pytest.fixture
def served(draft_app: DraftApp) -> Iterator[str]:
    with served_app(draft_app.env) as url:
        yield url


def _first_load(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    # A cold server imports everything on the first run: allow it more than the usual 5 s.
    heading = page.get_by_role("heading", name="1 · Constraints", level=1)
    expect(heading).to_be_visible(timeout=SLOW)


def _open(page: Page, link: str, *, heading: str | None = None) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading or link, level=1)).to_be_visible(timeout=SLOW)


def _button(page: Page, key: str) -> Locator:
    # A keyed widget's container has the class st-key-<key>, other characters as dashes.
    return page.locator(f".st-key-{re.sub(r'[^a-zA-Z0-9_-]', '-', key)} button")


def _draft_key(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"[?&]draft=[A-Za-z0-9_-]{43}"))
    return parse_qs(urlsplit(page.url).query)["draft"][0]


def _wait_for_draft(database: Path, needle: str, *, seconds: float = 20) -> None:
    """Wait until a draft row's design (or its interview) holds `needle`: the write landed."""
    deadline = time.monotonic() + seconds
    query = (
        "SELECT COUNT(*) FROM drafts LEFT JOIN interviews ON interviews.id = drafts.interview_id "
        "WHERE drafts.design LIKE :n OR interviews.session LIKE :n"
    )
    while time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(database)) as connection:
                (found,) = connection.execute(query, {"n": f"%{needle}%"}).fetchone()
            if found:
                return
        except sqlite3.OperationalError:
            pass  # the app has not created the tables yet
        time.sleep(0.2)
    raise AssertionError(f"no draft holding {needle!r} was written within {seconds} s")


def _set_title(page: Page, title: str) -> None:
    page.get_by_label(TITLE).fill(title)
    page.get_by_label(TITLE).press("Enter")


def test_a_draft_survives_reloads_page_switches_and_a_running_interview(
    page: Page, served: str, draft_app: DraftApp
) -> None:
    _first_load(page, served)
    key = _draft_key(page)
    _set_title(page, "Survives a reload")
    _wait_for_draft(draft_app.database, "Survives a reload")

    page.reload()
    expect(page.get_by_label(TITLE)).to_have_value("Survives a reload", timeout=SLOW)
    assert _draft_key(page) == key

    _open(page, "2 · Technique")  # a navigation link drops the query string...
    assert _draft_key(page) == key  # ...and the app puts the key back
    page.reload()
    expect(page.get_by_role("heading", name="2 · Technique", level=1)).to_be_visible(timeout=SLOW)
    _open(page, "1 · Constraints")
    expect(page.get_by_label(TITLE)).to_have_value("Survives a reload", timeout=SLOW)

    _open(page, "Mock interview")
    _button(page, "interview.start.contract-qa").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Empty your unsaved design?")
    dialog.get_by_role("button", name="Discard my design and start").click()
    expect(page.get_by_text("Now: Constraints")).to_be_visible()
    _button(page, "interview.ask.accuracy").click()
    expect(page.get_by_text("97 in 100 answers must be right")).to_be_visible()
    _wait_for_draft(draft_app.database, '"topic":"accuracy"')

    page.reload()
    expect(page.get_by_text("Now: Constraints")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("97 in 100 answers must be right")).to_be_visible()
    countdown = page.get_by_test_id("stMetricValue").first
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=10_000)  # the clock still runs
    assert _draft_key(page) == key


def test_a_draft_survives_a_server_restart(page: Page, draft_app: DraftApp) -> None:
    with served_app(draft_app.env) as first:
        _first_load(page, first)
        key = _draft_key(page)
        _set_title(page, "Outlives the server")
        _wait_for_draft(draft_app.database, "Outlives the server")

    with served_app(draft_app.env) as second:
        # A page's own URL as the new process's first request: it must go through app.py too.
        page.goto(f"{second}/library?draft={key}")

        drafts = page.locator(".st-key-library-drafts")
        expect(drafts).to_contain_text("Outlives the server", timeout=SLOW)
        expect(drafts).to_contain_text("open in this tab")
        assert _draft_key(page) == key
        _open(page, "1 · Constraints")
        expect(page.get_by_label(TITLE)).to_have_value("Outlives the server", timeout=SLOW)
