"""A design as an architecture graph: slug-named nodes with a kind, a label, a detail and a cluster.

Node attributes: `kind`, `label`, `detail` (one line of what it is), `cluster`, `numbers` (lines
of estimates from `diagrams.annotate`) and `flags` ((severity, reason) pairs). Edge attributes:
`label` and `flow`. Renderers draw only these, escaping every string.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Protocol

import networkx as nx

from diagrams.annotate import annotate
from diagrams.mitigations import add_mitigations
from diagrams.nodes import SEP, SLUG, Finding, own_id
from diagrams.offline import add_evaluation, add_ingestion, add_training, trains
from diagrams.online import add_request_path
from diagrams.own import add_own_components
from diagrams.style import CLUSTERS, FLOWS, NODE_KINDS, SEVERITIES, Severity
from playbook.analysis import Figures
from playbook.catalog import Catalog
from playbook.design import Design, catalog_for

__all__ = [
    "BUILT_IN_EDGES",
    "BUILT_IN_NODES",
    "MAX_DIAGRAM_EDGES",
    "MAX_DIAGRAM_NODES",
    "SLUG",
    "DiagramTooLargeError",
    "Finding",
    "build_graph",
    "check_design_size",
    "check_graph",
    "check_size",
    "diagram_size",
    "findings_from_review",
    "link_targets",
]

# Hundreds of nodes freeze the browser tab st.graphviz_chart lays them out in (STACK_NOTES),
# and so do thousands of edges: 60 fully linked components (3,540 links) froze a tab for over
# five minutes and kept dot busy past 120 s. The design's own limits (playbook.design:
# MAX_COMPONENTS, MAX_LINKS) keep every valid design inside these; `make bench` times dot on
# the largest one.
MAX_DIAGRAM_NODES: Final = 150
MAX_DIAGRAM_EDGES: Final = 320
# Upper bounds of what the phases draw without the user's own components (a design with every
# phase switched on draws 28 nodes and 29 edges; a unit test keeps these bounds true).
BUILT_IN_NODES: Final = 40
BUILT_IN_EDGES: Final = 60


class DiagramTooLargeError(ValueError):
    """The diagram has more nodes or edges than a browser lays out without freezing."""


def diagram_size(design: Design) -> tuple[int, int]:
    """Return at most how many nodes and edges `design`'s diagram has, counted from the design.

    Each own component is a node with its links, plus at most one edge anchoring it when it has
    none; nothing is built, so a design too large to draw costs a count.
    """
    links = sum(len(component.connects_to) for component in design.components)
    own = len(design.components)
    return BUILT_IN_NODES + own, BUILT_IN_EDGES + links + own


def check_design_size(design: Design) -> None:
    """Raise `DiagramTooLargeError` when `design`'s diagram could exceed the node or edge limit."""
    nodes, edges = diagram_size(design)
    if nodes > MAX_DIAGRAM_NODES or edges > MAX_DIAGRAM_EDGES:
        raise DiagramTooLargeError(
            f"the diagram could have {nodes:,} nodes and {edges:,} edges, more than the "
            f"{MAX_DIAGRAM_NODES} nodes and {MAX_DIAGRAM_EDGES} edges a browser lays out "
            "without freezing; remove some of the design's own components or their links"
        )


def build_graph(
    design: Design,
    *,
    catalog: Catalog | None = None,
    findings: Iterable[Finding] = (),
    analysis: Figures | None = None,
    numbers: bool = True,
) -> nx.DiGraph:
    """Return the architecture of `design` with its estimates and flags (plus `findings`).

    The numbers come from `analysis`, the design's one analysis; without it they are computed.
    `numbers=False` draws the structure alone (no estimates, no flags), which needs no analysis.
    Raises `DiagramTooLargeError` before building anything when the design is too large to draw.
    """
    check_design_size(design)
    catalog = catalog or catalog_for(design)
    graph = nx.DiGraph()
    answers = add_request_path(graph, design, catalog)
    if design.uses_rag:
        add_ingestion(graph, design, catalog)
    if trains(design):
        add_training(graph, design, catalog)
    add_evaluation(graph, design)
    add_mitigations(graph, design, catalog, answers)
    dropped = add_own_components(graph, design)
    if not numbers:
        graph.graph["unplaced"] = _flag(graph, [*dropped, *findings])
        return graph
    notes = annotate(design, catalog, analysis)
    _apply(graph, notes.numbers, notes.edge_labels)
    graph.graph["unplaced"] = _flag(graph, [*notes.findings, *dropped, *findings])
    return graph


def _apply(graph: nx.DiGraph, numbers: dict[str, tuple[str, ...]], edges: dict[str, str]) -> None:
    for node, lines in numbers.items():
        if node in graph:
            graph.nodes[node]["numbers"] = lines
    for node, text in edges.items():
        if node not in graph:
            continue
        for _, _, data in graph.out_edges(node, data=True):
            if data["flow"] == "request":
                data["label"] = SEP.join(part for part in (data["label"], text) if part)


def _flag(graph: nx.DiGraph, findings: list[Finding]) -> tuple[Finding, ...]:
    # Returns the findings about nodes this diagram does not have (shown beside it instead).
    # A finding may name an own component by its id, without the node prefix.
    unplaced = []
    for finding in findings:
        node = finding.node if finding.node in graph else own_id(finding.node)
        if node not in graph:
            unplaced.append(finding)
            continue
        data = graph.nodes[node]
        if (finding.severity, finding.reason) not in data["flags"]:
            data["flags"] = (*data["flags"], (finding.severity, finding.reason))
    return tuple(unplaced)


def check_graph(graph: nx.DiGraph) -> list[str]:
    """Return every problem of `graph` (bad node attributes, unreachable nodes); [] when valid."""
    problems = [problem for node in graph.nodes for problem in _node_problems(graph, node)]
    problems += [
        f"edge {a!r} -> {b!r} has unknown flow {data.get('flow')!r}"
        for a, b, data in graph.edges(data=True)
        if data.get("flow") not in FLOWS
    ]
    roots = [
        node for node, kind in graph.nodes(data="kind") if node == "client" or kind == "source"
    ]
    reached = set(roots).union(*(nx.descendants(graph, root) for root in roots))
    problems += [f"node {node!r} is unreachable" for node in graph.nodes if node not in reached]
    return problems


def _node_problems(graph: nx.DiGraph, node: str) -> list[str]:
    # networkx adds a bare node for an edge to an id never added: it has no kind.
    data = graph.nodes[node]
    if "kind" not in data:
        return [f"edge to unknown node {node!r}"]
    problems = (
        [] if isinstance(node, str) and SLUG.match(node) else [f"node id {node!r} is not a slug"]
    )
    if data["kind"] not in NODE_KINDS:
        problems.append(f"node {node!r} has unknown kind {data['kind']!r}")
    if data.get("cluster") not in CLUSTERS:
        problems.append(f"node {node!r} has unknown cluster {data.get('cluster')!r}")
    if not data.get("label"):
        problems.append(f"node {node!r} has no label")
    problems += [
        f"node {node!r} has a flag of unknown severity {severity!r}"
        for severity, _ in data.get("flags", ())
        if severity not in SEVERITIES
    ]
    return problems


def check_size(graph: nx.DiGraph) -> None:
    """Raise `DiagramTooLargeError` when `graph` has more nodes or edges than the limits."""
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    if nodes > MAX_DIAGRAM_NODES or edges > MAX_DIAGRAM_EDGES:
        raise DiagramTooLargeError(
            f"the diagram has {nodes:,} nodes and {edges:,} edges, more than the "
            f"{MAX_DIAGRAM_NODES} nodes and {MAX_DIAGRAM_EDGES} edges a browser lays out "
            "without freezing; remove some of the design's own components or their links"
        )


class ReviewFinding(Protocol):
    """A review finding as the rubric and the critic report it (only what a diagram needs)."""

    @property
    def rule_id(self) -> str:
        """The rule that produced it."""

    @property
    def component(self) -> str | None:
        """A diagram node id or an own component's id; None for the whole design."""

    @property
    def severity(self) -> str:
        """The review's severity: block, warn or info."""

    @property
    def message(self) -> str:
        """What is wrong, in a sentence."""


# The review's severities as the diagram's flags; "info" findings are not drawn.
REVIEW_SEVERITIES: Final[dict[str, Severity]] = {"block": "error"}
# Budget and justification flags that `annotate` already draws from the same estimates; taking
# them from the review too would print each one twice on the node.
DRAWN_BY_ANNOTATE: Final = frozenset({
    "serving.does_not_fit", "serving.ttft_over_budget", "serving.itl_over_budget",
    "model.cost_per_request_over", "model.cost_per_user_over",
    "technique.unjustified_rung", "constraints.unjustified_component",
})  # fmt: skip


def findings_from_review(findings: Iterable[ReviewFinding]) -> list[Finding]:
    """Return the blocking review findings that name a component as flags for `build_graph`.

    Warnings and notes stay on the Critique page: a whiteboard with a flag on every box reads as
    noise, while what breaks a requirement must show where it breaks.
    """
    return [
        Finding(found.component, REVIEW_SEVERITIES[found.severity], found.message)
        for found in findings
        if found.component
        and found.severity in REVIEW_SEVERITIES
        and found.rule_id not in DRAWN_BY_ANNOTATE
    ]


def link_targets(design: Design) -> list[tuple[str, str]]:
    """Return (id, label) of every node an own component of `design` can connect to now."""
    graph = build_graph(design.model_copy(update={"components": ()}), numbers=False)
    built_in = [
        (node, data["label"])
        for node, data in graph.nodes(data=True)
        if data["kind"] != "mitigation"
    ]
    return built_in + [(component.id, component.name) for component in design.components]
