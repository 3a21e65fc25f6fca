"""Phase 2: the technique ladder, lowest rung that meets the bar, hybrids allowed."""

import streamlit as st

from playbook.design import LADDER
from playbook.labels import RUNG_WHEN, RUNGS
from ui import frame, state, widgets
from ui.layout import columns

frame.phase_header(
    "technique", ask="Climb only as high as the bar needs: each rung costs about ten times more."
)

widgets.multiselect(
    "technique", "rungs", "Rungs in use (hybrids allowed, e.g. RAG for knowledge + LoRA for style)",
    options=LADDER, format_func=RUNGS.__getitem__,
)  # fmt: skip

chosen = state.design().technique.rungs
for column, rung in zip(columns(len(LADDER), border=True), LADDER, strict=True):
    with column:
        mark = ":green[**✓ in use**]" if rung in chosen else ":gray[not used]"
        st.markdown(f"**{RUNGS[rung]}**  \n{mark}")
        st.caption(f"When {RUNG_WHEN[rung]}.")

widgets.long_text(
    "technique", "justification", "Why this rung and not the one below",
    placeholder="Tie the choice to a Phase 1 number: the gap, the accuracy bar, the cost ceiling.",
)  # fmt: skip

frame.phase_footer("technique")
