"""Compare two designs, or two revisions of one: the decisions and numbers that differ, and both
diagrams side by side."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from playbook import sanitize
from playbook.compare import decisions_that_differ, numbers_that_differ
from ui import compare, diagram_viewer, readonly, resources, tables

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
with left_column, st.container(border=True):
    left = compare.pick(engine, side="left", listed=listed)
with right_column, st.container(border=True):
    right = compare.pick(engine, side="right", listed=listed)
if left is None or right is None:
    st.stop()


def _table(rows: list[dict[str, object]], *, empty: str) -> None:
    if rows:
        cells = [{key: sanitize.cell(str(value)) for key, value in row.items()} for row in rows]
        tables.dataframe(cells, hide_index=True, width="stretch", height="content")
    else:
        st.info(empty, icon=":material/drag_handle:")


st.subheader("Decisions that differ")
changed = decisions_that_differ(left.design, right.design)
_table(
    [
        {"Part": row.section, "Decision": row.label, "Left": row.left, "Right": row.right}
        for row in changed
    ],
    empty="No decision differs.",
)

st.subheader("Numbers that differ")
moved = numbers_that_differ(readonly.numbers_of(left.design), readonly.numbers_of(right.design))
_table(
    [
        {"Number": row.label, "Left": row.left, "Right": row.right, "Change": row.change}
        for row in moved
    ],
    empty="No key number differs.",
)

st.subheader("Diagrams")
for column_index, (column, side) in enumerate(
    zip(st.columns(2, gap="medium"), (left, right), strict=True)
):
    with column:
        st.caption(side.label)
        diagram_viewer.diagram(side.design, key=f"compare.viewer.{column_index}", height=520)
