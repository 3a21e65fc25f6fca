"""Phase 1: the product ask as four numbers (accuracy, latency, cost, scale)."""

import streamlit as st

from playbook.labels import compact_number
from ui import frame, widgets
from ui.layout import columns

frame.phase_header("constraints", ask="Turn the product ask into numbers before choosing anything.")

title, scenario, author = st.columns([3, 2, 2], gap="medium")
with title:
    widgets.text(None, "title", "Design title", placeholder="e.g. Contract QA for the legal team")
with scenario:
    widgets.text(None, "scenario", "Scenario", placeholder="e.g. document-qa")
with author:
    widgets.text(None, "author", "Author", placeholder="Your name")

left, right = columns(2)
with left, st.container(border=True):
    st.markdown("**Accuracy bar**")
    widgets.slider(
        "constraints", "accuracy_bar_pct", "Acceptable answers (%)",
        min_value=50.0, max_value=100.0, step=0.5,
        help="Share of answers that must be acceptable, or 100 minus the factual error tolerance.",
    )  # fmt: skip
with right, st.container(border=True):
    st.markdown("**Latency budget**")
    widgets.stepped_slider(
        "constraints", "ttft_ms", "Time to first token, TTFT (ms)",
        options=[100, 200, 300, 500, 800, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000],
        help="p95 wait before the first token streams back.",
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "itl_ms", "Inter-token latency, ITL (ms)",
        options=[10, 15, 20, 30, 40, 50, 75, 100, 150, 200],
        help="Time between streamed tokens; about 50 ms (20 tokens/s) reads faster than people do.",
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "total_response_s", "Total response (s)",
        options=[1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0],
    )  # fmt: skip
with left, st.container(border=True):
    st.markdown("**Cost ceiling**")
    widgets.stepped_slider(
        "constraints", "cost_per_request_usd", "Per request ($)",
        options=[0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0],
        format_func=lambda v: f"${v:g}",
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "cost_per_user_month_usd", "Per active user per month ($)",
        options=[0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0],
        format_func=lambda v: f"${v:g}",
    )  # fmt: skip
with right, st.container(border=True):
    st.markdown("**Scale**")
    widgets.stepped_slider(
        "constraints", "peak_qps", "Peak requests per second (QPS)",
        options=[0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1_000.0],
        format_func=compact_number,
    )  # fmt: skip
    widgets.number(
        "constraints", "concurrent_users", "Concurrent users",
        min_value=1, max_value=10_000_000, step=10,
    )  # fmt: skip
    widgets.number(
        "constraints", "monthly_active_users", "Monthly active users",
        min_value=1, max_value=1_000_000_000, step=1_000,
        help="The users a month's bill is shared by: the per-user cost ceiling divides by these.",
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "corpus_documents", "Corpus size (documents)",
        options=[0, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        format_func=compact_number,
    )  # fmt: skip
with left, st.container(border=True):
    st.markdown("**Request size**")
    widgets.stepped_slider(
        "constraints", "avg_prompt_tokens", "Average prompt (tokens)",
        options=[100, 250, 500, 1_000, 1_500, 2_000, 4_000, 8_000, 16_000, 32_000, 128_000],
        format_func=compact_number,
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "avg_output_tokens", "Average output (tokens)",
        options=[20, 50, 100, 200, 300, 500, 1_000, 2_000, 4_000, 8_000],
        format_func=compact_number,
    )  # fmt: skip
    widgets.stepped_slider(
        "constraints", "avg_document_tokens", "Average document (tokens)",
        options=[100, 500, 1_000, 2_000, 5_000, 10_000, 50_000],
        format_func=compact_number,
    )  # fmt: skip

st.markdown("**Gaps and limits** the product ask reveals")
gaps = columns(3, border=True)
with gaps[0]:
    widgets.toggle(
        "constraints", "knowledge_gap", "Knowledge gap",
        help="The model lacks facts the product needs (private or fresh documents): points to RAG.",
    )  # fmt: skip
with gaps[1]:
    widgets.toggle(
        "constraints", "style_gap", "Style gap",
        help="The model cannot match a required tone, format or skill: points to fine-tuning.",
    )  # fmt: skip
with gaps[2]:
    widgets.toggle(
        "constraints", "on_prem", "On-prem only",
        help="Data may not leave your infrastructure: rules out hosted APIs.",
    )  # fmt: skip

frame.phase_footer("constraints")
