"""Reference architectures: load a sound design as a starting point, or compare yours with one."""

import streamlit as st

from playbook.labels import escape_markdown
from playbook.scenarios import load_scenario, scenario_summaries
from ui import diagram_viewer, state

PENDING = "references.pending"  # the reference waiting for "replace my design?" to be confirmed
COMPARE = "references.compare"

st.title("Reference architectures")
st.caption(
    "Designs of common GenAI products whose numbers meet their own budgets by the app's "
    "estimates. Load one as your starting point, or compare its diagram with yours."
)
state.show_flash()


def _load(name: str) -> None:
    design = load_scenario(name)
    state.set_design(design)
    state.mark_saved(design)  # a reference loads again any time: unchanged, nothing is lost
    # The loaded design is a new, unsaved one: a save must not become a revision of the saved
    # design that was open before, and the library's title box should offer this title.
    st.session_state.pop(state.LIBRARY_OPENED, None)
    st.session_state[state.TITLE_INPUT] = design.title
    st.session_state.pop(PENDING, None)
    state.flash(
        f"Loaded “{escape_markdown(design.title)}” as your starting point: every phase now "
        "holds its choices."
    )


def _ask(name: str) -> None:
    # Nothing is lost when the design is blank, or unchanged since it was loaded or saved.
    if not state.has_unsaved_design():
        _load(name)
    else:
        st.session_state[PENDING] = name


def _cancel() -> None:
    st.session_state.pop(PENDING, None)


if pending := st.session_state.get(PENDING):
    with st.container(border=True):
        st.warning(
            f"Loading “{escape_markdown(load_scenario(pending).title)}” replaces your current "
            f"design, “{escape_markdown(state.design().title)}”, in every phase. Save it first "
            "under Saved designs to keep it.",
            icon=":material/warning:",
        )
        replace, cancel = st.columns(2)
        replace.button(
            "Replace my design", key="references.confirm", on_click=_load, args=(pending,),
            type="primary",
        )  # fmt: skip
        cancel.button("Cancel", key="references.cancel", on_click=_cancel)

summaries = scenario_summaries()
for summary in summaries:
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(summary.title)}** · `{summary.name}`")
        st.caption(escape_markdown(summary.pitch))
        st.markdown(
            f"{escape_markdown(summary.numbers)}  \n"
            f"Technique: {escape_markdown(summary.technique)} · "
            f"Model: {escape_markdown(summary.model)}"
        )
        st.button(
            "Load as my starting point",
            key=f"references.load.{summary.name}",
            on_click=_ask,
            args=(summary.name,),
            icon=":material/download:",
            help="Replaces the design you are editing in every phase; save yours first under "
            "Saved designs to keep it.",
        )

st.subheader("Compare")
titles = {summary.name: summary.title for summary in summaries}
chosen = st.selectbox(
    "Reference to draw next to your design",
    options=list(titles),
    format_func=titles.__getitem__,
    key=COMPARE,
)
# One above the other, each in the pan-and-zoom viewer at a readable size.
for side, (heading, design) in enumerate(
    (
        (f"Yours: {state.design().title}", state.design()),
        (f"Reference: {titles[chosen]}", load_scenario(chosen)),
    )
):
    st.markdown(f"**{escape_markdown(heading)}**")
    diagram_viewer.diagram(design, key=f"references.viewer.{side}", height=520)
