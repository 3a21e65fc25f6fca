"""The architecture diagram generated from the design, with a DOT download."""

import streamlit as st

from playbook import dump_design
from playbook.labels import slugify
from ui import resources, state

st.title("Architecture diagram")
st.caption(
    "Drawn from your choices in the six phases: each box is there because a phase put it there."
)
state.show_flash()

design = state.design()
dot = resources.diagram_dot(dump_design(design))
st.graphviz_chart(dot, width="stretch")
st.download_button(
    "Download DOT",
    data=dot,
    file_name=f"{slugify(design.title)}.dot",
    mime="text/vnd.graphviz",
    icon=":material/download:",
    key="diagram.download_dot",
)
