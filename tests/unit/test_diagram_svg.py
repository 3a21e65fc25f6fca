"""The SVG the viewer shows: rebuilt from drawing elements and plain attributes only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagrams.svg import safe_svg, svg_size

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
GRAPHVIZ_LIKE = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="300pt" height="180pt" viewBox="0.00 0.00 300.00 180.00" {NS}>
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 176)">
<title>design</title>
<g id="node1" class="node"><title>retriever</title>
<a xlink:href="javascript:alert(1)" xlink:title="x">
<path fill="#ccfbf1" stroke="#0f766e" d="M10,-10C20,-20 30,-30 40,-40"/>
<text text-anchor="middle" x="50" y="-50" font-family="Helvetica,sans-Serif" font-size="12.00"
 onclick="alert(2)">Retriever &lt;b&gt;</text>
</a></g>
<g id="node2" class="node"><title>not a slug!</title><ellipse cx="1" cy="2" rx="3" ry="4"
 fill="url(javascript:alert(3))" style="background:url(x)"/></g>
<script>alert(4)</script>
<foreignObject><div>html</div></foreignObject>
</g>
</svg>"""


def test_a_node_keeps_its_drawing_and_gains_its_id_as_data_node() -> None:
    svg = safe_svg(GRAPHVIZ_LIKE)

    assert '<g id="node1" class="node" data-node="retriever">' in svg
    assert "M10,-10C20,-20 30,-30 40,-40" in svg
    assert 'font-size="12.00"' in svg
    assert "Retriever &lt;b&gt;</text>" in svg


@pytest.mark.parametrize(
    "gone",
    ["javascript", "<script", "alert(4)", "foreignObject", "onclick", "href", "style=", "<a ",
     "<title>", "not a slug", "url("],
)  # fmt: skip
def test_scripts_handlers_links_and_foreign_content_are_removed(gone: str) -> None:
    assert gone not in safe_svg(GRAPHVIZ_LIKE)


def test_the_drawing_size_is_read_from_the_view_box() -> None:
    size = svg_size(safe_svg(GRAPHVIZ_LIKE))

    assert size == (300.0, 180.0)
    assert size.aspect == pytest.approx(5 / 3)


def test_a_document_that_is_not_svg_is_refused() -> None:
    with pytest.raises(ValueError, match="not an SVG"):
        safe_svg("<html><body>hi</body></html>")


@given(st.text())
def test_any_label_text_stays_character_data(label: str) -> None:
    # Whatever text a label holds, it comes back out as escaped text inside <text>, never markup.
    escaped = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    clean = "".join(c for c in escaped if c.isprintable() and not 0xD800 <= ord(c) < 0xE000)
    svg = f'<svg {NS} viewBox="0 0 1 1"><text font-size="10">{clean}</text></svg>'

    rebuilt = safe_svg(svg)

    assert "<script" not in rebuilt.replace("&lt;script", "")
    assert rebuilt.count("<text") == 1
