"""Small screens: close the sidebar once a page is chosen in it (Streamlit leaves it open), and
bring new content into view after a button far down the page changed it."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

__all__ = ["close_sidebar_after_navigation", "scroll_into_view"]

_STATIC = Path(__file__).parent / "static"
_CLOSER = st.components.v2.component(
    "whiteboard.close_sidebar", js=(_STATIC / "close_sidebar.js").read_text(encoding="utf-8")
)
_SCROLLER = st.components.v2.component(
    "whiteboard.scroll_into_view",
    js=(_STATIC / "scroll_into_view.js").read_text(encoding="utf-8"),
)


def close_sidebar_after_navigation() -> None:
    """Mount the script that closes the sidebar after a page is chosen on a phone-wide screen."""
    with st.sidebar:
        _CLOSER(key="mobile.close_sidebar", height=0)


def scroll_into_view(key: str, *, token: str) -> None:
    """Scroll the container keyed `key` to the top of the screen, once for each `token`."""
    # Streamlit's class for a keyed container: st-key-<key>, other characters made dashes.
    target = "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())
    _SCROLLER(data={"target": target, "token": token}, key=f"mobile.scroll.{key}", height=0)
