"""Phase 6: offline and online evaluation, and a mitigation for each failure mode."""

from typing import get_args

import streamlit as st

from playbook.design import FailureMode, inapplicable_failure_modes
from playbook.labels import FAILURE_MODES
from playbook.rubric.mitigations import choices_for
from ui import frame, state, widgets
from ui.layout import columns

frame.phase_header("evaluation", ask="How you will know it works, and what you do when it fails.")

design = state.design()
offline, online = columns(2, border=True)
with offline:
    st.markdown("**Offline**")
    widgets.stepped_slider(
        "evaluation", "golden_set_size",
        options=[0, 50, 100, 200, 500, 1_000, 5_000],
    )  # fmt: skip
    widgets.multiselect("evaluation", "offline_metrics")
    widgets.toggle("evaluation", "red_team_set")
with online:
    st.markdown("**Online**")
    widgets.multiselect("evaluation", "online_metrics")
    widgets.toggle("evaluation", "llm_as_judge")

FAILURE_MODE_IDS: tuple[FailureMode, ...] = get_args(FailureMode)
not_applicable = inapplicable_failure_modes(design)
st.markdown("**Failure modes** and the mitigation for each")
with st.container(border=True):
    grid = columns(2)
    for index, mode in enumerate(FAILURE_MODE_IDS):
        name, reason = FAILURE_MODES[mode], not_applicable.get(mode)
        with grid[index % 2]:
            widgets.select(
                "evaluation", "mitigations", item=mode, disabled=reason is not None,
                label=f"{name} (not applicable: {reason})" if reason else None,
                options=list(choices_for(mode, design.evaluation.mitigations[mode])),
            )  # fmt: skip

frame.phase_footer("evaluation")
