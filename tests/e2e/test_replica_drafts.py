"""An interview under way continues after a reload that lands on the other replica: the draft
and the interview live in PostgreSQL, not in the process that served the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_replicas import (  # noqa: F401 - the topology's fixtures, for this module
    Topology,
    postgres_database,
    topology,
)

pytestmark = pytest.mark.browser

SLOW = 30_000  # ms: a replica's first run imports everything


def _idle(page: Page) -> None:
    # The draft is written at the end of the run, before the status widget goes away.
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def test_an_interview_continues_on_the_other_replica_after_a_reload(
    page: Page,
    topology: Topology,  # noqa: F811 - the imported fixture, requested by name
    artifacts: Path,
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(topology.url)
    expect(page).to_have_url(re.compile(r"[?&]draft=[A-Za-z0-9_-]{43}"), timeout=SLOW)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Mock interview").click()
    page.locator(".st-key-interview-start-contract-qa button").click()
    expect(page.get_by_text("Now: Constraints")).to_be_visible(timeout=SLOW)
    page.locator(".st-key-interview-ask-accuracy button").click()
    expect(page.get_by_text("97 in 100 answers must be right")).to_be_visible()
    _idle(page)
    first = topology.serving_replica()

    topology.stop(first)
    page.reload()

    expect(page.get_by_text("Now: Constraints")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("97 in 100 answers must be right")).to_be_visible()
    assert topology.serving_replica() != first
    page.screenshot(path=artifacts / "e2e-replicas-interview-after-stop.png")
