"""Saved designs: save the current design under a title, list them newest first, load one back."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import DesignNotFoundError, list_designs, load_design, save_design
from playbook import DesignError, retitle_design
from playbook.labels import escape_markdown
from ui import resources, state

st.title("Saved designs")
st.caption("Save the design you are working on, or load a saved one back into every phase.")
state.show_flash()

PROBLEM = "library.problem"


def _save() -> None:
    title = st.session_state[state.TITLE_INPUT].strip()
    if not title:
        st.session_state[PROBLEM] = "Give the design a title before saving it."
        return
    try:
        design = retitle_design(state.design(), title=title)
        saved = save_design(resources.engine(), design)
    except (DesignError, SQLAlchemyError) as exc:
        st.session_state[PROBLEM] = f"Not saved, your design is still here: {exc}"
        return
    state.set_design(design)
    st.session_state.pop(PROBLEM, None)
    state.flash(f"Saved “{escape_markdown(saved.title)}” (#{saved.id}).")


def _load(design_id: int) -> None:
    try:
        design = load_design(resources.engine(), design_id)
    except (DesignNotFoundError, DesignError, SQLAlchemyError) as exc:
        st.session_state[PROBLEM] = f"Could not load design #{design_id}: {exc}"
        return
    state.set_design(design)
    st.session_state[state.TITLE_INPUT] = design.title
    st.session_state.pop(PROBLEM, None)
    state.flash(f"Loaded “{escape_markdown(design.title)}” into every phase.")


try:
    engine = resources.engine()
except (SQLAlchemyError, ValueError) as exc:
    st.error(
        f"The design library is unavailable ({resources.safe_database_name()}): {exc}. "
        "Check DATABASE_URL; your current design is kept in this browser session.",
        icon=":material/error:",
    )
    st.stop()

if problem := st.session_state.get(PROBLEM):
    st.error(problem, icon=":material/error:")

if state.TITLE_INPUT not in st.session_state:
    st.session_state[state.TITLE_INPUT] = state.design().title
with st.container(border=True):
    title, button = st.columns([4, 1], vertical_alignment="bottom")
    title.text_input("Title to save under", key=state.TITLE_INPUT, max_chars=200)
    button.button("Save design", key="library.save", on_click=_save, type="primary")

saved = list_designs(engine, limit=50)
if not saved:
    st.info("No saved designs yet: save the one you are working on above.")
for item in saved:
    with st.container(border=True):
        name, when, action = st.columns([3, 2, 1], vertical_alignment="center")
        name.markdown(f"**{escape_markdown(item.title)}**")
        byline = " · ".join(part for part in (item.scenario, item.author) if part)
        name.caption(escape_markdown(byline) or "no scenario or author")
        when.caption(f"Saved {item.updated_at:%Y-%m-%d %H:%M} UTC · #{item.id}")
        action.button("Load", key=f"library.load.{item.id}", on_click=_load, args=(item.id,))
