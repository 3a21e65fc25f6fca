"""A visitor holding only a share URL, in Chromium, tries to get out of the shared view: every
other page by its URL path (with the token, and without it in the same tab), the sidebar's
links, commenting on a read-only link, deleting the owner's comment. They see the design, the
revision it shows, and their own comment, which they can delete; nothing else."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from db import (
    add_comment,
    create_share_link,
    list_revisions,
    make_engine,
    save_design,
    save_revision,
    upgrade,
)
from playbook import Design
from tests.e2e.conftest import served_app

pytestmark = pytest.mark.browser

TITLE = "Confined design"
OWNER_NOTE = "The owner's own note on serving"
# Every page of the app but the shared view, and a path that is no page at all.
PATHS = [
    "/", "/constraints", "/technique", "/model", "/retrieval", "/serving", "/evaluation",
    "/diagram", "/critique", "/library", "/references", "/compare", "/interview", "/scorecard",
    "/progress", "/shared", "/no-such-page",
]  # fmt: skip
# A new URL in the same session, as the back button makes: Streamlit reruns on `popstate`.
# Counts the script runs that start and end after it (stApp's data-test-script-state). Each
# mutation record carries the value it replaced, so a run that starts and ends between two
# observer callbacks still counts. A navigation to the URL the tab is already on may cause no
# run at all (seen once in a full e2e run): `_SETTLED` then waits two seconds, not forever.
_GO_BACK_TO = """path => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__started = 0;
    window.__finished = 0;
    window.__since = performance.now();
    new MutationObserver(records => {
        records.forEach((record, i) => {
            const next = i + 1 < records.length
                ? records[i + 1].oldValue : app.getAttribute('data-test-script-state');
            if (next === 'running' && record.oldValue !== 'running') window.__started += 1;
            if (record.oldValue === 'running' && next !== 'running') window.__finished += 1;
        });
    }).observe(app, {
        attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state'],
    });
    history.pushState({}, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
}"""
_SETTLED = """() => window.__started > 0
    ? window.__finished >= window.__started
    : performance.now() - window.__since > 2000"""
FIRST_LOAD_MS = 60_000  # a cold server's first page imports everything; 2 busy cores are slow


class Shared(NamedTuple):
    read_only: str
    open_link: str
    saved: str  # the revision line's date and author, as the view shows them


def _arrange(database_url: str) -> Shared:
    """Save a design with two revisions, an owner's comment, and two links to it."""
    engine = make_engine(database_url)
    upgrade(engine)
    save_design(engine, Design(title="Another design, never to be seen", author="Ada"))
    design_id = save_design(engine, Design(title=TITLE, author="Ada")).id
    save_revision(engine, design_id, Design(title=TITLE, author="Bo"), base_revision=1)
    add_comment(engine, design_id, author="Ada", body=OWNER_NOTE, phase="serving")
    newest = max(list_revisions(engine, design_id), key=lambda r: r.number)
    arranged = Shared(
        read_only=create_share_link(engine, design_id).token,
        open_link=create_share_link(engine, design_id, allow_comments=True).token,
        saved=f"saved {newest.created_at:%Y-%m-%d %H:%M} UTC by Bo",
    )
    engine.dispose()
    return arranged


@pytest.fixture(scope="module")
def shared(app_database_url: str, app_url: str) -> Shared:
    return _arrange(app_database_url)


def _open(page: Page, url: str) -> None:
    page.goto(url)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLE, timeout=FIRST_LOAD_MS)


def _nothing_but_the_shared_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("link", name="Saved designs")).to_have_count(0)
    expect(page.get_by_text("Another design, never to be seen")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)  # no timer, interview or menu
    expect(page.get_by_role("button", name="Start", exact=True)).to_have_count(0)


def _comment(page: Page, text: str) -> None:
    """Add a comment as Grace, once the form is drawn once (a rerun briefly shows two copies)."""
    name = page.get_by_label("Your name")
    expect(name).to_have_count(1)
    name.fill("Grace")
    body = page.get_by_label("Comment", exact=True)
    expect(body).to_have_count(1)
    body.fill(text)
    add = page.get_by_role("button", name="Add comment")
    expect(add).to_have_count(1)
    add.click()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[tuple[str, Shared]]:
    """A server started for one test, so the test's request is its process's first."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    arranged = _arrange(url)
    with served_app({**os.environ, "DATABASE_URL": url}) as app:
        yield app, arranged


def test_a_fresh_server_s_first_request_for_the_library_gets_the_shared_view(
    page: Page, fresh_server: tuple[str, Shared]
) -> None:
    app, arranged = fresh_server

    _open(page, f"{app}/library?share={arranged.read_only}")

    _nothing_but_the_shared_view(page)
    expect(page.get_by_role("heading", name="Saved designs")).to_have_count(0)


@pytest.mark.parametrize("path", PATHS)
def test_every_url_path_with_the_token_shows_only_the_shared_view(
    page: Page, app_url: str, shared: Shared, path: str
) -> None:
    _open(page, f"{app_url}{path}?share={shared.read_only}")

    _nothing_but_the_shared_view(page)


def test_the_same_tab_without_the_token_stays_in_the_shared_view(
    page: Page, app_url: str, shared: Shared
) -> None:
    _open(page, f"{app_url}/?share={shared.read_only}")

    for path in ("/library", "/critique", "/serving", "/"):
        # What the back button does: a new URL in the same session, without the query string.
        page.evaluate(_GO_BACK_TO, path)
        page.wait_for_function(_SETTLED)  # the rerun it caused, if any, is done
        expect(page).to_have_url(f"{app_url}/")  # the only page there is, at the app's root
        _nothing_but_the_shared_view(page)
        expect(page.get_by_text("Shared design, read-only")).to_be_visible()


def test_the_view_names_the_revision_it_shows_and_when_it_was_saved(
    page: Page, app_url: str, shared: Shared
) -> None:
    _open(page, f"{app_url}/?share={shared.read_only}")

    expect(page.get_by_text(f"Revision 2 of 2 (the newest), {shared.saved}")).to_be_visible()


def test_a_read_only_link_offers_no_way_to_comment_or_delete(
    page: Page, app_url: str, shared: Shared
) -> None:
    _open(page, f"{app_url}/?share={shared.read_only}")

    expect(page.get_by_text(OWNER_NOTE)).to_be_visible()
    expect(page.get_by_text("comments cannot be added")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_count(0)
    expect(page.get_by_role("button", name="Add comment")).to_have_count(0)
    for action in ("Delete", "Resolve", "Turn the critique's findings into comments"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)


def test_a_visitor_comments_then_deletes_their_comment_but_cannot_touch_the_owner_s(
    page: Page, app_url: str, shared: Shared, artifacts: Path
) -> None:
    _open(page, f"{app_url}/?share={shared.open_link}")
    expect(page.get_by_text(OWNER_NOTE)).to_be_visible()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)  # not theirs

    _comment(page, "Two replicas at the peak?")

    expect(page.get_by_text("Comment added.")).to_be_visible()
    mine = page.get_by_test_id("stVerticalBlock").filter(
        has=page.get_by_text("Two replicas at the peak?", exact=True)
    )
    delete = page.get_by_role("button", name="Delete")
    expect(delete).to_have_count(1)  # on their comment only
    expect(mine.last.get_by_role("button", name="Delete")).to_be_visible()
    expect(page.get_by_role("button", name="Resolve")).to_have_count(0)
    page.set_viewport_size({"width": 1440, "height": 2400})
    page.screenshot(path=artifacts / "e2e-share-visitor-comment.png", full_page=True)
    delete.click()
    expect(page.get_by_text("Comment deleted.")).to_be_visible()
    expect(page.get_by_text("Two replicas at the peak?", exact=True)).to_have_count(0)
    expect(page.get_by_text(OWNER_NOTE)).to_be_visible()


def test_the_page_and_its_icon_come_from_this_server_alone(
    page: Page, app_url: str, shared: Shared
) -> None:
    hosts: set[str | None] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))

    _open(page, f"{app_url}/?share={shared.read_only}")
    expect(page.locator(".dv-root svg").first).to_be_visible()

    icon = page.locator("link[rel~='icon']")
    # The PNG travels inside the page-config message as a data URL (ui/favicon.py): no request.
    expect(icon).to_have_attribute("href", re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=]+$"))
    # data: URLs have no host; a :material/ icon would be fetched from fonts.gstatic.com.
    assert hosts - {None} == {"127.0.0.1"}
