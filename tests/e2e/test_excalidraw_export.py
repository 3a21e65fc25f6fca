"""The `.excalidraw` export opens with Excalidraw's own code, every node and edge in place.

Excalidraw's `loadFromBlob` (the function its editor opens files with, from the
`@excalidraw/excalidraw` package on npm, pinned in tests/e2e/excalidraw/package-lock.json) runs
in Chromium on a page served from 127.0.0.1; it validates and restores the scene, dropping any
element it cannot read. What it gives back is counted against the diagram.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from diagrams import build_graph, export
from playbook import Design
from playbook.scenarios import load_scenario
from tests.conftest import need

pytestmark = [pytest.mark.browser, pytest.mark.dot]

HERE = Path(__file__).parent / "excalidraw"
DOCS = Path(__file__).resolve().parents[2] / "docs"
BUNDLE = HERE / "dist" / "restore.js"


@pytest.fixture(scope="module")
def excalidraw_dir(pytestconfig: pytest.Config) -> Path:
    """Install the pinned Excalidraw package (`npm ci`) and bundle its loader once."""
    npm = shutil.which("npm")
    if npm is None:
        need(pytestconfig, "browser", "install Node.js and npm (Debian: apt-get install npm)")
    assert npm is not None
    if not (HERE / "node_modules" / "@excalidraw" / "excalidraw").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600)
    if not BUNDLE.is_file():
        subprocess.run([npm, "run", "build"], cwd=HERE, check=True, timeout=300)
    return HERE


@pytest.fixture(scope="module")
def static_url(excalidraw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the test page, the bundle and the exported scenes from 127.0.0.1."""
    root = tmp_path_factory.mktemp("excalidraw-site")
    shutil.copy(excalidraw_dir / "index.html", root / "index.html")
    shutil.copy(BUNDLE, root / "restore.js")
    for name, design in _designs():
        (root / f"{name}.excalidraw").write_bytes(export(design, "excalidraw"))
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _designs() -> list[tuple[str, Design]]:
    return [("default", Design()), ("support-bot", load_scenario("support-bot"))]


RESTORE = """async (file) => {
  const excalidraw = await import("/restore.js");
  const response = await fetch(file);
  const blob = new Blob([await response.text()], { type: "application/json" });
  const scene = await excalidraw.loadFromBlob(blob, null, null);
  return scene.elements.map((e) => ({
    id: e.id, type: e.type, x: e.x, y: e.y, width: e.width, deleted: e.isDeleted,
    container: e.containerId ?? null, text: e.text ?? null,
    start: e.startBinding?.elementId ?? null, end: e.endBinding?.elementId ?? null,
  }));
}"""


DRAW = """async (file) => {
  const excalidraw = await import("/restore.js");
  const response = await fetch(file);
  const blob = new Blob([await response.text()], { type: "application/json" });
  const scene = await excalidraw.loadFromBlob(blob, null, null);
  const svg = await excalidraw.exportToSvg({
    elements: scene.elements, appState: { ...scene.appState, exportBackground: true }, files: {},
  });
  document.body.replaceChildren(svg);
  return svg.querySelectorAll("text").length;
}"""


def test_excalidraw_draws_the_scene_with_every_label(
    page: Page, static_url: str, artifacts: Path
) -> None:
    design = load_scenario("support-bot")
    written = json.loads(export(design, "excalidraw"))["elements"]
    page.set_viewport_size({"width": 2600, "height": 1700})
    page.goto(f"{static_url}/index.html")

    lines: int = page.evaluate(DRAW, "/support-bot.excalidraw")

    # Excalidraw draws each line of text as a <text>: every label made it onto its canvas.
    expected = sum(e["text"].count("\n") + 1 for e in written if e["type"] == "text")
    assert lines == expected
    page.locator("svg").first.screenshot(path=artifacts / "excalidraw-support-bot.png")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the README's picture of the export
        page.locator("svg").first.screenshot(path=DOCS / "excalidraw-support-bot.png")


@pytest.mark.parametrize(("name", "design"), _designs(), ids=[n for n, _ in _designs()])
def test_excalidraw_restores_every_node_edge_and_label(
    page: Page, static_url: str, name: str, design: Design
) -> None:
    graph = build_graph(design)
    labelled_edges = sum(1 for _, _, label in graph.edges(data="label") if label)
    written = json.loads(export(design, "excalidraw"))["elements"]
    page.goto(f"{static_url}/index.html")

    restored: list[dict[str, Any]] = page.evaluate(RESTORE, f"/{name}.excalidraw")

    kept = [element for element in restored if not element["deleted"]]
    shapes = {e["id"] for e in kept if e["type"] != "text" and e["id"].startswith("node-")}
    arrows = [e for e in kept if e["type"] == "arrow"]
    bound = [e for e in kept if e["type"] == "text" and e["container"]]
    assert shapes == {f"node-{node}" for node in graph.nodes}
    assert len(arrows) == graph.number_of_edges()
    # One text in every node, one on every edge with a label: nodes + edges + labels in all.
    assert len(bound) == graph.number_of_nodes() + labelled_edges
    assert len(kept) == len(written)
    ids = {e["id"] for e in kept}
    assert all(a["start"] in shapes and a["end"] in shapes for a in arrows)
    assert all(t["container"] in ids for t in bound)
    # Excalidraw kept the positions dot chose (nothing was moved to the origin or dropped).
    placed = {e["id"]: (e["x"], e["y"]) for e in written}
    assert all(placed[e["id"]] == pytest.approx((e["x"], e["y"]), abs=1) for e in kept
               if e["type"] != "text")  # fmt: skip
    assert Counter(e["type"] for e in kept)["diamond"] == (1 if "router" in graph else 0)
