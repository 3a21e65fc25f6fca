"""Every export of a design's diagram as bytes: DOT, SVG, PNG, Mermaid, Excalidraw (and the
Markdown report).

DOT, Mermaid and the report are pure text; SVG, PNG and Excalidraw run Graphviz's `dot` (the
Excalidraw scene takes its positions from dot's layout), and raise `DotNotFoundError` (with how
to install it) when it is missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final, Literal, get_args

from diagrams.dot import render, to_dot
from diagrams.excalidraw import to_excalidraw
from diagrams.graph import Finding, build_graph
from diagrams.mermaid import to_mermaid
from playbook.analysis import Figures
from playbook.design import Design

ExportFormat = Literal["dot", "svg", "png", "mermaid", "excalidraw"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
# File extension and media type of each format, for download buttons and the CLI.
FILE_TYPES: Final[dict[ExportFormat, tuple[str, str]]] = {
    "dot": ("dot", "text/vnd.graphviz"),
    "svg": ("svg", "image/svg+xml"),
    "png": ("png", "image/png"),
    "mermaid": ("mmd", "text/vnd.mermaid"),
    "excalidraw": ("excalidraw", "application/json"),
}
# A slide is 1920 px wide: the PNG is scaled (up or down) so its longer side is that many
# pixels. The layout is about 5:3, so the width is the longer side and a 10 pt line of text is
# about 1920 / drawing width in inches × 10/72 px: 11-18 px for our designs.
SLIDE_PX: Final = 1920
SLIDE_DPI: Final = 96


def export(
    design: Design,
    fmt: ExportFormat,
    *,
    findings: Iterable[Finding] = (),
    analysis: Figures | None = None,
) -> bytes:
    """Return `design`'s diagram in `fmt`: text formats as UTF-8, SVG/PNG/Excalidraw via `dot`."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    graph = build_graph(design, findings=findings, analysis=analysis)
    if fmt == "mermaid":
        return to_mermaid(graph, title=design.title).encode("utf-8")
    dot_source = to_dot(graph, title=design.title)
    if fmt == "dot":
        return dot_source.encode("utf-8")
    if fmt == "excalidraw":
        layout = json.loads(render(dot_source, fmt="json"))
        return to_excalidraw(graph, layout, title=design.title).encode("utf-8")
    if fmt == "png":
        return render(slide_sized(dot_source), fmt="png")
    return render(dot_source, fmt="svg")


def slide_sized(dot_source: str) -> str:
    """Return `dot_source` with a size that scales its drawing to `SLIDE_PX` on the long side."""
    inches = SLIDE_PX / SLIDE_DPI
    attrs = f'\tgraph [size="{inches:g},{inches:g}!" dpi={SLIDE_DPI}]\n'
    head, brace, body = dot_source.partition("{\n")
    if not brace:
        raise ValueError("not a DOT graph: no opening brace")
    return f"{head}{brace}{attrs}{body}"
