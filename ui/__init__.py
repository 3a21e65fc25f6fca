"""The Streamlit layer the pages share: session state, bound widgets, panels, caching, drafts."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    # A fresh server process treats `pages/` as a v1 multipage folder until `app.py` has called
    # st.navigation once: a first request for a page's URL (a reload after a restart, a deep
    # link) would run that page alone, without app.py's router, sidebar and draft restore.
    # Switching the process to st.navigation and rerunning sends the request through app.py.
    PagesManager.uses_pages_directory = False
    st.rerun()
