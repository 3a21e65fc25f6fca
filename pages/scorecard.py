"""The scorecard of the interview just finished, or of a saved one chosen from the list."""

import streamlit as st

from ui import interview, interview_store, scorecard_view

st.title("Scorecard")

found = {item.session.id: item for item in interview_store.default_store().list()}
if (saved := interview.last_saved()) is not None:
    # The interview just finished comes first, even if saving it to disk failed.
    found = {saved.session.id: saved, **found}
if not found:
    st.info("No interview finished yet: start one on the Mock interview page.")
    st.page_link("pages/interview.py", label="Mock interview", icon=":material/record_voice_over:")
    st.stop()

chosen = st.selectbox(
    "Interview", list(found), key="scorecard.pick",
    format_func=lambda session_id: scorecard_view.label(found[session_id]),
)  # fmt: skip
scorecard_view.scorecard(found[chosen])
