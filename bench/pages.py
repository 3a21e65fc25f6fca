"""Every page's rerun under AppTest against a one-slider app's, the same way in the same run.

A rerun is what a click costs the server, before any browser: the teams issue asks each page to
stay within 5x the trivial app's.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from bench.diagram import big_design
from db import create_share_link, make_engine, save_design, upgrade
from playbook import Design, update_design
from ui import navigation, state

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = Path(__file__).resolve().parent / "trivial_app.py"
RERUNS = 15
TARGET = 5.0


def _median_ms(action: Callable[[], object]) -> float:
    seconds = []
    for _ in range(RERUNS):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3


def _paired_ms(page: Callable[[], object], trivial: Callable[[], object]) -> tuple[float, float]:
    """Return the medians of a page's reruns and the one-slider app's, taken turn about.

    On a machine whose load moves by 2x within a minute, a ratio against one trivial figure
    taken at the start measures the load as much as the page: each page gets its own.
    """
    pages: list[float] = []
    trivials: list[float] = []
    for _ in range(RERUNS):
        for action, seconds in ((page, pages), (trivial, trivials)):
            start = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - start)
    return statistics.median(pages) * 1e3, statistics.median(trivials) * 1e3


def _page(path: str, design: Design | None = None, share: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if share is not None:
        app.query_params["share"] = share
    app.run()
    if design is not None:
        app.session_state[state.DESIGN] = design
    if share is None:
        app.switch_page(path).run()
    if app.exception:
        raise RuntimeError(f"{path} raised: {app.exception[0].message}")
    return app


def _cases(share_token: str) -> Iterator[tuple[str, Callable[[], AppTest]]]:
    self_hosted = update_design(Design(), "model", kind="self_hosted")
    for section in navigation.SECTIONS.values():
        for spec in section:
            if spec.path != navigation.SHARED_PAGE:
                yield spec.title, partial(_page, spec.path)
    yield "5 · Serving, self-hosted", lambda: _page("pages/serving.py", self_hosted)
    yield "Diagram, 100 own components", lambda: _page("pages/diagram.py", big_design())
    yield "Shared design (share link)", lambda: _page(navigation.SHARED_PAGE, share=share_token)


@contextmanager
def _server_script_cache() -> Iterator[None]:
    """Keep compiled scripts between AppTest runs, as the server does.

    A server compiles app.py and each page once (its ScriptCache lives as long as the runtime);
    AppTest makes a new cache for every run, so each measured "rerun" also parsed, rewrote (magic)
    and compiled app.py and the page: about 10 ms of a 20 ms page here, nothing of a real click.
    """
    shared = ScriptCache()
    patched = (app_test, local_script_runner)
    for module in patched:
        setattr(module, "ScriptCache", lambda: shared)  # noqa: B010
    try:
        yield
    finally:
        for module in patched:
            setattr(module, "ScriptCache", ScriptCache)  # noqa: B010


@contextmanager
def _scratch_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        previous = os.environ.get("DATABASE_URL")
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        os.environ["DATABASE_URL"] = url
        try:
            yield url
        finally:
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous


def run() -> None:
    """Print every page's median rerun and its ratio to the one-slider app's."""
    noisy = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    noisy.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())
    print(f"\n== Page reruns under AppTest (median of {RERUNS}, scripts compiled once) ==")
    with _server_script_cache():
        _run()


def _run() -> None:
    trivial_app = AppTest.from_file(str(TRIVIAL))
    trivial_app.run()
    trivial = _median_ms(trivial_app.run)
    print(f"one-slider app: {trivial:.1f} ms")
    with _scratch_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        saved = save_design(engine, update_design(Design(title="Bench"), "model", kind="routing"))
        token = create_share_link(engine, saved.id).token
        over = []
        for name, open_page in _cases(token):
            rerun, beside = _paired_ms(open_page().run, trivial_app.run)
            ratio = rerun / beside
            over += [name] if ratio > TARGET else []
            print(f"  {name:<32} {rerun:7.1f} ms  {ratio:5.1f}x  (one-slider app {beside:.1f} ms)")
    verdict = "all within" if not over else f"{len(over)} over: {', '.join(over)}"
    print(f"target: every page within {TARGET:.0f}x the one-slider app's rerun; {verdict}")
