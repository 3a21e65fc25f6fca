"""From the diagram to the decision: a component's numbers, why it is there, its findings, and
the phase page that decides it. The component is chosen by a click in the viewer or the picker.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from diagrams import build_graph, findings_from_review
from diagrams.nodes import own_id
from diagrams.phases import NodeCard, node_card
from playbook import Design, dump_design, parse_design
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from ui import navigation, resources

__all__ = ["PICK_KEY", "details", "picker"]

PICK_KEY: Final = "diagram.component"
_SEVERITY_NAMES: Final = {"error": "Breaks a budget", "warning": "Unjustified"}
_REVIEW_NAMES: Final = {"block": "Blocking", "warn": "Warning", "info": "Note"}


@st.cache_data(max_entries=32, show_spinner=False)
def _cards(design_json: str) -> dict[str, NodeCard]:
    design = parse_design(design_json)
    found = resources.analysis(design)
    flags = findings_from_review(found.review.findings)
    graph = build_graph(design, findings=tuple(flags), analysis=found)
    return {node: node_card(graph, design, node) for node in graph.nodes}


def cards(design: Design) -> dict[str, NodeCard]:
    """Return every component's card, in the diagram's order (cached per design)."""
    return _cards(dump_design(design))


def picker(design: Design, *, clicked: str | None) -> str | None:
    """Draw the component picker (a click in the viewer sets it); return the chosen node."""
    found = cards(design)
    if clicked in found:
        st.session_state[PICK_KEY] = clicked  # before the widget is drawn in this run
    if st.session_state.get(PICK_KEY) not in found:
        st.session_state[PICK_KEY] = None
    chosen: str | None = st.selectbox(
        "Component", [None, *found], key=PICK_KEY,
        format_func=lambda node: "Choose a component (or click one)" if node is None
        else found[node].label,
        help="Its numbers, the constraint that puts it in the design, its findings and the "
        "page that decides it.",
    )  # fmt: skip
    return chosen


def details(design: Design, node: str) -> None:
    """Draw what the design says about `node`: numbers, reasons, findings, phase page link."""
    card = cards(design)[node]
    with st.container(border=True, key="diagram.details"):
        st.markdown(f"**{escape_markdown(card.label)}** · decided in {PHASE_NAMES[card.phase]}")
        numbers, why = st.columns(2, gap="medium")
        numbers.markdown("**Numbers**")
        numbers.markdown(_bullets(card.numbers) or "No estimate on this component.")
        why.markdown("**Why it is there**")
        why.markdown(_bullets(card.reasons))
        st.markdown("**Findings**")
        st.markdown(_bullets(_findings(design, card)) or "Nothing flagged.")
        spec = navigation.spec_of(card.phase)
        st.page_link(spec.path, label=f"Decide it on {spec.title}", icon=spec.icon)


def _findings(design: Design, card: NodeCard) -> list[str]:
    lines = [f"{_SEVERITY_NAMES.get(sev, sev)}: {reason}" for sev, reason in card.flags]
    for finding in resources.review(design).findings:
        if finding.component and card.node in (finding.component, own_id(finding.component)):
            line = f"{_REVIEW_NAMES[finding.severity]}: {finding.message}"
            if not any(finding.message in shown for shown in lines):
                lines.append(line)
    return lines


def _bullets(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {escape_markdown(line)}" for line in lines)
