"""GenAI Design Whiteboard: frame and router only; each page lives in pages/."""

import streamlit as st

from ui import interview_view, navigation, timer

st.set_page_config(
    page_title="GenAI Design Whiteboard",
    page_icon=":material/draw:",
    layout="wide",
)
page = navigation.navigation(shared="share" in st.query_params)
timer.track(navigation.phase_of(page))
timer.sidebar()
interview_view.sidebar()
page.run()
