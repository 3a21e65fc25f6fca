"""Time a long comment thread: 2,000 comments on one design, read a page at a time, and the
shared view drawn over them under AppTest (first run and reruns)."""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from db import comment_page, create_share_link, list_comments, make_engine, save_design, upgrade
from db.models import CommentRow
from playbook import Design

APP = Path(__file__).resolve().parents[1] / "app.py"
COMMENTS = 2_000
RUNS = 21
RERUNS = 10


def _median_ms(action: Callable[[], object], runs: int) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3


def _thread(engine: Engine) -> tuple[int, str]:
    """Save a design with COMMENTS comments and return its id and a share token for it."""
    design_id = save_design(engine, Design(title="Long thread", author="Bench")).id
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {"design_id": design_id, "author": "Bench", "body": f"remark {n}", "phase": "serving",
         "source": "reviewer", "created_at": start + timedelta(seconds=n)}
        for n in range(COMMENTS)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(CommentRow), rows)
    return design_id, create_share_link(engine, design_id, allow_comments=True).token


def _shared_view_ms(token: str) -> tuple[float, float]:
    """Return the shared view's first run and median rerun (ms) under AppTest."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["share"] = token
    start = time.perf_counter()
    app.run()
    first = (time.perf_counter() - start) * 1e3
    if app.exception:
        raise RuntimeError(f"the shared view raised: {app.exception}")
    return first, _median_ms(app.run, RERUNS)


def run() -> None:
    """Print the comment-thread timings on a fresh SQLite file."""
    print(f"\n== Comments: a thread of {COMMENTS:,} ==")
    noisy = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    noisy.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        previous = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = url
        engine = make_engine(url)
        try:
            upgrade(engine)
            design_id, token = _thread(engine)
            first = _median_ms(lambda: comment_page(engine, design_id), RUNS)
            last = _median_ms(lambda: comment_page(engine, design_id, offset=COMMENTS), RUNS)
            whole = _median_ms(lambda: list_comments(engine, design_id), RUNS)
            print(f"comment_page, first 20: median of {RUNS} {first:,.1f} ms")
            print(f"comment_page, last 20: median of {RUNS} {last:,.1f} ms")
            print(f"list_comments, all {COMMENTS:,}: median of {RUNS} {whole:,.1f} ms")
            shown, rerun = _shared_view_ms(token)
            print(f"shared view: first run {shown:,.0f} ms; rerun median of {RERUNS}", end=" ")
            print(f"{rerun:,.0f} ms")
        finally:
            engine.dispose()
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous
