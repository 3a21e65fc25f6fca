"""The Excalidraw scene from a layout: shapes where dot put the nodes, bound text and arrows."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from diagrams.excalidraw import PX_PER_PT, scene, to_excalidraw
from diagrams.nodes import add_edge, add_node

# A hand-made `dot -Tjson` layout: a 200 x 100 pt drawing, two nodes and one edge.
LAYOUT: dict[str, Any] = {
    "bb": "0,0,200,100",
    "objects": [
        {"name": "cluster_online", "_gvid": 0, "bb": "5,5,195,95", "nodes": [1, 2]},
        {"name": "client", "_gvid": 1, "pos": "50,75", "width": "1", "height": "0.5"},
        {"name": "vector_index", "_gvid": 2, "pos": "150,25", "width": "1.5", "height": "0.5"},
    ],
    "edges": [
        {
            "tail": 1, "head": 2, "lp": "100,50", "pos": "e,140,34 60,66 80,55 110,45 135,38",
            "_draw_": [{"op": "b", "points": [[60, 66], [80, 55], [110, 45], [135, 38]]}],
        }
    ],
}  # fmt: skip


def _graph(title_label: str = "Client") -> nx.DiGraph:
    graph = nx.DiGraph()
    add_node(graph, "client", "client", title_label, "web", "online")
    add_node(graph, "vector_index", "index", "Vector index", "HNSW", "online")
    graph.nodes["vector_index"]["numbers"] = ("300k vectors",)
    graph.nodes["vector_index"]["flags"] = (("error", "too big"),)
    add_edge(graph, "client", "vector_index", "query")
    return graph


def _by_id(elements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in elements}


def test_each_node_is_a_shape_where_dot_placed_it() -> None:
    elements = _by_id(scene(_graph(), LAYOUT, title="T")["elements"])

    client, index = elements["node-client"], elements["node-vector_index"]

    # Centre (50, 75) pt with the drawing 100 pt tall: (50, 25) pt from the top left, in px.
    # 1 x 0.5 inches = 72 x 36 pt = 96 x 48 px, so the top left corner is 48 and 24 px back.
    # 50 pt = 66.67 px, less 48: 18.67; 25 pt = 33.33 px, less 24: 9.33.
    assert (client["type"], client["x"], client["y"]) == ("rectangle", 18.67, 9.33)
    assert (client["width"], client["height"]) == (96.0, 48.0)
    assert index["type"] == "ellipse"  # a cylinder (store, index) is drawn as an ellipse
    assert index["strokeColor"] == "#dc2626"  # flagged: the error border


def test_text_is_bound_inside_its_node_and_lists_label_detail_numbers_and_flags() -> None:
    elements = _by_id(scene(_graph(), LAYOUT, title="T")["elements"])

    text = elements["text-vector_index"]

    assert text["containerId"] == "node-vector_index"
    assert text["text"] == "Vector index\nHNSW\n300k vectors\n\u26a0 too big"
    assert {"id": "text-vector_index", "type": "text"} in elements["node-vector_index"][
        "boundElements"
    ]


def test_an_edge_is_an_arrow_bound_to_both_nodes_with_its_label() -> None:
    elements = _by_id(scene(_graph(), LAYOUT, title="T")["elements"])

    arrow = elements["edge-0"]

    assert arrow["type"] == "arrow"
    assert arrow["startBinding"]["elementId"] == "node-client"
    assert arrow["endBinding"]["elementId"] == "node-vector_index"
    assert arrow["points"][0] == [0, 0]
    # The tip from `pos` ("e,140,34"), relative to the start (60, 66): (80, 32) pt -> px, y down.
    assert arrow["points"][-1] == [round(80 * PX_PER_PT, 2), round(32 * PX_PER_PT, 2)]
    assert elements["edge-0-label"]["containerId"] == "edge-0"
    assert {"id": "edge-0", "type": "arrow"} in elements["node-client"]["boundElements"]


def test_the_file_is_an_excalidraw_scene_with_plain_text_and_no_links() -> None:
    hostile = '<script>alert(1)</script>\u202e "quoted"\x00'

    data = json.loads(to_excalidraw(_graph(hostile), LAYOUT, title=hostile))

    assert (data["type"], data["version"], data["files"]) == ("excalidraw", 2, {})
    texts = [e["text"] for e in data["elements"] if e["type"] == "text"]
    assert '<script>alert(1)</script> "quoted"' in texts  # as text, bidi override and NUL gone
    assert all(e["link"] is None for e in data["elements"])
    counts = [e["type"] for e in data["elements"]]
    # 2 nodes + 1 cluster frame; 1 arrow; texts: 2 node labels, 1 edge label, cluster, title.
    assert (counts.count("rectangle") + counts.count("ellipse"), counts.count("arrow")) == (3, 1)
    assert counts.count("text") == 5
