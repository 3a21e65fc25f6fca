"""In Chromium, a hostile LLM answer streamed from a real endpoint renders inert; no key shows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import served_app
from tests.integration.fake_openai import HOSTILE_ANSWER, FakeOpenAI, answer, serve

pytestmark = pytest.mark.browser

CANARY = "sk-canary-e2e-5b0c9a7e31f4"
# Every anchor, image and script the page holds, and any inline event handler, as seen by the DOM.
DOM_REPORT = """() => ({
    protocols: Array.from(document.querySelectorAll('a[href]')).map(a => a.protocol),
    images: Array.from(document.querySelectorAll('img')).map(i => i.getAttribute('src') || ''),
    scripts: Array.from(document.querySelectorAll('script')).map(s => s.textContent || ''),
    handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
})"""


class CriticApp(NamedTuple):
    """The app served with an LLM endpoint configured, and that endpoint."""

    url: str
    server: FakeOpenAI


@pytest.fixture(scope="module")
def critic_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CriticApp]:
    """Serve the app with OPENAI_BASE_URL at a fake endpoint that answers with hostile text."""
    database = tmp_path_factory.mktemp("e2e-critic") / "designs.db"
    with serve(answer(HOSTILE_ANSWER, chunk_chars=40)) as server:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": CANARY,
        }
        with served_app(env) as url:
            yield CriticApp(url, server)


def test_a_hostile_llm_answer_renders_inert_and_the_key_stays_out_of_the_page(
    page: Page, critic_app: CriticApp, artifacts: Path
) -> None:
    dialogs: list[str] = []

    def _record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _record)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(critic_app.url)
    # Until the app's first run, the sidebar lists the pages folder; wait for the real menu.
    expect(page.get_by_role("heading", name="1 · Constraints", level=1)).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Critique", exact=True).click()
    expect(page.get_by_role("heading", name="Critique", level=1)).to_be_visible()
    expect(page.get_by_text("Endpoint: 127.0.0.1")).to_be_visible()

    page.get_by_role("button", name="Ask the LLM critic").click()

    expect(page.get_by_text("Hostile prose")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("answered (its findings are merged above)")).to_be_visible()
    page.get_by_text("Hostile prose").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "e2e-critique-hostile.png", full_page=True)
    serving = page.get_by_test_id("stVerticalBlock").filter(has_text="Fix it in 5 · Serving").last
    serving.screenshot(path=artifacts / "e2e-critique-llm-finding.png")
    dom = page.evaluate(DOM_REPORT)
    assert critic_app.server.requests[0].headers["authorization"] == f"Bearer {CANARY}"
    assert set(dom["protocols"]) <= {"http:", "https:"}
    assert page.locator('a[href^="javascript" i]').count() == 0
    assert not [src for src in dom["images"] if "evil.example" in src]
    assert not [text for text in dom["scripts"] if "alert(" in text]
    assert dom["handlers"] == 0
    assert dialogs == []
    assert CANARY not in page.content()
    assert CANARY not in page.inner_text("body")
