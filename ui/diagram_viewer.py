"""The one diagram viewer of every page: Graphviz's SVG, panned and zoomed inside the page.

`dot` lays the diagram out on the server; the SVG is rebuilt from an allowlist
(`diagrams.svg.safe_svg`) and handed to a Streamlit v2 component whose small script
(`ui/static/diagram_viewer.js`) pans and zooms it (wheel, drag, pinch, buttons, keys) and reports
a click on a component. No library and no CDN: the script is ours and ships with the app.
Without `dot` the browser lays the DOT out through `st.graphviz_chart`, with a note.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final, Literal

import graphviz
import streamlit as st

from diagrams import DiagramTooLargeError, DotNotFoundError, findings_from_review, render
from diagrams.overview import overview_dot
from diagrams.svg import safe_svg
from playbook import Design, dump_design, parse_design
from playbook.analysis import design_hash
from ui import resources
from ui.cached import Memo

__all__ = ["DEFAULT_HEIGHT", "MIN_LABEL_PX", "Level", "diagram", "show_dot"]

Level = Literal["full", "overview"]
DEFAULT_HEIGHT: Final = 620
# The viewer starts where the smallest text on a node is this many CSS pixels (the bar
# is 11 px; a little above it keeps rounding from dipping under).
MIN_LABEL_PX: Final = 11.5
NO_DOT_NOTE: Final = (
    "Graphviz's dot is not installed on the server, so the browser lays this diagram out: use "
    "its fullscreen button to read it (Debian/Ubuntu: apt-get install graphviz)."
)
_STATIC = Path(__file__).parent / "static"
_VIEWER = st.components.v2.component(
    "whiteboard.diagram_viewer",
    html='<div class="dv-root"></div>',
    css=(_STATIC / "diagram_viewer.css").read_text(encoding="utf-8"),
    js=(_STATIC / "diagram_viewer.js").read_text(encoding="utf-8"),
)


# In front of the Streamlit caches below, which stay the ones that compute: plain memos of the
# DOT by design and the SVG by DOT, for the pages that draw a diagram on every rerun.
_DOTS: Memo[str] = Memo(64)
_SVGS: Memo[str] = Memo(32)


@st.cache_data(max_entries=32, show_spinner="Laying the diagram out with Graphviz…")
def _svg(dot_source: str) -> str:
    return safe_svg(render(dot_source, fmt="svg"))


@st.cache_data(max_entries=32, show_spinner=False)
def _overview(design_json: str) -> str:
    design = parse_design(design_json)
    found = resources.analysis(design)
    flags = findings_from_review(found.review.findings)
    return overview_dot(design, findings=tuple(flags), analysis=found)


def _dot_installed() -> bool:
    return shutil.which("dot") is not None


def show_dot(
    dot_source: str, *, key: str, height: int = DEFAULT_HEIGHT, picked: str | None = None
) -> str | None:
    """Draw `dot_source` in the viewer; return the component just clicked, if any."""
    if not _dot_installed():
        st.graphviz_chart(dot_source, width="stretch")
        st.caption(NO_DOT_NOTE)
        return None
    try:
        # The memo first: a hit of st.cache_data hashes the whole DOT text and unpickles the SVG.
        svg = _SVGS.get(dot_source, lambda: _svg(dot_source))
    except (DotNotFoundError, graphviz.CalledProcessError) as exc:
        st.graphviz_chart(dot_source, width="stretch")
        st.caption(f"Graphviz could not lay this diagram out ({exc}); the browser drew it.")
        return None
    data = {"svg": svg, "height": height, "minLabelPx": MIN_LABEL_PX, "picked": picked}
    result = _VIEWER(data=data, key=key, height="content", on_picked_change=_ignore)
    clicked = getattr(result, "picked", None)
    return clicked if isinstance(clicked, str) else None


def diagram(
    design: Design,
    *,
    key: str,
    level: Level = "full",
    height: int = DEFAULT_HEIGHT,
    picked: str | None = None,
) -> str | None:
    """Draw `design`'s diagram (full or overview); return the component just clicked, if any."""
    try:
        dot = _DOTS.get((design_hash(design), level), lambda: _dot(design, level))
    except DiagramTooLargeError as exc:
        st.warning(f"No diagram: {exc}.", icon=":material/warning:")
        return None
    return show_dot(dot, key=key, height=height, picked=picked)


def _dot(design: Design, level: Level) -> str:
    design_json = dump_design(design)
    return resources.diagram_dot(design_json) if level == "full" else _overview(design_json)


def _ignore() -> None:
    # The click is read from the component's result; the callback only declares the event.
    return None
