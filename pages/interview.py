"""Mock interview: pick a prompt, then work the six phases against the clock with an interviewer."""

import streamlit as st

from ui import interview, interview_view, state

st.title("Mock interview")
if interview.active() is not None:
    # Phases left by opening a later phase's page are closed now, with their follow-ups.
    interview.sync(interviewer=interview.configured_interviewer())
state.show_flash()

if (saved := interview.last_saved()) is not None:
    verdict = saved.scorecard.verdict
    st.success(f"Interview finished: verdict **{verdict}**.", icon=":material/flag:")
    st.page_link("pages/scorecard.py", label="See the scorecard", icon=":material/scoreboard:")

if interview.active() is None:
    st.caption(
        "Choose a prompt: it starts an empty design and the 45-minute clock. Ask for the numbers "
        "you need, work the six phase pages, and answer the interviewer's follow-ups."
    )
    interview_view.prompt_bank()
    st.stop()

current = interview.active()
assert current is not None
prompt = interview.prompt_of(current)
interview_view.ask_box(prompt)
left, right = st.columns([3, 2], gap="medium")
with left:
    interview_view.countdown()
    interview_view.next_step()
    interview_view.followups(current)
with right:
    interview_view.questions(current, prompt)
    interview_view.hint(current)

st.divider()
finish, abandon = st.columns([3, 1], vertical_alignment="center")
if finish.button("Finish and see the scorecard", key="interview.finish", type="primary",
                 icon=":material/flag:"):  # fmt: skip
    try:
        interview.finish()
    except OSError as exc:
        st.error(f"The scorecard is kept in this session but could not be saved: {exc}")
    else:
        st.switch_page("pages/scorecard.py")
abandon.button("Abandon this interview", key="interview.abandon", on_click=interview.abandon)
