"""Showing estimates: the number, and under it the math, assumptions and sources behind it."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from playbook import sanitize
from playbook.estimates import Estimate
from playbook.labels import escape_markdown


@lru_cache(maxsize=2048)
def _escaped_short(text: str) -> str:
    return escape_markdown(text)


def _escaped(text: str) -> str:
    """Return `escape_markdown(text)`; a short text (a label, a verdict) is escaped once."""
    # A page draws the same labels and verdicts on every rerun; long texts are not kept.
    return _escaped_short(text) if len(text) <= 300 else escape_markdown(text)


def math(estimate: Estimate) -> None:
    """Draw the formula, the numbers put into it, the assumptions and the sources."""
    # A formula or its numbers can name a design's own model or GPU: user text, in a code span.
    # One Markdown element, not one per line: a page draws dozens of these on every rerun.
    lines = [f"**Formula:** {sanitize.code(estimate.formula)}"]
    if estimate.worked:
        lines.append(f"**With the numbers:** {sanitize.code(estimate.worked)}")
    lines += [f"- Assumes {escape_markdown(assumption)}" for assumption in estimate.assumptions]
    st.markdown("\n\n".join(lines))
    if estimate.sources:
        st.caption("Sources: " + " · ".join(escape_markdown(s) for s in estimate.sources))


def math_expander(estimate: Estimate, *, key: str) -> None:
    """Draw an expander holding the estimate's math, drawn only while it is open.

    A page shows dozens of these and most stay closed: opening one reruns the page (the state
    under `key`), which then draws the math inside it.
    """
    panel = st.expander("Show the math", key=key, on_change="rerun")
    if panel.open:
        with panel:
            math(estimate)


def metric(
    estimate: Estimate, *, key: str, help: str | None = None, delta: str | None = None
) -> None:
    """Draw one estimate as a metric with a 'show the math' expander (open state under `key`)."""
    st.metric(
        _escaped(estimate.name), estimate.shown(), delta=delta, help=help,
        delta_color="off",
    )  # fmt: skip
    math_expander(estimate, key=key)


def verdict(ok: bool, text: str) -> None:
    """Draw one verdict line: green when a budget is met, red when it is broken."""
    # A verdict can name a design's own model or GPU: shown literally.
    if ok:
        st.success(_escaped(text), icon=":material/check_circle:")
    else:
        st.error(_escaped(text), icon=":material/error:")


def grid(estimates: tuple[Estimate, ...] | list[Estimate], *, key: str, per_row: int = 2) -> None:
    """Draw estimates as metrics, `per_row` to a row, each with its math (keys `key.<n>`)."""
    for start in range(0, len(estimates), per_row):
        for offset, (column, estimate) in enumerate(
            zip(st.columns(per_row), estimates[start : start + per_row], strict=False)
        ):
            with column:
                metric(estimate, key=f"{key}.{start + offset}")
