"""The browser tab shows the app's own favicon, and the page keeps its wide layout.

The favicon is sent as a page-config message of its own (ui/favicon.py), beside
`st.set_page_config`'s title and layout: Chromium must show that PNG, not Streamlit's logo or
the page's icon, and the message must leave the layout as `st.set_page_config` set it.
"""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Page, expect

from ui import favicon

pytestmark = pytest.mark.browser


def test_the_tab_shows_the_app_s_favicon_and_the_page_stays_wide(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})

    page.goto(app_url)

    expect(page.get_by_role("heading", name="1 · Constraints", level=1)).to_be_visible(
        timeout=30_000
    )
    icon = page.locator("link[rel='shortcut icon']")
    expect(icon).to_have_attribute("href", favicon.DATA_URL)
    png = base64.b64decode(favicon.DATA_URL.removeprefix("data:image/png;base64,"))
    assert png == favicon.PATH.read_bytes()
    assert page.title() == "GenAI Design Whiteboard"
    # "centered" would cap the content at 736 px; "wide" spans the window beside the sidebar.
    box = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert box is not None
    assert box["width"] > 900
