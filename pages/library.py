"""Saved designs: save the edited design, resume or discard unsaved drafts, import one, find and
page through the library, and open, share, review, copy, export or delete each saved design."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from ui import library, library_list, resources

st.title("Saved designs")
st.caption(
    "Save the design you are working on, or open a saved one into every phase. Every save is a "
    "new revision: nothing is overwritten."
)
library.show_messages()

try:
    engine = resources.engine()
except (SQLAlchemyError, ValueError) as exc:
    st.error(
        f"The design library is unavailable ({resources.safe_database_name()}): {exc}. "
        "Check DATABASE_URL; your current design is kept in this browser session.",
        icon=":material/error:",
    )
    st.stop()

library_list.save_box()
library_list.drafts_box()
library_list.import_box()
found = library_list.fetch(engine, library_list.filters())
library_list.summary(found.total)
library_list.rows(found.items)
library_list.pager(found.total)
st.page_link(
    "pages/compare.py", label="Compare two designs or revisions", icon=":material/compare_arrows:"
)
