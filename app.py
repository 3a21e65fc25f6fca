"""GenAI Design Whiteboard: frame and router only; each page lives in pages/."""

from pathlib import Path

import streamlit as st

from ui import auth, drafts, mobile, navigation, timer

st.set_page_config(
    page_title="GenAI Design Whiteboard",
    # A file beside the app, sent by this server: nothing is fetched from another host.
    page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"),
    layout="wide",
)
shared = navigation.share_token() is not None
# A share link needs no account; everything else waits for sign-in when a team configured it.
if not shared and auth.needs_sign_in():
    auth.sign_in_router().run()
    st.stop()
if shared:  # a share link's visitor gets the shared view alone: no sidebar, timer or draft
    navigation.navigation(shared=True).run()
    st.stop()
drafts.restore()  # a reload or a new tab on ?draft=KEY brings the session's work back
page = navigation.navigation()
auth.sidebar()
timer.frame(navigation.phase_of(page))
mobile.close_sidebar_after_navigation()
drafts.run(page)  # the page, then the draft written if it changed
