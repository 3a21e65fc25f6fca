"""Progress: the per-phase scores of past interviews over time, and the weakest phase."""

import streamlit as st

from ui import interview_store, scorecard_view

st.title("Progress")
st.caption("Every finished interview's rubric score per phase, oldest first.")

past = interview_store.default_store().list()
if not past:
    st.info("No finished interviews yet: the chart fills in as you finish them.")
    st.page_link("pages/interview.py", label="Mock interview", icon=":material/record_voice_over:")
    st.stop()
scorecard_view.progress(past)
