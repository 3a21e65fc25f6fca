"""The load test's bookkeeping: percentiles by value, the timed window, what a step counts."""

from __future__ import annotations

import asyncio
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import load
from bench.load_window import Step, Window, percentile
from bench.streamlit_client import ROOT, Session, parse_metrics


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Sorted: 10, 20, 30, 40; the q-th percentile sits at rank q/100 x (4 - 1), read
        # linearly between the two closest ranks (numpy.percentile's default gives the same).
        (0, 10.0),
        (50, 25.0),  # rank 1.5: 20 + 0.5 x (30 - 20)
        (95, 38.5),  # rank 2.85: 30 + 0.85 x (40 - 30)
        (99, 39.7),  # rank 2.97: 30 + 0.97 x 10
        (100, 40.0),
    ],
)
def test_percentile_interpolates_between_the_closest_ranks(q: float, expected: float) -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # unsorted on purpose

    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([0.25], 95) == 0.25


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_no_values_or_a_q_outside_0_to_100(
    values: list[float], q: float
) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile(values, q)


def test_window_stays_open_for_its_seconds_then_until_every_tab_made_enough() -> None:
    window = Window(tabs=2, seconds=10, min_per_tab=2, cap=3)
    window.open(100.0)

    within_seconds = window.accepts(105.0)
    tabs_lagging = window.accepts(110.0)
    window.record(0, ("toggle", 0.1))
    window.record(0, ("GPU", 0.2))
    window.record(1, ("toggle", 0.3))
    one_tab_lagging = window.accepts(112.0)
    window.record(1, ("GPU", 0.4))
    every_tab_done = window.accepts(112.0)

    assert (within_seconds, tabs_lagging, one_tab_lagging, every_tab_done) == (
        True, True, True, False,
    )  # fmt: skip
    assert window.per_tab() == (2, 2)
    assert window.interactions() == (
        ("toggle", 0.1), ("GPU", 0.2), ("toggle", 0.3), ("GPU", 0.4),
    )  # fmt: skip


def test_window_closes_at_its_cap_though_a_tab_lags() -> None:
    window = Window(tabs=2, seconds=10, min_per_tab=2, cap=3)
    window.open(100.0)
    window.record(0, ("toggle", 0.1))

    assert window.accepts(129.9)
    assert not window.accepts(130.0)  # 3 x 10 s after opening


def test_step_reads_latencies_by_kind_and_cpu_per_interaction() -> None:
    step = Step(
        sessions=1, interactions=(("GPU", 0.2), ("toggle", 0.1), ("GPU", 0.4)), per_tab=(3,),
        setup=(0.5,), setup_seconds=0.5, window_seconds=3.0, server_cpu=0.1, client_cpu=0.0,
        others_cpu=0.0, rss_mib=100.0, errors=0,
    )  # fmt: skip

    assert step.kinds() == ["GPU", "toggle"]
    assert step.latencies("GPU") == [0.2, 0.4]
    assert step.latencies() == [0.2, 0.1, 0.4]
    # 0.1 of a core for 3 s is 0.3 CPU seconds, over 3 interactions: 100 ms each.
    assert step.cpu_ms_per_interaction() == pytest.approx(100.0)


def test_every_tab_clicks_until_the_window_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "THINK_SECONDS", (0.0, 0.0))
    clicked: list[tuple[int, int]] = []

    async def click(_session: Session, tab: int, turn: int) -> tuple[str, float]:
        clicked.append((tab, turn))
        return "toggle", 0.01

    async def no_setup(_session: Session) -> list[float]:
        return []

    app = load.App("fake", Path("fake.py"), no_setup, click)
    window = Window(tabs=3, seconds=1.0, min_per_tab=4, cap=1e6)

    async def clicks() -> None:
        window.open(load.time.monotonic() - 2.0)  # its seconds are over: only the counts hold it
        tabs = [load._clicks(app, Session(connection=None), tab, window) for tab in range(3)]
        await asyncio.gather(*tabs)

    # A loop of its own in a thread of its own: in a full run an earlier test (Playwright's sync
    # API) can leave an event loop running in this thread, and asyncio.run refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, clicks()).result()

    assert window.per_tab() == (4, 4, 4)  # closed once every tab made 4
    assert sorted(clicked) == [(tab, turn) for tab in range(3) for turn in range(4)]


def test_metrics_text_becomes_one_value_per_series() -> None:
    text = (
        "# TYPE active_sessions gauge\n"
        "active_sessions 3\n"
        'session_events_total{type="connect"} 7\n'
        "# EOF\n"
    )

    assert parse_metrics(text) == {
        "active_sessions": 3.0,
        'session_events_total{type="connect"}': 7.0,
    }


def test_the_served_config_skips_streamlits_full_collection_after_every_run() -> None:
    # Under 5 tabs, gc.collect(2) after each run was 88 % of the server's GIL time (py-spy):
    # about 150 ms a click on this app's heap, every other tab waiting meanwhile.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))

    assert config["runner"]["postScriptGC"] is False
