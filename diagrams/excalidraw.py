"""The diagram as an Excalidraw scene (`.excalidraw` JSON) people can keep drawing on.

Positions and sizes come from Graphviz's own layout (`dot -Tjson`), so the scene looks like the
diagram: one shape per node (rectangle, ellipse for stores and indexes, diamond for the router),
its text bound inside it, one arrow per edge bound to both ends with its label bound to it, the
clusters as dashed frames with a title. Text is plain (JSON-escaped by `json.dumps`), cleaned
of control characters and bounded like every label; no element carries a link.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any, Final

import networkx as nx

from diagrams.dot import LINE_WIDTH, MAX_TITLE_LENGTH, NAME_WIDTH, UNTITLED, WARNING_SIGN
from diagrams.style import CLUSTER_STYLES, EDGE_STYLES, FLAG_STYLES, NODE_STYLES, TEXT_COLOUR
from diagrams.text import clean_text, wrap

__all__ = ["SHAPES", "scene", "to_excalidraw"]

PX_PER_PT: Final = 96 / 72
FONT_FAMILY: Final = 2  # Excalidraw's "Helvetica" (normal) family
NAME_SIZE: Final = 16
LINE_SIZE: Final = 13
EDGE_SIZE: Final = 12
TITLE_SIZE: Final = 24
LINE_HEIGHT: Final = 1.25
CHAR_WIDTH: Final = 0.56  # a Helvetica character's average width, in font sizes
# Graphviz shape -> Excalidraw shape; every other shape is a rectangle.
SHAPES: Final[dict[str, str]] = {"cylinder": "ellipse", "cds": "diamond", "ellipse": "ellipse"}
STROKE_STYLES: Final = {"solid": "solid", "dashed": "dashed", "dotted": "dotted"}


def to_excalidraw(graph: nx.DiGraph, layout: dict[str, Any], *, title: str) -> str:
    """Return the `.excalidraw` file of `graph` placed as in `layout` (`dot -Tjson` output)."""
    return json.dumps(scene(graph, layout, title=title), ensure_ascii=False, indent=1)


def scene(graph: nx.DiGraph, layout: dict[str, Any], *, title: str) -> dict[str, Any]:
    """Return the Excalidraw scene as a dict: elements, app state, no files."""
    height = float(layout["bb"].split(",")[3])
    place = _Placer(height)
    elements: list[dict[str, Any]] = []
    by_gvid = {obj["_gvid"]: obj for obj in layout.get("objects", ()) if "pos" in obj}
    positions = {obj["name"]: obj for obj in by_gvid.values()}
    for obj in layout.get("objects", ()):
        if str(obj.get("name", "")).startswith("cluster_") and "bb" in obj:
            elements += _cluster(obj, place)
    for node, data in graph.nodes(data=True):
        if node in positions:
            elements += _node(node, data, positions[node], place)
    for index, edge in enumerate(layout.get("edges", ())):
        tail, head = by_gvid[edge["tail"]]["name"], by_gvid[edge["head"]]["name"]
        if graph.has_edge(tail, head):
            elements += _edge(index, tail, head, graph.edges[tail, head], edge, place)
    heading = clean_text(title, max_length=MAX_TITLE_LENGTH) or UNTITLED
    elements.append(_text("title", heading, 10.0, 10.0, TITLE_SIZE, container=None))
    _bind(elements)
    return {
        "type": "excalidraw",
        "version": 2,
        "source": "GenAI Design Whiteboard",
        "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None},
        "files": {},
    }


class _Placer:
    """Graphviz points (y up, from the bottom) to Excalidraw pixels (y down, from the top)."""

    def __init__(self, height_pt: float) -> None:
        self.height = height_pt

    def point(self, x: float, y: float) -> tuple[float, float]:
        return round(x * PX_PER_PT, 2), round((self.height - y) * PX_PER_PT, 2)


def _base(ident: str, kind: str, x: float, y: float, width: float, height: float) -> dict[str, Any]:
    seed = zlib.crc32(ident.encode())
    return {
        "id": ident, "type": kind, "x": x, "y": y, "width": width, "height": height,
        "angle": 0, "strokeColor": TEXT_COLOUR, "backgroundColor": "transparent",
        "fillStyle": "solid", "strokeWidth": 1, "strokeStyle": "solid", "roughness": 0,
        "opacity": 100, "groupIds": [], "frameId": None, "roundness": None, "seed": seed,
        "version": 1, "versionNonce": seed ^ 0x5F3759DF, "isDeleted": False,
        "boundElements": [], "updated": 1, "link": None, "locked": False,
    }  # fmt: skip


def _cluster(obj: dict[str, Any], place: _Placer) -> list[dict[str, Any]]:
    name = str(obj["name"]).removeprefix("cluster_")
    style = CLUSTER_STYLES.get(name)  # type: ignore[call-overload]
    x1, y1, x2, y2 = (float(v) for v in obj["bb"].split(","))
    left, top = place.point(x1, y2)
    frame = _base(f"cluster-{name}", "rectangle", left, top, *_size(x2 - x1, y2 - y1))
    frame.update(strokeStyle="dashed", roundness={"type": 3})
    if style is not None:
        frame.update(strokeColor=style.border, backgroundColor=style.fill)
    label = style.label if style is not None else name
    return [frame, _text(f"cluster-{name}-title", label, left + 8, top + 6, LINE_SIZE, None)]


def _size(width_pt: float, height_pt: float) -> tuple[float, float]:
    return round(width_pt * PX_PER_PT, 2), round(height_pt * PX_PER_PT, 2)


def _node(
    node: str, data: dict[str, Any], obj: dict[str, Any], place: _Placer
) -> list[dict[str, Any]]:
    style = NODE_STYLES[data["kind"]]
    x, y = (float(v) for v in obj["pos"].split(","))
    width, height = _size(float(obj["width"]) * 72, float(obj["height"]) * 72)
    cx, cy = place.point(x, y)
    shape = _base(f"node-{node}", SHAPES.get(style.shape, "rectangle"), 0, 0, width, height)
    shape.update(
        x=round(cx - width / 2, 2), y=round(cy - height / 2, 2), strokeColor=style.border,
        backgroundColor=style.fill, roundness={"type": 3} if "rounded" in style.style else None,
    )  # fmt: skip
    if flags := data.get("flags", ()):
        worst = FLAG_STYLES["error" if any(sev == "error" for sev, _ in flags) else "warning"]
        shape.update(strokeColor=worst.colour, strokeWidth=3)
    label = _node_text(data)
    return [shape, _text(f"text-{node}", label, cx, cy, LINE_SIZE, shape["id"], centred=True)]


def _node_text(data: dict[str, Any]) -> str:
    lines = wrap(data["label"], width=NAME_WIDTH, max_lines=2)
    for extra in (data.get("detail", ""), *data.get("numbers", ())):
        lines += wrap(extra, width=LINE_WIDTH, max_lines=2)
    lines += [
        line
        for _, reason in data.get("flags", ())[:2]
        for line in wrap(f"{WARNING_SIGN} {reason}", width=LINE_WIDTH, max_lines=2)
    ]
    return "\n".join(lines)


def _edge(
    index: int, tail: str, head: str, data: dict[str, Any], edge: dict[str, Any], place: _Placer
) -> list[dict[str, Any]]:
    style = EDGE_STYLES[data.get("flow", "request")]
    points = [place.point(x, y) for x, y in _spline(edge)]
    if len(points) < 2:
        return []
    x0, y0 = points[0]
    relative = [[round(x - x0, 2), round(y - y0, 2)] for x, y in points]
    xs, ys = [p[0] for p in relative], [p[1] for p in relative]
    arrow = _base(f"edge-{index}", "arrow", x0, y0, max(xs) - min(xs), max(ys) - min(ys))
    arrow.update(
        points=relative, strokeColor=style.colour,
        strokeStyle=STROKE_STYLES.get(style.style, "solid"),
        startBinding={"elementId": f"node-{tail}", "focus": 0, "gap": 2},
        endBinding={"elementId": f"node-{head}", "focus": 0, "gap": 2},
        startArrowhead=None, endArrowhead="arrow" if style.arrow else None,
        lastCommittedPoint=None, roundness={"type": 2}, elbowed=False,
    )  # fmt: skip
    found = [arrow]
    text = clean_text(data.get("label", ""), max_length=80)
    if text and "lp" in edge:
        lx, ly = place.point(*(float(v) for v in edge["lp"].split(",")))
        found.append(
            _text(f"edge-{index}-label", text, lx, ly, EDGE_SIZE, arrow["id"], centred=True)
        )
    return found


def _spline(edge: dict[str, Any]) -> list[tuple[float, float]]:
    # The on-curve points of the edge's Bézier (every third), then the arrow's tip from `pos`.
    curve: list[list[float]] = next(
        (op["points"] for op in edge.get("_draw_", ()) if op.get("op") == "b"), []
    )
    points = [(float(x), float(y)) for x, y in curve[::3]]
    if curve and len(curve) % 3 != 1:
        points.append((float(curve[-1][0]), float(curve[-1][1])))
    tip = next((part for part in str(edge.get("pos", "")).split() if part.startswith("e,")), None)
    if tip:
        _, x, y = tip.split(",")
        points.append((float(x), float(y)))
    return points


def _text(
    ident: str, text: str, x: float, y: float, size: int, container: str | None, *,
    centred: bool = False,
) -> dict[str, Any]:  # fmt: skip
    lines = text.split("\n")
    width = round(max(len(line) for line in lines) * size * CHAR_WIDTH, 2)
    height = round(len(lines) * size * LINE_HEIGHT, 2)
    left, top = (x - width / 2, y - height / 2) if centred else (x, y)
    element = _base(ident, "text", round(left, 2), round(top, 2), width, height)
    element.update(
        text=text, originalText=text, fontSize=size, fontFamily=FONT_FAMILY,
        textAlign="center" if centred else "left", verticalAlign="middle" if centred else "top",
        containerId=container, lineHeight=LINE_HEIGHT, autoResize=True,
    )  # fmt: skip
    element["strokeColor"] = TEXT_COLOUR
    return element


def _bind(elements: Iterable[dict[str, Any]]) -> None:
    # Excalidraw keeps bindings both ways: a shape lists the arrows and text bound to it.
    found = list(elements)
    by_id = {element["id"]: element for element in found}
    for element in found:
        if element["type"] == "text" and element["containerId"]:
            by_id[element["containerId"]]["boundElements"].append(
                {"id": element["id"], "type": "text"}
            )
        if element["type"] == "arrow":
            for end in ("startBinding", "endBinding"):
                target = by_id.get(element[end]["elementId"])
                if target is not None:
                    target["boundElements"].append({"id": element["id"], "type": "arrow"})
