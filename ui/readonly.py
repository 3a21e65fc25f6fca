"""A design shown read-only: its header, decisions, diagram, key numbers and critique.

Used by the shared view and the compare page. Nothing here reads or writes the design being
edited in this session: every function takes the design it shows.
"""

from __future__ import annotations

import streamlit as st

from db import SharedDesign
from diagrams import DiagramTooLargeError
from playbook import Design, dump_design, sanitize
from playbook.compare import KeyNumber, decisions
from playbook.design import PHASES, Phase
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from playbook.rubric import Review
from ui import cached, numbers, panels, resources, tables

_ALERTS = {"block": st.error, "warn": st.warning, "info": st.info}


def byline(design: Design) -> str:
    """Return 'scenario · author' of a design, escaped for Markdown, or '' when both are empty."""
    return escape_markdown(" · ".join(part for part in (design.scenario, design.author) if part))


def revision_line(shared: SharedDesign) -> str:
    """Return which revision a shared view shows and when it was saved, as Markdown, e.g.
    ':material/history: Revision 3 of 3 (the newest), saved 2026-12-01 14:02 UTC by Ada'."""
    newest = " (the newest)" if shared.revision == shared.revisions else ""
    by = f" by {escape_markdown(shared.saved_by)}" if shared.saved_by else ""
    return (
        f":material/history: Revision {shared.revision} of {shared.revisions}{newest}, "
        f"saved {shared.saved_at:%Y-%m-%d %H:%M} UTC{by}"
    )


def numbers_of(design: Design) -> tuple[KeyNumber, ...]:
    """Return the design's headline numbers from its one analysis (computed once per design)."""
    return cached.key_numbers(design)


def key_metrics(design: Design, *, per_row: int = 4) -> None:
    """Draw the headline numbers as metrics, `per_row` to a row."""
    found = cached.metric_cells(design)
    for start in range(0, len(found), per_row):
        for column, (label, shown) in zip(
            st.columns(per_row), found[start : start + per_row], strict=False
        ):
            column.metric(label, shown)


def diagram(design: Design) -> None:
    """Draw the design's architecture diagram (its fullscreen button shows it larger)."""
    try:
        dot = resources.diagram_dot(dump_design(design))
    except DiagramTooLargeError as exc:
        st.warning(f"No diagram: {exc}.", icon=":material/warning:")
        return
    st.graphviz_chart(dot, width="stretch")


def decision_table(design: Design, *, phase: Phase | None = None) -> None:
    """Draw one phase's decisions (or all of them) as a two-column table of plain text."""
    if phase is None:
        rows = [{"Decision": r.label, "Value": sanitize.cell(r.value)} for r in decisions(design)]
        table = tables.arrow(rows)
    else:
        table = cached.decision_table(design, phase)  # built once per design and phase
    st.dataframe(table, hide_index=True, width="stretch", height="content")


def notes(design: Design, phase: Phase) -> None:
    """Draw one phase's notes as plain text, or say there are none."""
    text = getattr(design, phase).notes
    st.markdown(f"**Notes:** {escape_markdown(text)}" if text else "*No notes.*")


def phase_tabs(
    design: Design, *, phases: tuple[Phase, ...] = PHASES, key: str = "readonly.phase_tab"
) -> None:
    """Draw a tab per phase: its decisions and its notes, drawn only for the open tab."""
    tabs = st.tabs([PHASE_NAMES[p] for p in phases], key=key, on_change="rerun")
    for phase, tab in zip(phases, tabs, strict=True):
        if tab.open:
            with tab:
                decision_table(design, phase=phase)
                notes(design, phase)


def all_numbers_panel(design: Design, *, key: str) -> None:
    """Draw every number with its math in an expander, computed only while it is open."""
    panel = st.expander(
        "Every number with its math", icon=":material/calculate:", key=key, on_change="rerun"
    )
    if panel.open:
        with panel:
            all_numbers(design)


def critique_of(design: Design) -> Review:
    """Return the rubric's review of the design: its analysis's."""
    return cached.review(design)


def critique(design: Design) -> None:
    """Draw the rubric's verdict and each finding with its fix, most severe first."""
    verdict, lines = cached.critique_lines(design)  # escaped once per design
    st.markdown(verdict)
    if not lines:
        st.success("The rubric has nothing to say about this design.")
    for severity, line in lines:
        _ALERTS[severity](line)


def all_numbers(design: Design) -> None:
    """Draw every number the phase pages show for the design, each with its math."""
    panels.cost_panel(design)
    panels.serving_panel(design)
    panels.timeline_panel(design)
    report = cached.analysis(design).retrieval
    if report is not None:
        found = [report.chunks, report.embedding_storage, report.embedding_cost]
        found += [report.index_memory, report.query_latency]
        numbers.grid(
            [*found, *((report.rerank_latency,) if report.rerank_latency else ())],
            key="math.retrieval",
        )
