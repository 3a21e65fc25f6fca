"""Compare two designs, or two revisions of one: the decisions and numbers that differ, and both
diagrams side by side."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from ui import cached, compare, diagram_viewer, identity, resources

st.title("Compare")
st.caption(
    "Pick two saved designs, two revisions of one, or your current design: the decisions and "
    "numbers that differ come first, then both diagrams."
)
try:
    engine = resources.engine()
except (SQLAlchemyError, ValueError):
    st.error("The design library is unavailable: check DATABASE_URL.", icon=":material/error:")
    st.stop()

left_column, right_column = st.columns(2, gap="medium")
listed: dict[str, dict[int, str]] = {}  # one library search per query in this rerun
user = identity.user_id()  # read once: it checks the secrets for sign-in every time
with left_column, st.container(border=True):
    left = compare.pick(engine, side="left", listed=listed, user=user)
with right_column, st.container(border=True):
    right = compare.pick(engine, side="right", listed=listed, user=user)
if left is None or right is None:
    st.stop()


def _table(table: object, *, empty: str) -> None:
    if table is not None:
        st.dataframe(table, hide_index=True, width="stretch", height="content")
    else:
        st.info(empty, icon=":material/drag_handle:")


# Both tables are built once per pair of designs (on their hashes), not on every rerun.
changed, moved = cached.compare_tables(left.design, right.design)
st.subheader("Decisions that differ")
_table(changed, empty="No decision differs.")
st.subheader("Numbers that differ")
_table(moved, empty="No key number differs.")

st.subheader("Diagrams")
for column_index, (column, side) in enumerate(
    zip(st.columns(2, gap="medium"), (left, right), strict=True)
):
    with column:
        st.caption(side.label)
        diagram_viewer.diagram(side.design, key=f"compare.viewer.{column_index}", height=520)
