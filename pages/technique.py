"""Phase 2: the technique ladder, lowest rung that meets the bar, hybrids allowed."""

import streamlit as st

from playbook.design import LADDER
from playbook.labels import RUNG_WHEN, RUNGS, escape_markdown
from playbook.ladder import check_technique, recommend_technique
from ui import frame, state, widgets
from ui.layout import columns

frame.phase_header(
    "technique", ask="Climb only as high as the bar needs: each rung costs about ten times more."
)

widgets.multiselect("technique", "rungs")

design = state.design()
recommendation = recommend_technique(design.constraints)
with st.container(border=True):
    names = " + ".join(RUNGS[rung] for rung in recommendation.rungs)
    st.markdown(f"**Recommended from your Phase 1 numbers: {names}**")
    for reason in recommendation.reasons:
        st.markdown(f"- {escape_markdown(reason.text)}")
    for rung, why in recommendation.why_not_below.items():
        st.caption(f"{RUNGS[rung]}, {why}.")
for finding in check_technique(design):
    st.warning(escape_markdown(finding.message), icon=":material/flag:")

chosen = design.technique.rungs
for column, rung in zip(columns(len(LADDER), border=True), LADDER, strict=True):
    with column:
        mark = ":green[**✓ in use**]" if rung in chosen else ":gray[not used]"
        if rung in recommendation.rungs:
            mark += " · :blue[recommended]"
        st.markdown(f"**{RUNGS[rung]}**  \n{mark}")
        st.caption(f"When {RUNG_WHEN[rung]}.")

widgets.long_text(
    "technique", "justification",
    placeholder="Tie the choice to a Phase 1 number: the gap, the accuracy bar, the cost ceiling.",
)  # fmt: skip

frame.phase_footer("technique")
