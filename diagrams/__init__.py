"""Architecture diagrams of a design: a graph of the system, DOT text for it, rendered images."""

from collections.abc import Iterable

from diagrams.annotate import Annotations, annotate
from diagrams.dot import (
    DotFailedError,
    DotNotFoundError,
    DotTimeoutError,
    escape_html_label,
    render,
    to_dot,
)
from diagrams.export import EXPORT_FORMATS, FILE_TYPES, ExportFormat, export
from diagrams.graph import (
    MAX_DIAGRAM_EDGES,
    MAX_DIAGRAM_NODES,
    DiagramTooLargeError,
    Finding,
    build_graph,
    check_design_size,
    check_graph,
    check_size,
    diagram_size,
    findings_from_review,
    link_targets,
)
from diagrams.mermaid import escape_mermaid, to_mermaid
from diagrams.report import design_report
from playbook.analysis import Figures
from playbook.design import Design


def design_dot(
    design: Design, *, findings: Iterable[Finding] = (), analysis: Figures | None = None
) -> str:
    """Return the DOT source of `design`'s architecture diagram, titled with the design's title."""
    graph = build_graph(design, findings=findings, analysis=analysis)
    return to_dot(graph, title=design.title)


def design_mermaid(
    design: Design, *, findings: Iterable[Finding] = (), analysis: Figures | None = None
) -> str:
    """Return the Mermaid text of `design`'s architecture diagram."""
    graph = build_graph(design, findings=findings, analysis=analysis)
    return to_mermaid(graph, title=design.title)


__all__ = [
    "EXPORT_FORMATS",
    "FILE_TYPES",
    "MAX_DIAGRAM_EDGES",
    "MAX_DIAGRAM_NODES",
    "Annotations",
    "DiagramTooLargeError",
    "DotFailedError",
    "DotNotFoundError",
    "DotTimeoutError",
    "ExportFormat",
    "Finding",
    "annotate",
    "build_graph",
    "check_design_size",
    "check_graph",
    "check_size",
    "design_dot",
    "design_mermaid",
    "design_report",
    "diagram_size",
    "escape_html_label",
    "escape_mermaid",
    "export",
    "findings_from_review",
    "link_targets",
    "render",
    "to_dot",
    "to_mermaid",
]
