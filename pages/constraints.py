"""Phase 1: the product ask as four numbers (accuracy, latency, cost, scale)."""

import streamlit as st

from playbook.labels import compact_number
from ui import frame, widgets
from ui.layout import columns

frame.phase_header("constraints", ask="Turn the product ask into numbers before choosing anything.")

title, scenario, author = st.columns([3, 2, 2], gap="medium")
with title:
    widgets.text(None, "title", placeholder="e.g. Contract QA for the legal team")
with scenario:
    widgets.text(None, "scenario", placeholder="e.g. document-qa")
with author:
    widgets.text(None, "author", placeholder="Your name")

left, right = columns(2)
with left, st.container(border=True):
    st.markdown("**Accuracy bar**")
    widgets.slider(
        "constraints", "accuracy_bar_pct",
        min_value=50.0, max_value=100.0, step=0.5,
    )  # fmt: skip
with right, st.container(border=True):
    st.markdown("**Latency budget**")
    widgets.stepped_slider(
        "constraints", "ttft_ms",
        options=[100, 200, 300, 500, 800, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000],
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "itl_ms",
        options=[10, 15, 20, 30, 40, 50, 75, 100, 150, 200],
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "total_response_s",
        options=[1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0],
    )  # fmt: skip
with left, st.container(border=True):
    st.markdown("**Cost ceiling**")
    widgets.stepped_slider(
        "constraints", "cost_per_request_usd",
        options=[0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0],
        format_func=lambda v: f"${v:g}",
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "cost_per_user_month_usd",
        options=[0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0],
        format_func=lambda v: f"${v:g}",
    )  # fmt: skip
with right, st.container(border=True):
    st.markdown("**Scale**")
    widgets.stepped_slider(
        "constraints", "peak_qps",
        options=[0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1_000.0],
        format_func=compact_number,
    )  # fmt: skip
    widgets.number(
        "constraints", "concurrent_users", min_value=1, max_value=10_000_000, step=10,
    )  # fmt: skip
    widgets.number(
        "constraints", "monthly_active_users", min_value=1, max_value=1_000_000_000, step=1_000,
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "corpus_documents",
        options=[0, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        format_func=compact_number,
    )  # fmt: skip
with left, st.container(border=True):
    st.markdown("**Request size**")
    widgets.stepped_slider(
        "constraints", "avg_prompt_tokens",
        options=[100, 250, 500, 1_000, 1_500, 2_000, 4_000, 8_000, 16_000, 32_000, 128_000],
        format_func=compact_number,
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "avg_output_tokens",
        options=[20, 50, 100, 200, 300, 500, 1_000, 2_000, 4_000, 8_000],
        format_func=compact_number,
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "avg_document_tokens",
        options=[100, 500, 1_000, 2_000, 5_000, 10_000, 50_000],
        format_func=compact_number,
    )  # fmt: skip

st.markdown("**Gaps and limits** the product ask reveals")
gaps = columns(3, border=True)
with gaps[0]:
    widgets.toggle("constraints", "knowledge_gap")
with gaps[1]:
    widgets.toggle("constraints", "style_gap")
with gaps[2]:
    widgets.toggle("constraints", "on_prem")

frame.phase_footer("constraints")
