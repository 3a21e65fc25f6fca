"""A design opened by a share link (`/?share=TOKEN`): read-only, beside the visitor's own work.

The only page of a share-link session (see `ui.navigation`). The design shown never enters
`st.session_state["design"]`: the visitor's work in progress stays as it was. A bad, expired or
revoked token gets the same one-line message and nothing else. What the token allows (read,
and comment when the owner said so) is checked again by `db` on every action.
"""

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import ShareLinkError, open_shared_view
from playbook.design import PHASES
from playbook.labels import escape_markdown
from ui import comments, diagram_viewer, drift, navigation, readonly, resources, state

try:
    engine = resources.engine()
except (SQLAlchemyError, ValueError):
    st.title("Shared design")
    st.error("The design library is unavailable; try the link later.", icon=":material/error:")
    st.stop()
token = navigation.share_token() or ""
try:
    # The app's clock (ui.state.now), so tests can move past an expiry without waiting.
    now = datetime.fromtimestamp(state.now(), UTC)
    # The design and the comment page in one read, the token checked once (every rerun).
    shared, comment_page = open_shared_view(
        engine, token, offset=comments.visitor_offset("shared"), limit=comments.PAGE_SIZE,
        author_token=comments.author_token(), now=now,
    )  # fmt: skip
except ShareLinkError as exc:
    st.title("Shared design")  # the same heading for every bad link: nothing about the design
    st.error(str(exc), icon=":material/link_off:")
    st.stop()
design = shared.design

st.title(escape_markdown(design.title))
mode = "Shared design, read-only" + (", comments welcome" if shared.allow_comments else "")
st.caption(" · ".join(part for part in (mode, readonly.byline(design)) if part))
st.markdown(readonly.revision_line(shared))
drift.announce(design)

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
readonly.phase_tabs(design, phases=PHASES[1:], key="shared.phase_tab")
readonly.all_numbers_panel(design, key="shared.numbers_open")  # drawn only when opened

st.subheader("Comments")
comments.shared_section(shared, token, prefix="shared", first=comment_page)
