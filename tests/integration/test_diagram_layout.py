"""The layout Graphviz's real `dot` gives our diagrams: a screen's shape, the request path as one
column, slide-sized PNGs, and an SVG the viewer can show safely."""

from __future__ import annotations

import json
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest

from diagrams import build_graph, design_dot, export, render
from diagrams.overview import overview_dot
from diagrams.svg import safe_svg, svg_size
from playbook import Design, retitle_design
from playbook.scenarios import load_scenario, scenario_names

pytestmark = pytest.mark.dot

DESIGNS = [("default", Design()), *((name, load_scenario(name)) for name in scenario_names())]
IDS = [name for name, _ in DESIGNS]
REQUEST_PATH = ("client", "gateway", "response")


def _layout(dot_binary: str, source: str) -> dict[str, object]:
    done = subprocess.run(
        [dot_binary, "-Tjson"], input=source.encode(), capture_output=True, check=True, timeout=60
    )
    layout: dict[str, object] = json.loads(done.stdout)
    return layout


def _centres(layout: dict[str, object]) -> dict[str, tuple[float, float]]:
    objects = layout.get("objects", [])
    assert isinstance(objects, list)
    return {
        str(obj["name"]): tuple(float(v) for v in obj["pos"].split(","))  # type: ignore[misc]
        for obj in objects
        if "pos" in obj
    }


@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_the_diagram_has_a_screen_s_shape(dot_binary: str, name: str, design: Design) -> None:
    layout = _layout(dot_binary, design_dot(design))

    _, _, width, height = (float(v) for v in str(layout["bb"]).split(","))

    # 4:3 = 1.33 and 16:9 = 1.78; a 5:1 strip (the old left-to-right layout) fails.
    assert 4 / 3 <= width / height <= 16 / 9, f"{name}: {width:.0f} x {height:.0f} pt"


@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_the_request_path_reads_top_to_bottom_in_one_column(
    dot_binary: str, name: str, design: Design
) -> None:
    graph = build_graph(design)
    path = [n for n, d in graph.nodes(data=True) if d["cluster"] == "online" and n in REQUEST_PATH]
    centres = _centres(_layout(dot_binary, design_dot(design)))

    ys = [centres[node][1] for node in REQUEST_PATH if node in path]
    xs = [centres[node][0] for node in ("client", "gateway")]

    assert ys == sorted(ys, reverse=True), name  # Graphviz's y grows upwards: client on top
    assert abs(xs[0] - xs[1]) < 40, name  # client straight above the gateway
    offline = [centres[n][0] for n, d in graph.nodes(data=True) if d["cluster"] == "offline"]
    # Ingestion and training stand beside the path, not above it.
    assert all(x > max(xs) for x in offline), name


@pytest.mark.parametrize(("name", "design"), DESIGNS[:3], ids=IDS[:3])
def test_the_png_is_1920_px_wide_for_a_slide(name: str, design: Design) -> None:
    png = export(design, "png")

    width, height = struct.unpack(">II", png[16:24])

    assert width == 1920, name
    assert 4 / 3 <= width / height <= 16 / 9, name


def test_the_svg_from_dot_keeps_every_node_and_loses_any_link(dot_binary: str) -> None:
    hostile = retitle_design(
        Design(), title='x" URL="javascript:alert(1)" <a href="javascript:alert(2)">y</a>'
    )
    graph = build_graph(hostile)

    svg = safe_svg(render(design_dot(hostile), fmt="svg"))

    elements = list(ET.fromstring(svg).iter())  # noqa: S314 (our own SVG)
    for node in graph.nodes:
        assert f'data-node="{node}"' in svg
    assert not [e.tag for e in elements if e.tag.endswith("}a") or e.tag.endswith("script")]
    assert not [name for e in elements for name in e.attrib if "href" in name or "URL" in name]
    assert "&lt;a href=" in svg  # the title's markup is text
    assert svg_size(svg).aspect == pytest.approx(1.6, abs=0.2)


@pytest.mark.parametrize(("name", "design"), DESIGNS[:3], ids=IDS[:3])
def test_the_overview_draws_six_phase_boxes(dot_binary: str, name: str, design: Design) -> None:
    svg = safe_svg(render(overview_dot(design), fmt="svg"))

    boxes = {
        phase
        for phase in ("constraints", "technique", "model", "retrieval", "serving", "evaluation")
        if f'data-node="{phase}"' in svg
    }

    assert len(boxes) == 6, name
