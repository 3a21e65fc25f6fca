"""A user's own components: drawn in the cluster their phase implies, linked to what they name.

A link may name a built-in node of the current diagram (client, gateway, llm, ...) or another
own component; own components win when an id is both. A link to a node the design no longer
has (the reranker was turned off, say) is dropped and reported as a finding on the component,
never left dangling. A component without any link hangs off the model the requests enter
(the LLM, or the router), drawn dotted, so every node stays reachable from the client.
"""

from __future__ import annotations

import networkx as nx

from diagrams.nodes import SEP, Finding, add_edge, add_node, entry_node, own_id
from diagrams.style import NODE_STYLES, ClusterName
from playbook.design import Component, Design
from playbook.labels import PHASES

__all__ = ["ALIASES", "add_own_components"]

# Built-in ids that change with the model choice: a link follows the model it meant.
ALIASES = {"llm": ("router",), "small_llm": ("llm",), "large_llm": ("llm",), "router": ("llm",)}
# Kinds that hold, move or prepare data: off the request path when their phase is one of
# technique or retrieval.
DATA_KINDS = frozenset({"source", "chunker", "embedder", "index", "store", "queue", "trainer"})


def add_own_components(graph: nx.DiGraph, design: Design) -> list[Finding]:
    """Add every own component and its links; return a finding per dropped link."""
    builtins = list(graph.nodes)
    for component in design.components:
        detail = f"own {NODE_STYLES[component.kind].name}{SEP}{PHASES[component.phase]}"
        cluster = _cluster(design, component)
        add_node(graph, own_id(component.id), component.kind, component.name, detail, cluster)
    order = {node: position for position, node in enumerate(graph.nodes)}
    findings: list[Finding] = []
    for component in design.components:
        targets, dropped = _resolve(component, design, builtins)
        findings += [
            Finding(own_id(component.id), "warning", f"link to {name} dropped: no such node")
            for name in dropped
        ]
        _link(graph, design, component, sorted(set(targets), key=order.__getitem__))
    _anchor_islands(graph, design)
    return findings


def _cluster(design: Design, component: Component) -> ClusterName:
    if component.phase == "evaluation" or component.kind in ("eval", "monitor"):
        return "evaluation"
    if component.kind in DATA_KINDS and component.phase in ("technique", "retrieval"):
        return "offline"
    if component.phase == "serving" and design.self_hosts:
        return "serving"
    return "online"


def _resolve(
    component: Component, design: Design, builtins: list[str]
) -> tuple[list[str], list[str]]:
    # Returns (node ids linked, link names dropped).
    own = {other.id for other in design.components}
    targets, dropped = [], []
    for name in component.connects_to:
        if name in own:
            targets.append(own_id(name))
        elif name in builtins:
            targets.append(name)
        elif alias := next((a for a in ALIASES.get(name, ()) if a in builtins), None):
            targets.append(alias)
        else:
            dropped.append(name)
    return targets, dropped


def _link(graph: nx.DiGraph, design: Design, component: Component, targets: list[str]) -> None:
    # "connects to" states no direction, so none is drawn; the direction only places the
    # component: after the first node it names (in path order), before the others. A data
    # source has nothing upstream, so it feeds all of them.
    node = own_id(component.id)
    if not targets:
        graph.nodes[node]["detail"] += f"{SEP}no links"
        add_edge(graph, entry_node(design), node, flow="anchor")
        return
    upstream = [] if component.kind == "source" else targets[:1]
    for target in upstream:
        _add_link(graph, target, node)
    for target in targets[len(upstream) :]:
        _add_link(graph, node, target)


def _anchor_islands(graph: nx.DiGraph, design: Design) -> None:
    # Components linked only to each other (a names b, b names a) form an island no path from
    # the client reaches: the first of each island hangs off the model like an unlinked one.
    roots = [
        node for node, kind in graph.nodes(data="kind") if node == "client" or kind == "source"
    ]
    reached = set(roots).union(*(nx.descendants(graph, root) for root in roots))
    for component in design.components:
        node = own_id(component.id)
        if node not in reached:
            add_edge(graph, entry_node(design), node, flow="anchor")
            reached |= {node} | nx.descendants(graph, node)


def _add_link(graph: nx.DiGraph, a: str, b: str) -> None:
    # Two components naming each other are one connection, drawn once.
    if not graph.has_edge(b, a):
        add_edge(graph, a, b, flow="link")
