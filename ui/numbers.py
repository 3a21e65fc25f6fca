"""Showing estimates: the number, and under it the math, assumptions and sources behind it."""

from __future__ import annotations

import streamlit as st

from playbook.estimates import Estimate
from playbook.labels import escape_markdown


def math(estimate: Estimate) -> None:
    """Draw the formula, the numbers put into it, the assumptions and the sources."""
    st.markdown(f"**Formula:** `{estimate.formula}`")
    if estimate.worked:
        st.markdown(f"**With the numbers:** `{estimate.worked}`")
    for assumption in estimate.assumptions:
        st.markdown(f"- Assumes {escape_markdown(assumption)}")
    if estimate.sources:
        st.caption("Sources: " + " · ".join(escape_markdown(s) for s in estimate.sources))


def metric(estimate: Estimate, *, help: str | None = None, delta: str | None = None) -> None:
    """Draw one estimate as a metric with an expandable 'show the math'."""
    st.metric(estimate.name, estimate.shown(), delta=delta, help=help, delta_color="off")
    with st.expander("Show the math"):
        math(estimate)
