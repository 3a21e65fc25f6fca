"""Load test: N concurrent tabs on the Serving page against the same on a one-slider app.

Each tab is a client of Streamlit's WebSocket protocol (bench.streamlit_client), not Chromium:
25 browsers would spend the two cores this machine has on themselves. A tab makes the Phase 3
model self-hosted, then loops for a fixed time: flip a Serving toggle, pick another GPU, switch
to the Model page and back; a second between interactions, as a person clicks. An interaction is
the time from the tab's message to the end of the run it asked for.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.streamlit_client import (
    ROOT,
    Session,
    choose,
    connect,
    cpu_seconds,
    rss_mib,
    served,
    slide,
    toggle,
)

STEPS = (1, 5, 10, 25)
THINK_SECONDS = 1.0
TRIVIAL = Path(__file__).resolve().parent / "trivial_app.py"


@dataclass(frozen=True)
class Step:
    """What N tabs saw for a fixed time: latencies and the server's CPU and memory."""

    sessions: int
    latencies: tuple[float, ...]
    cpu_share: float
    rss_mib: float

    def percentile(self, q: int) -> float:
        """Return the q-th percentile latency in seconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _serving_tab(session: Session, deadline: float, seen: list[float]) -> None:
    await session.run("3 · Model")
    kind = session.widgets["Model class"]
    await session.run(None, (choose(kind, "Self-hosted open model"),))
    await session.run("5 · Serving")
    gpus = session.widgets["GPU"].options
    for turn in itertools.count():
        if time.monotonic() >= deadline:
            return
        await asyncio.sleep(THINK_SECONDS)
        match turn % 4:
            case 0:
                state = toggle(session.widgets["Prefix caching"], turn % 8 == 0)
                seen.append(await session.run(None, (state,)))
            case 1:
                state = choose(session.widgets["GPU"], gpus[turn % len(gpus)])
                seen.append(await session.run(None, (state,)))
            case 2:
                seen.append(await session.run("3 · Model"))
            case _:
                seen.append(await session.run("5 · Serving"))


async def _trivial_tab(session: Session, deadline: float, seen: list[float]) -> None:
    for turn in itertools.count():
        if time.monotonic() >= deadline:
            return
        await asyncio.sleep(THINK_SECONDS)
        if turn % 2:
            seen.append(await session.run())  # the one-page app's "page switch": a plain run
        else:
            seen.append(await session.run(None, (slide(session.widgets["Value"], turn % 100),)))


async def _step(url: str, pid: int, tabs: int, seconds: float, trivial: bool) -> Step:
    sessions = [await connect(url) for _ in range(tabs)]
    seen: list[float] = []
    loop = _trivial_tab if trivial else _serving_tab
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(loop(session, deadline, seen) for session in sessions))
    cpu_share = (cpu_seconds(pid) - cpu_before) / (time.monotonic() - started)
    memory = rss_mib(pid)
    for session in sessions:
        await session.connection.close()
    return Step(tabs, tuple(seen), cpu_share, memory)


async def _cold_start(script: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    with served(script, env) as (url, _pid, _healthy):
        session = await connect(url)
        elapsed = time.perf_counter() - started
        await session.connection.close()
    return elapsed


@dataclass(frozen=True)
class Result:
    """One app's steps, and its memory before the first and after the last tab left."""

    steps: list[Step]
    before: float
    after: float


async def _measure(script: Path, env: dict[str, str], seconds: float, trivial: bool) -> Result:
    with served(script, env) as (url, pid, _healthy):
        # "Before" is a server that has served one whole tab: imports and caches are loaded.
        await _step(url, pid, 1, 6 * THINK_SECONDS, trivial)
        await asyncio.sleep(10)
        before = rss_mib(pid)
        steps = [await _step(url, pid, n, seconds, trivial) for n in STEPS]
        await asyncio.sleep(10)  # Streamlit drops a closed tab's session after a short grace
        gc.collect()
        after = rss_mib(pid)
    return Result(steps, before, after)


def _print(name: str, result: Result) -> None:
    print(f"  {name}: memory {result.before:.0f} MiB before, {result.after:.0f} MiB after")
    for step in result.steps:
        print(
            f"    N={step.sessions:>2}: {len(step.latencies):>4} interactions, "
            f"p50 {step.percentile(50) * 1000:6.0f} ms  p95 {step.percentile(95) * 1000:6.0f} ms"
            f"  p99 {step.percentile(99) * 1000:6.0f} ms  CPU {step.cpu_share:4.0%}  "
            f"RSS {step.rss_mib:.0f} MiB"
        )


def run(seconds: float = 20.0) -> None:
    """Print the load test: latency percentiles per N, CPU, memory, and the ratios."""
    print(f"Load: protocol-level tabs, {seconds:.0f} s per step, {THINK_SECONDS:.0f} s think time")
    with tempfile.TemporaryDirectory() as folder:
        env = {"DATABASE_URL": f"sqlite:///{folder}/load.db"}
        cold_app = asyncio.run(_cold_start(ROOT / "app.py", env))
        cold_trivial = asyncio.run(_cold_start(TRIVIAL, env))
        app = asyncio.run(_measure(ROOT / "app.py", env, seconds, trivial=False))
        trivial = asyncio.run(_measure(TRIVIAL, env, seconds, trivial=True))
    _print("whiteboard, Serving page", app)
    _print("one-slider app", trivial)
    p95_app, p95_trivial = app.steps[-1].percentile(95), trivial.steps[-1].percentile(95)
    grown = app.after / app.before - 1
    print(
        f"  p95 at N={STEPS[-1]}: {p95_app / p95_trivial:.1f}x the one-slider app's "
        f"(target <= 3x); cold start to first render {cold_app:.2f} s vs {cold_trivial:.2f} s "
        f"= {cold_app / cold_trivial:.2f}x (target <= 1.2x); memory after disconnect "
        f"{grown:+.0%} (target within 10 %)"
    )
