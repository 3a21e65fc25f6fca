"""Time the diagram: DOT for a 100-component design, and a rerun of the Diagram page (AppTest)."""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from diagrams import build_graph, design_dot, design_mermaid, export, render
from diagrams.svg import safe_svg
from playbook import Design, add_custom_entry, update_design

APP = Path(__file__).resolve().parents[1] / "app.py"
COMPONENTS = 100
RUNS = 21
RERUNS = 20
KINDS = ("cache", "tool", "queue", "store", "source", "monitor", "eval", "guardrail")
PHASES = ("constraints", "technique", "model", "retrieval", "serving", "evaluation")
BUILT_IN_LINKS = ("gateway", "llm", "retriever", "response", "documents", "judge")


def big_design(components: int = COMPONENTS) -> Design:
    """Return a routed RAG design with `components` own components, each with one or two links."""
    design = update_design(Design(title="Bench"), "model", kind="routing")
    design = update_design(design, "technique", rungs=["rag", "lora"])
    for i in range(components):
        links = [BUILT_IN_LINKS[i % len(BUILT_IN_LINKS)]] + ([f"c{i - 1}"] if i % 2 else [])
        entry = {
            "id": f"c{i}",
            "name": f"Component {i}",
            "kind": KINDS[i % len(KINDS)],
            "phase": PHASES[i % len(PHASES)],
            "connects_to": links if i % 5 else [],
            "justification": "bench" if i % 4 else "",
        }
        design = add_custom_entry(design, "components", entry)
    return design


def _median_ms(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3, min(seconds) * 1e3, max(seconds) * 1e3


def _line(name: str, figures: tuple[float, float, float], runs: int) -> str:
    median, fastest, slowest = figures
    return (
        f"{name}: median of {runs} {median:,.1f} ms "
        f"(fastest {fastest:,.1f} ms, slowest {slowest:,.1f} ms)"
    )


def _text_timings(design: Design) -> None:
    graph = build_graph(design)
    print(
        f"design: {len(design.components)} own components -> {graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges"
    )
    print(
        _line(
            "build_graph (estimates included)", _median_ms(lambda: build_graph(design), RUNS), RUNS
        )
    )
    print(_line("DOT text (design_dot)", _median_ms(lambda: design_dot(design), RUNS), RUNS))
    print(_line("Mermaid text", _median_ms(lambda: design_mermaid(design), RUNS), RUNS))
    if shutil.which("dot"):
        dot = design_dot(design)
        print(_line("SVG layout by dot", _median_ms(lambda: render(dot, fmt="svg"), 5), 5))
        svg = render(dot, fmt="svg")
        print(_line("SVG sanitised for the viewer", _median_ms(lambda: safe_svg(svg), RUNS), RUNS))
        print(_line("Excalidraw scene", _median_ms(lambda: export(design, "excalidraw"), 5), 5))
    else:
        print("SVG layout by dot: skipped (Graphviz's dot is not installed)")


def _page_timings(page: str, design: Design | None) -> tuple[float, tuple[float, float, float]]:
    """Return the first run of `page` and the median, fastest and slowest of its reruns (ms)."""
    from streamlit.testing.v1 import AppTest

    from ui import state

    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    if design is not None:
        app.session_state[state.DESIGN] = design
    start = time.perf_counter()
    app.switch_page(page).run()
    first = (time.perf_counter() - start) * 1e3
    if app.exception:
        raise RuntimeError(f"{page} raised: {app.exception}")
    return first, _median_ms(app.run, RERUNS)


def _app_timings(design: Design) -> None:
    # Outside `streamlit run` every cached call warns that it has no script context: noise here.
    # (A filter, since Streamlit resets its loggers' levels when it loads its config.)
    noisy = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    noisy.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())
    # A fresh SQLite file, so the bench never touches the user's library.
    with tempfile.TemporaryDirectory() as folder:
        previous = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        try:
            cases = (
                ("pages/technique.py (trivial page)", "pages/technique.py", None),
                ("pages/diagram.py, default design", "pages/diagram.py", None),
                (
                    f"pages/diagram.py, {len(design.components)} components",
                    "pages/diagram.py",
                    design,
                ),
            )
            for name, page, shown in cases:
                first, reruns = _page_timings(page, shown)
                print(f"{_line(name + ' rerun', reruns, RERUNS)}; first run {first:,.0f} ms")
        finally:
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous


def run() -> None:
    """Print the diagram timings: text exports of a big design, then page reruns under AppTest."""
    print("\n== Diagram timing ==")
    design = big_design()
    _text_timings(design)
    _app_timings(design)
