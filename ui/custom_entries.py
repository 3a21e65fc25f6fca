"""Forms to add the design's own open model or GPU, and to remove them again."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from playbook import DesignError, add_custom_entry, remove_custom_entry
from playbook.catalog import find, load_catalog
from playbook.codec import CustomKind
from playbook.design import CUSTOM_GPU_FIELDS, CUSTOM_MODEL_FIELDS
from playbook.estimates.memory import kv_bytes_per_token
from playbook.hf_config import HfConfigError, describe, load_config, parse_hf_config
from playbook.labels import escape_markdown
from ui import state

PROBLEM = "custom_entries.problem"


def _model(field: str) -> str:
    """Return the label of an own model's field, from beside its bounds in playbook.design."""
    return CUSTOM_MODEL_FIELDS[field][0]


def _gpu(field: str) -> str:
    """Return the label of an own GPU's field, from beside its bounds in playbook.design."""
    return CUSTOM_GPU_FIELDS[field][0]


def _source() -> str:
    author = state.design().author.strip()
    return f"entered by {author or 'the designer'} in this design"


def _add(kind: CustomKind, entry: dict[str, Any], *, detail: str = "") -> None:
    entry = {**entry, "source": entry.get("source") or _source(), "as_of": date.today().isoformat()}
    try:
        state.set_design(add_custom_entry(state.design(), kind, entry))
    except DesignError as exc:
        st.session_state[PROBLEM] = f"Not added: {exc}"
        return
    st.session_state.pop(PROBLEM, None)
    state.flash(f"Added your own entry “{entry['id']}”{detail}; pick it from the list above.")


def _add_from_config(model_id: str, name: str, text: str | bytes) -> None:
    """Add the model a pasted or uploaded Hugging Face config.json describes."""
    source = f"computed from a Hugging Face config.json, {_source()}"
    try:
        model = parse_hf_config(
            load_config(text), model_id=model_id.strip(), name=name.strip(), source=source,
            as_of=date.today().isoformat(),
        )  # fmt: skip
    except (HfConfigError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        st.session_state[PROBLEM] = f"Not added: {exc}"
        return
    kv = kv_bytes_per_token(model, find(load_catalog().precisions, "bf16")).value
    active = f", {model.active_params / 1e9:.2f} B active" if model.active_params else ""
    detail = (
        f": {model.total_params / 1e9:.2f} B parameters{active}, {kv:,.0f} B of KV cache per "
        f"token in BF16, {describe(model)}"
    )
    _add("custom_models", model.model_dump(mode="json"), detail=escape_markdown(detail))


def _remove(kind: CustomKind, entry_id: str) -> None:
    try:
        state.set_design(remove_custom_entry(state.design(), kind, entry_id))
    except DesignError as exc:
        st.session_state[PROBLEM] = f"Not removed: {exc}"
        return
    st.session_state.pop(PROBLEM, None)


def _existing(kind: CustomKind) -> None:
    """Draw the design's own entries of `kind` with Remove, and the last refusal, if any."""
    if problem := st.session_state.get(PROBLEM):
        st.error(escape_markdown(problem))  # it may quote what the user typed
    for entry in getattr(state.design(), kind):
        name, button = st.columns([4, 1], vertical_alignment="center")
        name.markdown(f"`{entry.id}` · {escape_markdown(entry.name)}")
        button.button(
            "Remove", key=f"{kind}.remove.{entry.id}", on_click=_remove, args=(kind, entry.id)
        )


def _config_form() -> None:
    """Draw the form that reads a model from its Hugging Face config.json."""
    with st.form("custom_model_hf", border=False):
        st.markdown("**From a Hugging Face config.json**")
        ident, name = st.columns(2)
        model_id = ident.text_input(
            "Id (lowercase, digits, dots, dashes)", "my-model", key="custom_model_hf.id"
        )
        label = name.text_input("Name (blank: from the config)", "", key="custom_model_hf.name")
        pasted = st.text_area(
            "From a Hugging Face config.json: paste it here", key="custom_model_hf.text",
            height=140, placeholder='{"model_type": "llama", "hidden_size": 4096, ...}',
        )  # fmt: skip
        uploaded = st.file_uploader(
            "…or upload the config.json file", type=["json"], key="custom_model_hf.file"
        )
        st.caption(
            "Parameters, KV cache per token and the attention shape (GQA, MLA, sliding or "
            "chunked layers, experts) are computed from the config."
        )
        if st.form_submit_button("Add model from config.json"):
            text = uploaded.getvalue() if uploaded is not None else pasted
            _add_from_config(model_id, label, text)
            st.rerun()


MODEL_FORM_OPEN = "custom_models.open"  # the expanders' open state: forms drawn only when open
GPU_FORM_OPEN = "custom_gpus.open"


def model_form() -> None:
    """Draw the expander that adds an open model from its config.json or its published numbers."""
    panel = st.expander(
        "Add your own open model", icon=":material/add:", key=MODEL_FORM_OPEN, on_change="rerun"
    )
    if not panel.open:
        return  # two forms of a dozen widgets, drawn only while the expander is open
    with panel:
        _existing("custom_models")
        _config_form()
        st.divider()
        st.markdown("**Or enter its numbers**")
        with st.form("custom_model", border=False):
            ident, name = st.columns(2)
            model_id = ident.text_input("Id (lowercase, digits, dots, dashes)", "my-model-7b")
            label = name.text_input("Name", "My model 7B")
            params, layers, hidden = st.columns(3)
            total = params.number_input("Parameters (billions)", 0.1, 5_000.0, 7.0)
            n_layers = layers.number_input(_model("layers"), 1, 512, 32)
            hidden_size = hidden.number_input(_model("hidden_size"), 64, 65_536, 4_096)
            heads, kv_heads, head_dim = st.columns(3)
            n_heads = heads.number_input(_model("attention_heads"), 1, 1_024, 32)
            n_kv = kv_heads.number_input(
                _model("kv_heads"), 1, 1_024, 8, help="As many as the attention heads for MHA."
            )
            dim = head_dim.number_input(_model("head_dim"), 8, 1_024, 128)
            context = st.number_input(_model("max_context"), 512, 10_000_000, 32_768)
            if st.form_submit_button("Add model"):
                _add("custom_models", {
                    "id": model_id.strip(), "name": label.strip(), "total_params": total * 1e9,
                    "layers": n_layers, "hidden_size": hidden_size, "attention_heads": n_heads,
                    "kv_heads": n_kv, "head_dim": dim, "max_context": context,
                    "attention": "mha" if n_kv == n_heads else "gqa",
                })  # fmt: skip
                st.rerun()


def gpu_form() -> None:
    """Draw the expander that adds a GPU from its datasheet numbers."""
    panel = st.expander(
        "Add your own GPU", icon=":material/add:", key=GPU_FORM_OPEN, on_change="rerun"
    )
    if not panel.open:
        return  # a form of eight widgets on every Serving rerun otherwise
    with panel:
        _existing("custom_gpus")
        with st.form("custom_gpu", border=False):
            ident, name = st.columns(2)
            gpu_id = ident.text_input("Id (lowercase, digits, dots, dashes)", "my-gpu")
            label = name.text_input("Name", "My GPU")
            memory, bandwidth, price = st.columns(3)
            memory_gb = memory.number_input(_gpu("memory_gb"), 1.0, 2_000.0, 80.0)
            bandwidth_tbs = bandwidth.number_input(_gpu("bandwidth_tbs"), 0.1, 100.0, 3.35)
            usd = price.number_input(_gpu("usd_per_hour"), 0.01, 1_000.0, 2.5)
            bf16, fp8 = st.columns(2)
            bf16_tflops = bf16.number_input("Dense BF16 TFLOPS", 1.0, 100_000.0, 989.0)
            fp8_tflops = fp8.number_input("Dense FP8 TFLOPS (0 if none)", 0.0, 100_000.0, 0.0)
            if st.form_submit_button("Add GPU"):
                throughput = {"bf16": bf16_tflops} | ({"fp8": fp8_tflops} if fp8_tflops else {})
                _add("custom_gpus", {
                    "id": gpu_id.strip(), "name": label.strip(), "memory_gb": memory_gb,
                    "bandwidth_tbs": bandwidth_tbs, "dense_tflops": throughput,
                    "usd_per_hour": usd, "price_source": _source(),
                    "price_as_of": date.today().isoformat(),
                })  # fmt: skip
                st.rerun()
