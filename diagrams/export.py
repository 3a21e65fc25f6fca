"""Every export of a design's diagram as bytes: DOT, SVG, PNG, Mermaid (and the Markdown report).

DOT, Mermaid and the report are pure text; only SVG and PNG run Graphviz's `dot`, and raise
`DotNotFoundError` (with how to install it) when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal, get_args

from diagrams.dot import render, to_dot
from diagrams.graph import Finding, build_graph
from diagrams.mermaid import to_mermaid
from playbook.design import Design

ExportFormat = Literal["dot", "svg", "png", "mermaid"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
# File extension and media type of each format, for download buttons and the CLI.
FILE_TYPES: Final[dict[ExportFormat, tuple[str, str]]] = {
    "dot": ("dot", "text/vnd.graphviz"),
    "svg": ("svg", "image/svg+xml"),
    "png": ("png", "image/png"),
    "mermaid": ("mmd", "text/vnd.mermaid"),
}


def export(design: Design, fmt: ExportFormat, *, findings: Iterable[Finding] = ()) -> bytes:
    """Return `design`'s diagram in `fmt`: DOT or Mermaid as UTF-8 text, SVG or PNG via `dot`."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    graph = build_graph(design, findings=findings)
    if fmt == "mermaid":
        return to_mermaid(graph, title=design.title).encode("utf-8")
    dot_source = to_dot(graph, title=design.title)
    if fmt == "dot":
        return dot_source.encode("utf-8")
    return render(dot_source, fmt=fmt)
