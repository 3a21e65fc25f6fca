"""The legend drawn beside a diagram: the kinds of node it shows, its flows and its flags."""

from __future__ import annotations

import networkx as nx

from diagrams.style import (
    DETAIL_COLOUR,
    EDGE_STYLES,
    FLAG_STYLES,
    FLOWS,
    NODE_KINDS,
    NODE_STYLES,
    SEVERITIES,
    TEXT_COLOUR,
    Flow,
    NodeStyle,
    Severity,
)

LEGEND_NODE = "legend"  # not a slug any design node can take: built-ins are fixed, own are own_*
COLUMNS = 3
# The Graphviz shapes as a reader would name them; plain and rounded boxes need no word.
SHAPE_WORDS = {
    "cylinder": "cylinder",
    "box3d": "3-D box",
    "cds": "pointed box",
    "note": "note",
    "tab": "tab",
    "component": "component",
    "rarrow": "arrow box",
}
LINE_SAMPLES = {"solid": "\u2014\u2014\u2014", "dashed": "- - -", "dotted": "\u00b7 \u00b7 \u00b7"}
WARNING_SIGN = "\u26a0"


def legend_label(graph: nx.DiGraph) -> str:
    """Return an HTML-like label explaining the node kinds, flows and flags `graph` uses."""
    rows = ['<TR><TD COLSPAN="3" ALIGN="LEFT"><B>Legend</B></TD></TR>']
    kinds = {kind for _, kind in graph.nodes(data="kind")}
    cells = [_kind_cell(NODE_STYLES[kind]) for kind in NODE_KINDS if kind in kinds]
    flows = {flow for _, _, flow in graph.edges(data="flow")}
    cells += [_flow_cell(flow) for flow in FLOWS if flow in flows]
    flagged = {severity for _, flags in graph.nodes(data="flags") for severity, _ in flags or ()}
    cells += [_flag_cell(severity) for severity in SEVERITIES if severity in flagged]
    if not flagged:
        cells.append(f'<TD ALIGN="LEFT"><FONT COLOR="{DETAIL_COLOUR}">nothing flagged</FONT></TD>')
    for start in range(0, len(cells), COLUMNS):
        rows.append("<TR>" + "".join(cells[start : start + COLUMNS]) + "</TR>")
    table = (
        '<TABLE BORDER="1" COLOR="#cbd5e1" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3" '
        f'BGCOLOR="white">{"".join(rows)}</TABLE>'
    )
    return f'<<FONT POINT-SIZE="10" COLOR="{TEXT_COLOUR}">{table}</FONT>>'


def _kind_cell(style: NodeStyle) -> str:
    shape = SHAPE_WORDS.get(style.shape, "double box" if style.peripheries > 1 else "")
    if "dashed" in style.style:
        shape = "dashed box"
    elif "diagonals" in style.style:
        shape = "cut corners"
    hint = f' <FONT COLOR="{DETAIL_COLOUR}">{shape}</FONT>' if shape else ""
    return (
        f'<TD BGCOLOR="{style.fill}" COLOR="{style.border}" BORDER="1" ALIGN="LEFT">'
        f"{style.name}{hint}</TD>"
    )


def _flow_cell(flow: Flow) -> str:
    style = EDGE_STYLES[flow]
    sample = LINE_SAMPLES.get(style.style, style.style)
    return f'<TD ALIGN="LEFT"><FONT COLOR="{style.colour}"><B>{sample}</B></FONT> {style.name}</TD>'


def _flag_cell(severity: Severity) -> str:
    style = FLAG_STYLES[severity]
    return (
        f'<TD BORDER="2" COLOR="{style.colour}" ALIGN="LEFT"><FONT COLOR="{style.colour}">'
        f"<B>{WARNING_SIGN} {style.name}</B></FONT></TD>"
    )
