"""Architecture diagrams of a design: a graph of the system, DOT text for it, rendered images."""

from diagrams.dot import DotNotFoundError, escape_html_label, render, to_dot
from diagrams.graph import build_graph, check_graph
from playbook.design import Design


def design_dot(design: Design) -> str:
    """Return the DOT source of `design`'s architecture diagram, titled with the design's title."""
    return to_dot(build_graph(design), title=design.title)


__all__ = [
    "DotNotFoundError",
    "build_graph",
    "check_graph",
    "design_dot",
    "escape_html_label",
    "render",
    "to_dot",
]
