"""GenAI Design Whiteboard: frame and router only; each page lives in pages/."""

import streamlit as st

from ui import auth, drafts, mobile, navigation, timer

st.set_page_config(
    page_title="GenAI Design Whiteboard",
    page_icon=":material/draw:",
    layout="wide",
)
shared = "share" in st.query_params
# A share link needs no account; everything else waits for sign-in when a team configured it.
if not shared and auth.needs_sign_in():
    auth.sign_in_router().run()
    st.stop()
drafts.restore()  # a reload or a new tab on ?draft=KEY brings the session's work back
page = navigation.navigation(shared=shared)
if not shared:
    auth.sidebar()
timer.frame(navigation.phase_of(page))
mobile.close_sidebar_after_navigation()
drafts.run(page)  # the page, then the draft written if it changed
