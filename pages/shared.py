"""A design opened by a share link (`/?share=TOKEN`): read-only, beside the visitor's own work.

The design shown never enters `st.session_state["design"]`: the visitor's work in progress stays
as it was. A bad, expired or revoked token gets the same one-line message and nothing else.
"""

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import ShareLinkError, resolve_share_link
from playbook.design import PHASES
from playbook.labels import escape_markdown
from ui import comments, diagram_viewer, drift, navigation, readonly, resources, state

try:
    engine = resources.engine()
except (SQLAlchemyError, ValueError):
    st.title("Shared design")
    st.error("The design library is unavailable; try the link later.", icon=":material/error:")
    st.stop()
try:
    # The app's clock (ui.state.now), so tests can move past an expiry without waiting.
    now = datetime.fromtimestamp(state.now(), UTC)
    design_id, design = resolve_share_link(engine, str(st.query_params.get("share", "")), now=now)
except ShareLinkError as exc:
    st.title("Shared design")  # the same heading for every bad link: nothing about the design
    st.error(str(exc), icon=":material/link_off:")
    st.stop()

st.title(escape_markdown(design.title))
st.caption(
    " · ".join(part for part in ("Shared design, read-only", readonly.byline(design)) if part)
)
drift.announce(design)
home = navigation.PHASE_PAGES[0]
st.page_link(home.path, label="Back to your own design", icon=":material/arrow_back:")

readonly.key_metrics(design)
st.subheader("Diagram")
diagram_viewer.diagram(design, key="shared.viewer")

ask, critique = st.columns(2, gap="large")
with ask:
    st.subheader("Phase 1: the ask in numbers")
    readonly.decision_table(design, phase="constraints")
    readonly.notes(design, "constraints")
with critique:
    st.subheader("Critique")
    readonly.critique(design)

st.subheader("Decisions of phases 2 to 6")
readonly.phase_tabs(design, phases=PHASES[1:])
with st.expander("Every number with its math", icon=":material/calculate:"):
    readonly.all_numbers(design)

st.subheader("Comments")
comments.section(design_id, design, prefix="shared")
