"""GenAI Design Whiteboard: frame and router only; each page lives in pages/."""

import streamlit as st

from ui import auth, drafts, favicon, mobile, navigation, timer

st.set_page_config(page_title="GenAI Design Whiteboard", layout="wide")
# ui/static/favicon.png, sent by this server (nothing is fetched from another host), without the
# NumPy and Pillow that st.set_page_config(page_icon=...) imports for it.
favicon.show()
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
