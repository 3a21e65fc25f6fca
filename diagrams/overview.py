"""The overview: one box per playbook phase with its key numbers, drawn from the full graph.

Every number is a line the full diagram already carries (from `diagrams.annotate`), so the two
levels of detail never disagree. A box is bordered red or amber like the worst flag on the
components its phase decides.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Final

import graphviz
import networkx as nx

from diagrams.dot import escape_html_label, node_lines
from diagrams.graph import build_graph
from diagrams.nodes import MITIGATION_PREFIX, SEP, Finding
from diagrams.phases import phase_of
from diagrams.style import FLAG_STYLES, FONT, NODE_STYLES, TEXT_COLOUR, NodeKind
from playbook.analysis import Figures
from playbook.design import PHASES, Design, Phase
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import RUNGS

__all__ = ["overview_dot", "overview_lines"]

# The kind whose colours each phase's box borrows, so a box looks like what it stands for.
PHASE_KINDS: Final[dict[Phase, NodeKind]] = {
    "constraints": "gateway", "technique": "trainer", "model": "llm",
    "retrieval": "retriever", "serving": "llm", "evaluation": "eval",
}  # fmt: skip
# The nodes whose numbers summarise a phase, best first; at most MAX_LINES lines are shown.
KEY_NODES: Final[dict[Phase, tuple[str, ...]]] = {
    "constraints": ("response", "gateway"),
    "technique": ("trainer",),
    "model": ("router", "llm", "large_llm", "small_llm"),
    "retrieval": ("vector_index", "reranker", "retriever"),
    "serving": ("llm", "small_llm", "large_llm"),
    "evaluation": ("offline_eval", "golden_set", "monitor"),
}
MAX_LINES = 3


def overview_lines(graph: nx.DiGraph, design: Design) -> dict[Phase, list[str]]:
    """Return each phase's key lines: what it chose and the numbers on its components."""
    owned: dict[Phase, list[str]] = {phase: [] for phase in PHASES}
    for node in graph.nodes:
        owned[phase_of(graph, design, node)].append(node)
    lines: dict[Phase, list[str]] = {}
    for phase in PHASES:
        found = [_choice(graph, design, phase)]
        for node in KEY_NODES[phase]:
            if node in owned[phase]:
                found += [line.split(SEP)[0] if len(line) > 40 else line
                          for line in graph.nodes[node].get("numbers", ())]  # fmt: skip
        lines[phase] = [line for line in found if line][:MAX_LINES]
    return lines


def _choice(graph: nx.DiGraph, design: Design, phase: Phase) -> str:
    if phase == "technique":
        return " + ".join(RUNGS[rung].split(" (")[0] for rung in design.technique.rungs)
    if phase == "retrieval":
        return graph.nodes["retriever"]["detail"] if "retriever" in graph else "no retrieval"
    if phase == "serving":
        served = [n for n, d in graph.nodes(data=True) if d["cluster"] == "serving"]
        return graph.nodes[served[0]]["detail"] if served else "hosted API: no GPUs to size"
    if phase == "model":
        return " / ".join(
            _model_name(graph, n) for n in ("llm", "small_llm", "large_llm") if n in graph
        )
    if phase == "evaluation":
        mitigated = sum(1 for n in graph.nodes if n.startswith(MITIGATION_PREFIX))
        golden = graph.nodes["golden_set"]["detail"] if "golden_set" in graph else "no golden set"
        return f"{golden}{SEP}{mitigated} failure mode{'' if mitigated == 1 else 's'} mitigated"
    return ""


def _model_name(graph: nx.DiGraph, node: str) -> str:
    # A served model's label names it ("LLM: Llama 3.1 8B"); a hosted one's detail does
    # ("OpenAI · GPT-4o").
    data = graph.nodes[node]
    if data["cluster"] == "serving":
        return str(data["label"]).split(": ")[-1]
    return str(data["detail"]).split(SEP)[-1]


def overview_dot(
    design: Design, *, findings: tuple[Finding, ...] = (), analysis: Figures | None = None
) -> str:
    """Return DOT for the overview of `design`: six phase boxes in two rows of three.

    Its numbers are the design's one analysis (`analysis`; computed when not given).
    """
    graph = build_graph(design, findings=findings, analysis=analysis)
    lines = overview_lines(graph, design)
    title = escape_html_label(design.title) or "Untitled design"
    dot = graphviz.Digraph(
        name="overview",
        graph_attr={
            "rankdir": "LR", "newrank": "true", "fontname": FONT, "fontcolor": TEXT_COLOUR,
            "labelloc": "t", "labeljust": "l", "nodesep": "0.5", "ranksep": "0.6",
            "pad": "0.3", "bgcolor": "white",
            "label": f'<<FONT POINT-SIZE="18"><B>{title} · overview</B></FONT>>',
        },
        node_attr={"fontname": FONT, "fontsize": "13", "shape": "box", "style": "rounded,filled",
                   "margin": "0.2,0.12", "width": "2.6"},
        edge_attr={"color": "#334155", "arrowsize": "0.8"},
    )  # fmt: skip
    for number, phase in enumerate(PHASES, start=1):
        dot.node(phase, **_box(graph, design, phase, number, lines[phase]))
    # Two rows of three, read like text: 1 2 3 above 4 5 6.
    for first, second in pairwise(PHASES):
        dot.edge(first, second, constraint="false" if first == "model" else "true")
    dot.body.append("{rank=same; constraints; retrieval}\n")
    dot.body.append("{rank=same; technique; serving}\n")
    dot.body.append("{rank=same; model; evaluation}\n")
    dot.edge("constraints", "retrieval", style="invis")
    source: str = dot.source
    return source


def _box(
    graph: nx.DiGraph, design: Design, phase: Phase, number: int, lines: list[str]
) -> dict[str, str]:
    style = NODE_STYLES[PHASE_KINDS[phase]]
    text = [f"<B>{number} · {escape_html_label(PHASE_NAMES[phase])}</B>"]
    text += node_lines(lines)
    attrs = {
        "label": "<" + "<BR/>".join(text) + ">",
        "fillcolor": style.fill,
        "color": style.border,
    }
    flags = [
        severity
        for node, data in graph.nodes(data=True)
        if phase_of(graph, design, node) == phase
        for severity, _ in data.get("flags", ())
    ]
    if flags:
        worst = FLAG_STYLES["error" if "error" in flags else "warning"]
        attrs.update(color=worst.colour, penwidth=worst.penwidth)
    return attrs
