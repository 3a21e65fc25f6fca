"""Phase 3: the model class: hosted, self-hosted, or routing between a small and a large model."""

from datetime import date

import streamlit as st

from playbook.catalog import ids, name_of, offered
from playbook.design import catalog_for
from playbook.labels import MODEL_KIND_WHEN, MODEL_KINDS
from ui import custom_entries, frame, panels, state, widgets
from ui.layout import columns

frame.phase_header("model", ask="Hosted for time-to-quality, self-hosted for cost and control.")

catalog = catalog_for(state.design())
# Retired models are hidden from new choices; a saved design that holds one still shows it.
in_use = {state.design().model.hosted_model, state.design().model.large_model}
current = offered(catalog.hosted_models, date.today())
hosted = tuple(m.id for m in catalog.hosted_models if m in current or m.id in in_use)
open_weights = ids(catalog.open_models)


def _any_model(model_id: str) -> str:
    if model_id in hosted:
        entry = next(e for e in catalog.hosted_models if e.id == model_id)
        verb = "retired" if entry.retired(date.today()) else "retires"
        when = f", {verb} {entry.retires_on}" if entry.retires_on else ""
        return f"{entry.name} (hosted, {entry.provider}{when})"
    return f"{name_of(catalog.open_models, model_id)} (self-hosted)"


def _open_model(model_id: str) -> str:
    return name_of(catalog.open_models, model_id)


choices, panel = st.columns([3, 2], gap="medium")
with choices:
    widgets.select("model", "kind", horizontal_radio=True)
    kind = state.design().model.kind
    st.caption(f"{MODEL_KINDS[kind]}: {MODEL_KIND_WHEN[kind]}.")
    with st.container(border=True):
        if kind == "hosted":
            widgets.select("model", "hosted_model", options=hosted, format_func=_any_model)
        elif kind == "self_hosted":
            widgets.select(
                "model", "open_model",
                options=open_weights, format_func=_open_model,
            )  # fmt: skip
        else:
            small, large = columns(2)
            with small:
                widgets.select(
                    "model", "small_model",
                    options=open_weights, format_func=_any_model,
                )  # fmt: skip
            with large:
                widgets.select(
                    "model", "large_model",
                    options=open_weights + hosted, format_func=_any_model,
                )  # fmt: skip
            widgets.slider(
                "model", "small_share_pct",
                min_value=0, max_value=100, step=5,
            )  # fmt: skip
    if kind != "hosted":
        custom_entries.model_form()
with panel:
    st.markdown("**Cost** at the Phase 1 scale")
    panels.cost_panel(state.design())

frame.phase_footer("model")
