"""The form that adds the user's own component to the diagram, and the list to remove them."""

from __future__ import annotations

import re
from typing import get_args

import streamlit as st

from diagrams import link_targets
from playbook import DesignError, add_custom_entry, remove_component
from playbook.design import PHASES, ComponentKind
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from ui import state

PROBLEM = "components.problem"
OPEN = "components.open"  # the expander's open state: its rows are drawn only while it is open
PAGE = "components.page"
PER_PAGE = 10
KINDS: tuple[str, ...] = get_args(ComponentKind)


def _component_id(name: str, taken: set[str]) -> str:
    """Return a free id made from the name: lowercase words joined by underscores."""
    stem = "_".join(re.findall(r"[a-z0-9]+", name.lower()))[:30] or "component"
    stem = stem if stem[0].isalpha() else f"c_{stem}"
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}_{n}", n + 1
    return candidate


def _add(entry: dict[str, object]) -> None:
    try:
        state.set_design(add_custom_entry(state.design(), "components", entry))
    except DesignError as exc:
        st.session_state[PROBLEM] = f"Not added: {exc}"
        return
    st.session_state.pop(PROBLEM, None)
    state.flash(f"Added “{escape_markdown(str(entry['name']))}” to the diagram.")


def _remove(component_id: str) -> None:
    state.set_design(remove_component(state.design(), component_id))


def components_form() -> None:
    """Draw the expander to add a component, and the design's own components with Remove."""
    design = state.design()
    panel = st.expander(
        "Your own components", icon=":material/add_box:", key=OPEN, on_change="rerun"
    )
    if not panel.open:
        return  # 100 own components were 65 ms of every Diagram rerun while nobody looked
    with panel:
        if problem := st.session_state.get(PROBLEM):
            st.error(escape_markdown(problem))  # it may quote what the user typed
        pages = max(1, -(-len(design.components) // PER_PAGE))
        page = 1
        if pages > 1:
            page = int(
                st.number_input(
                    f"Page (of {pages}, {PER_PAGE} components each)",
                    min_value=1, max_value=pages, step=1, key=PAGE,
                )
            )  # fmt: skip
        first = (min(page, pages) - 1) * PER_PAGE
        for component in design.components[first : first + PER_PAGE]:
            text, button = st.columns([5, 1], vertical_alignment="center")
            why = component.justification.strip() or "no constraint stated: flagged"
            text.markdown(
                f"**{escape_markdown(component.name)}** · {component.kind} · "
                f"{PHASE_NAMES[component.phase]} — {escape_markdown(why)}"
            )
            button.button(
                "Remove", key=f"components.remove.{component.id}",
                on_click=_remove, args=(component.id,),
            )  # fmt: skip
        targets = dict(link_targets(design))
        with st.form("components.add", border=False):
            name = st.text_input("Name", max_chars=80, placeholder="e.g. Semantic cache")
            kind, phase = st.columns(2)
            chosen_kind = kind.selectbox("Kind", KINDS)
            chosen_phase = phase.selectbox("Phase", PHASES, format_func=PHASE_NAMES.__getitem__)
            links = st.multiselect(
                "Connects to", list(targets), format_func=lambda node: targets.get(node, node)
            )
            justification = st.text_input(
                "The constraint it serves", placeholder="e.g. TTFT 800 ms at 10× traffic"
            )
            if st.form_submit_button("Add component") and name.strip():
                taken = {c.id for c in design.components} | set(targets)
                _add({
                    "id": _component_id(name, taken), "name": name.strip(),
                    "kind": chosen_kind, "phase": chosen_phase, "connects_to": links,
                    "justification": justification,
                })  # fmt: skip
                st.rerun()
