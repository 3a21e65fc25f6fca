"""Progress: the per-phase scores of past interviews over time, and the weakest phase."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from ui import interview_store, resources, scorecard_view

st.title("Progress")
st.caption("Every finished interview's rubric score per phase, oldest first.")

try:
    past = interview_store.default_store().list()
except (ValueError, SQLAlchemyError, OSError) as exc:  # bad DATABASE_URL, no server, store error
    st.error(
        f"Past interviews are unavailable ({resources.safe_database_name()}): {exc}.",
        icon=":material/error:",
    )
    st.stop()
if not past:
    st.info("No finished interviews yet: the chart fills in as you finish them.")
    st.page_link("pages/interview.py", label="Mock interview", icon=":material/record_voice_over:")
    st.stop()
scorecard_view.progress(past)
