"""Graphviz's SVG made safe to put in a page: only drawing elements and attributes survive.

Labels are escaped before they reach DOT (`diagrams.dot`), so the SVG `dot` writes holds user
text only as XML character data. This is the second wall: the SVG is parsed and rebuilt from an
allowlist, so no script, event handler, link or foreign object can reach the page even if a
label escaped the first one. Each node group gets `data-node` (its id, one of our slugs) so a
viewer can tell which component was clicked, in place of the `<title>` Graphviz writes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

from diagrams.nodes import SLUG

__all__ = ["SVG_NS", "SvgSize", "safe_svg", "svg_size"]

SVG_NS: Final = "http://www.w3.org/2000/svg"
_NS = f"{{{SVG_NS}}}"
# Every element Graphviz draws our diagrams with. `a` (what a URL or tooltip attribute makes)
# is unwrapped into a plain group; anything else is dropped with its content.
ELEMENTS: Final = frozenset({
    "svg", "g", "title", "text", "polygon", "polyline", "path", "ellipse", "circle", "rect",
    "line", "defs", "linearGradient", "radialGradient", "stop",
})  # fmt: skip
ATTRIBUTES: Final = frozenset({
    "id", "class", "width", "height", "viewBox", "transform", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "points", "d", "fill", "fill-opacity", "stroke",
    "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "text-decoration", "offset", "gradientUnits", "gradientTransform",
})  # fmt: skip
# Only plain numbers, colours, names and coordinates: no url(...), no script, no expressions.
_SAFE_VALUE = re.compile(r"[\w\s#.,;:%+\-()/']*\Z")
_SCRIPTY = re.compile(r"javascript|url\s*\(|expression", re.IGNORECASE)
POINTS_PER_INCH: Final = 72
PIXELS_PER_POINT: Final = 96 / POINTS_PER_INCH  # CSS pixels: 96 a CSS inch


class SvgSize(tuple[float, float]):
    """The drawing's width and height in points (Graphviz's unit; 1 pt = 4/3 CSS px)."""

    __slots__ = ()

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self[0] / self[1]


def safe_svg(svg: str | bytes) -> str:
    """Return `svg` rebuilt from drawing elements and plain attributes only, as text."""
    # The SVG is dot's output for DOT we built, not a user's file; expat (2.4+) refuses entity
    # expansion bombs and never fetches external entities, so defusedxml would add nothing.
    root = ET.fromstring(svg)  # noqa: S314
    if root.tag != f"{_NS}svg":
        raise ValueError("not an SVG document")
    _clean(root)
    ET.register_namespace("", SVG_NS)
    text: str = ET.tostring(root, encoding="unicode")
    return text


def _clean(element: ET.Element) -> None:
    for attr in [name for name in element.attrib if not _keep_attribute(name, element.get(name))]:
        del element.attrib[attr]
    children = list(element)
    for child in children:
        tag = _local(child.tag)
        if tag == "a":
            child.tag = f"{_NS}g"
            child.attrib.clear()
        elif tag not in ELEMENTS or not child.tag.startswith(_NS):
            element.remove(child)
            continue
        _clean(child)
    _name_node(element)


def _keep_attribute(name: str, value: str | None) -> bool:
    if name not in ATTRIBUTES or value is None:
        return False
    return bool(_SAFE_VALUE.match(value)) and not _SCRIPTY.search(value)


def _name_node(element: ET.Element) -> None:
    # <g class="node"><title>retriever</title>...: the title becomes data-node, so the browser
    # shows no tooltip with an internal id, and a click can name the component.
    if _local(element.tag) != "g" or element.get("class") not in (
        "graph",
        "node",
        "edge",
        "cluster",
    ):
        return
    title = element.find(f"{_NS}title")
    if title is None:
        return
    element.remove(title)
    name = title.text or ""
    if element.get("class") == "node" and SLUG.match(name):
        element.set("data-node", name)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def svg_size(svg: str) -> SvgSize:
    """Return the drawing's size in points, read from its `viewBox`."""
    box = ET.fromstring(svg).get("viewBox", "")  # noqa: S314 (our own SVG, as above)
    parts = [float(part) for part in box.replace(",", " ").split()]
    if len(parts) != 4 or parts[2] <= 0 or parts[3] <= 0:
        raise ValueError(f"the SVG has no usable viewBox: {box!r}")
    return SvgSize((parts[2], parts[3]))
