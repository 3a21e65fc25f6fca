"""The architecture diagram generated from the design: flags, own components and exports."""

from functools import partial

import streamlit as st

from diagrams import FILE_TYPES, DiagramTooLargeError, ExportFormat
from playbook import dump_design
from playbook.labels import slugify
from ui import component_details, diagram_viewer, resources, state
from ui.components_form import components_form
from ui.diagram_viewer import Level

LEVELS: dict[Level, str] = {"full": "Full diagram", "overview": "Overview"}
EXPORTS: tuple[ExportFormat, ...] = ("dot", "mermaid", "svg", "png", "excalidraw")

st.title("Architecture diagram")
st.caption(
    "Drawn from your choices in the six phases, with the estimates on the components. "
    "Red marks what breaks a budget or a requirement, amber what no constraint justifies."
)
state.show_flash()

design = state.design()
design_json = dump_design(design)
stem = slugify(design.title)
dot: str | None
try:
    dot = resources.diagram_dot(design_json)
except DiagramTooLargeError as exc:
    st.warning(
        f"{exc}. Remove some of your own components to draw it here.", icon=":material/warning:"
    )
    dot = None
if dot is not None:
    level: Level = st.segmented_control(
        "Detail", list(LEVELS), format_func=LEVELS.__getitem__, default="full",
        key="diagram.level", help="Overview: one box per phase with its key numbers.",
    ) or "full"  # fmt: skip
    picked = st.session_state.get(component_details.PICK_KEY)
    clicked = diagram_viewer.diagram(
        design, key=f"diagram.viewer.{level}", level=level, picked=picked
    )
    if chosen := component_details.picker(design, clicked=clicked):
        component_details.details(design, chosen)

components_form()

st.markdown("**Export**")
missing = resources.dot_missing()
columns = st.columns(len(EXPORTS) + 1)
for column, fmt in zip(columns, EXPORTS, strict=False):
    extension, mime = FILE_TYPES[fmt]
    needs_dot = fmt in ("svg", "png", "excalidraw")
    column.download_button(
        {"mermaid": "Mermaid", "excalidraw": "Excalidraw"}.get(fmt, fmt.upper()),
        # SVG, PNG and Excalidraw are laid out by `dot` only when asked for, not on every rerun.
        data=partial(resources.exported, design_json, fmt) if dot else b"",
        disabled=dot is None or (needs_dot and missing is not None),
        file_name=f"{stem}.{extension}", mime=mime, key=f"diagram.download.{fmt}",
        icon=":material/download:",
    )  # fmt: skip
columns[-1].download_button(
    # Built when clicked, not on every rerun (a callable `data`, Streamlit >= 1.52).
    "Report", data=lambda: resources.report(design_json), file_name=f"{stem}.md",
    mime="text/markdown", key="diagram.download.report", icon=":material/description:",
    help="A Markdown design report: the diagram, the numbers and the notes of each phase.",
)  # fmt: skip
if missing is not None:
    st.info(str(missing), icon=":material/info:")
