"""Forms to add the design's own open model or GPU, and to remove them again."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from playbook import DesignError, add_custom_entry, remove_custom_entry
from playbook.codec import CustomKind
from playbook.labels import escape_markdown
from ui import state

PROBLEM = "custom_entries.problem"


def _source() -> str:
    author = state.design().author.strip()
    return f"entered by {author or 'the designer'} in this design"


def _add(kind: CustomKind, entry: dict[str, Any]) -> None:
    entry = {**entry, "source": _source(), "as_of": date.today().isoformat()}
    try:
        state.set_design(add_custom_entry(state.design(), kind, entry))
    except DesignError as exc:
        st.session_state[PROBLEM] = f"Not added: {exc}"
        return
    st.session_state.pop(PROBLEM, None)
    state.flash(f"Added your own entry “{entry['id']}”; pick it from the list above.")


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
        st.error(problem)
    for entry in getattr(state.design(), kind):
        name, button = st.columns([4, 1], vertical_alignment="center")
        name.markdown(f"`{entry.id}` · {escape_markdown(entry.name)}")
        button.button(
            "Remove", key=f"{kind}.remove.{entry.id}", on_click=_remove, args=(kind, entry.id)
        )


def model_form() -> None:
    """Draw the expander that adds an open model from its published config."""
    with st.expander("Add your own open model", icon=":material/add:"):
        _existing("custom_models")
        with st.form("custom_model", border=False):
            ident, name = st.columns(2)
            model_id = ident.text_input("Id (lowercase, digits, dots, dashes)", "my-model-7b")
            label = name.text_input("Name", "My model 7B")
            params, layers, hidden = st.columns(3)
            total = params.number_input("Parameters (billions)", 0.1, 5_000.0, 7.0)
            n_layers = layers.number_input("Layers", 1, 512, 32)
            hidden_size = hidden.number_input("Hidden size", 64, 65_536, 4_096)
            heads, kv_heads, head_dim = st.columns(3)
            n_heads = heads.number_input("Attention heads", 1, 1_024, 32)
            n_kv = kv_heads.number_input("KV heads (= heads for MHA)", 1, 1_024, 8)
            dim = head_dim.number_input("Head dim", 8, 1_024, 128)
            context = st.number_input("Maximum context (tokens)", 512, 10_000_000, 32_768)
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
    with st.expander("Add your own GPU", icon=":material/add:"):
        _existing("custom_gpus")
        with st.form("custom_gpu", border=False):
            ident, name = st.columns(2)
            gpu_id = ident.text_input("Id (lowercase, digits, dots, dashes)", "my-gpu")
            label = name.text_input("Name", "My GPU")
            memory, bandwidth, price = st.columns(3)
            memory_gb = memory.number_input("Memory (GB)", 1.0, 2_000.0, 80.0)
            bandwidth_tbs = bandwidth.number_input("Bandwidth (TB/s)", 0.1, 100.0, 3.35)
            usd = price.number_input("Price ($ per GPU-hour)", 0.01, 1_000.0, 2.5)
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
