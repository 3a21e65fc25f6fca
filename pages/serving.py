"""Phase 5: the serving stack for self-hosted models: engine, GPUs, precision, batching, caching."""

import streamlit as st

from playbook.catalog import ids, name_of
from playbook.design import catalog_for
from playbook.labels import compact_number
from ui import custom_entries, frame, navigation, panels, state, widgets

frame.phase_header(
    "serving", ask="Size GPUs from weights plus KV cache; quantise and cache to fit."
)

if not state.design().self_hosts:
    st.info(
        "Nothing to serve yourself: Phase 3 chose a hosted API, so the provider runs the GPUs. "
        "Choose self-hosted or routing there to size a serving cluster.",
        icon=":material/cloud:",
    )
    st.page_link(navigation.spec_of("model").path, label="Go to 3 · Model")
    st.markdown("**Latency** of the hosted model, end to end")
    panels.timeline_panel(state.design())
else:
    gpus = catalog_for(state.design()).gpus
    choices, panel = st.columns([3, 2], gap="medium")
    hardware = choices.container(border=True)
    features = choices.container(border=True)
    with hardware:
        st.markdown("**Hardware and precision**")
        widgets.select("serving", "engine", horizontal_radio=True)
        widgets.select("serving", "gpu", options=ids(gpus), format_func=lambda i: name_of(gpus, i))
        widgets.stepped_slider(
            "serving", "gpus_per_replica",
            options=[1, 2, 4, 8, 16],
        )  # fmt: skip
        widgets.number(
            "serving", "replicas", min_value=1, max_value=1_000,
            help="Any count from 1 to 1,000: the numbers say how many the peak needs.",
        )  # fmt: skip
        widgets.select("serving", "precision")
        widgets.select("serving", "kv_cache_precision")
        widgets.stepped_slider(
            "serving", "max_context_tokens",
            options=[2_048, 4_096, 8_192, 16_384, 32_768, 65_536, 131_072],
            format_func=compact_number,
        )  # fmt: skip
    with features:
        st.markdown("**Scheduler and caches**")
        widgets.toggle("serving", "continuous_batching")
        widgets.toggle("serving", "paged_attention")
        widgets.toggle("serving", "speculative_decoding")
        widgets.toggle("serving", "prefix_caching")

    with choices:
        custom_entries.gpu_form()
        panels.planner_panel(state.design())
    with panel:
        st.markdown("**Numbers** at the Phase 1 load")
        panels.serving_panel(state.design())
        panels.timeline_panel(state.design())
    panels.serving_charts(state.design())

frame.phase_footer("serving")
