"""The Streamlit layer the pages share: session state, bound widgets, panels, caching, drafts."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def _running_a_page_alone() -> bool:
    """Whether this run executes a file of `pages/` without app.py (v1 multipage mode)."""
    ctx = get_script_run_ctx()
    if ctx is None or not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False  # from now on every run goes through app.py
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    script = info.get("script_path") if info else None
    main = Path(ctx.pages_manager.main_script_path).resolve()
    return script is not None and Path(str(script)).resolve() != main


# A fresh server process treats `pages/` as a v1 multipage folder until app.py has called
# st.navigation once: a first request for a page's URL (a reload after a restart, a deep link)
# would run that page alone, without app.py's router, sidebar and draft restore. The process is
# switched to st.navigation here, and such a request reruns through app.py.
if _running_a_page_alone():
    st.rerun()
