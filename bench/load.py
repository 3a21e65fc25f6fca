"""Load test: N concurrent tabs on the Serving page against the same on a one-slider app.

Each tab is a client of Streamlit's WebSocket protocol (bench.streamlit_client), not Chromium:
25 browsers would spend the two cores this machine has on themselves. A step of N tabs:

1. Setup, apart from the timings: all N tabs connect and get to where they will click (on the
   whiteboard: the Model page, the model made self-hosted, the Serving page). Its runs are
   reported on their own line; none of them is an interaction.
2. The timed window opens once every tab is ready. A tab thinks, clicks, waits for the run it
   asked for, thinks again: THINK_SECONDS drawn uniformly (1 s on average, as a person clicks),
   the first wait from 0 so 25 tabs do not click in lockstep. The window lasts the step's
   seconds, then on until every tab has made MIN_PER_TAB interactions (at most WINDOW_CAP times
   the seconds); every tab clicks until it closes, so the load holds and no tab goes uncounted.
   An interaction begun in the window counts to its end. A whiteboard tab cycles: flip a
   Serving toggle, pick another GPU, switch to the Model page, back to Serving; a one-slider tab
   moves the slider, then reruns its one page.
3. Every tab closes.

Both apps are served side by side and their steps alternate, so the rest of the machine's load
falls on both alike; each step prints the CPU the rest of the machine used meanwhile, and the
server's CPU per click, which that load changes least. Memory "before" is after one warm-up tab
and "after" after the last step, each once Streamlit dropped every closed tab: it keeps a closed
tab's session for a reconnect (SESSION_TTL seconds on the bench servers, 120 s by default) and
reaps the expired ones only when it stores the next, so a probe tab connects and closes once the
TTL is past. The MiB while the sessions were still kept is printed beside, and the MiB after
the last step ran once more: a leak grows with every round, caches and freed pages do not.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.load_window import MIN_PER_TAB, WINDOW_CAP, Interaction, Step, Window, percentile
from bench.streamlit_client import (
    ROOT,
    Session,
    choose,
    connect,
    cpu_seconds,
    machine_busy_seconds,
    metrics,
    peak_rss_mib,
    rss_mib,
    served,
    slide,
    toggle,
)

STEPS = (1, 5, 10, 25)
THINK_SECONDS = (0.5, 1.5)  # uniform, 1 s on average
SESSION_TTL = 2  # seconds the bench servers keep a closed tab's session (Streamlit: 120)
TRIVIAL = Path(__file__).resolve().parent / "trivial_app.py"


@dataclass(frozen=True)
class App:
    """How a tab gets ready on an app, and its `turn`-th click as tab number `tab`."""

    name: str
    script: Path
    setup: Callable[[Session], Awaitable[list[float]]]
    click: Callable[[Session, int, int], Awaitable[Interaction]]


async def _serving_setup(session: Session) -> list[float]:
    model = await session.run("3 · Model")
    kind = choose(session.widgets["Model class"], "Self-hosted open model")
    return [model, await session.run(None, (kind,)), await session.run("5 · Serving")]


async def _serving_click(session: Session, tab: int, turn: int) -> Interaction:
    match turn % 4:
        case 0:
            state = toggle(session.widgets["Prefix caching"], turn % 8 == 0)
            return "toggle", await session.run(None, (state,))
        case 1:  # tabs start on different GPUs: 25 people do not make the same choices
            gpus = session.widgets["GPU"].options
            state = choose(session.widgets["GPU"], gpus[(turn + tab) % len(gpus)])
            return "GPU", await session.run(None, (state,))
        case 2:
            return "to Model", await session.run("3 · Model")
        case _:
            return "to Serving", await session.run("5 · Serving")


async def _trivial_setup(_session: Session) -> list[float]:
    return []  # its one page is drawn on connecting


async def _trivial_click(session: Session, tab: int, turn: int) -> Interaction:
    if turn % 2:
        return "rerun", await session.run()  # the one-page app's "page switch": a plain run
    state = slide(session.widgets["Value"], (turn * 7 + tab) % 101)
    return "slider", await session.run(None, (state,))


WHITEBOARD = App("whiteboard, Serving page", ROOT / "app.py", _serving_setup, _serving_click)
ONE_SLIDER = App("one-slider app", TRIVIAL, _trivial_setup, _trivial_click)


@dataclass(frozen=True)
class _Server:
    url: str
    pid: int


@dataclass(frozen=True)
class _Marks:
    """CPU counters at one moment: the server's, this client's, the whole machine's."""

    at: float
    server: float
    client: float
    machine: float

    @classmethod
    def now(cls, pid: int) -> _Marks:
        return cls(
            time.monotonic(), cpu_seconds(pid), cpu_seconds(os.getpid()), machine_busy_seconds()
        )


async def _ready(app: App, url: str) -> tuple[Session, list[float]]:
    started = time.perf_counter()
    session = await connect(url)
    first = time.perf_counter() - started
    return session, [first, *await app.setup(session)]


async def _clicks(app: App, session: Session, tab: int, window: Window) -> None:
    think = random.Random(f"{window.tabs}/{tab}")  # noqa: S311 - a pause, not a secret
    await asyncio.sleep(think.uniform(0, THINK_SECONDS[1]))
    turn = 0
    while window.accepts(time.monotonic()):
        window.record(tab, await app.click(session, tab, turn))
        turn += 1
        await asyncio.sleep(think.uniform(*THINK_SECONDS))


async def _step(app: App, server: _Server, tabs: int, seconds: float) -> Step:
    started = time.monotonic()
    ready = await asyncio.gather(*(_ready(app, server.url) for _ in range(tabs)))
    setup_seconds = time.monotonic() - started
    window = Window(tabs, seconds)
    before = _Marks.now(server.pid)
    window.open(before.at)
    await asyncio.gather(*(_clicks(app, s, tab, window) for tab, (s, _) in enumerate(ready)))
    after = _Marks.now(server.pid)
    elapsed = after.at - before.at
    server_cpu = after.server - before.server
    client_cpu = after.client - before.client
    others = after.machine - before.machine - server_cpu - client_cpu
    memory = rss_mib(server.pid)
    for session, _ in ready:
        await session.close()
    return Step(
        tabs, window.interactions(), window.per_tab(),
        tuple(s for _, runs in ready for s in runs), setup_seconds, elapsed,
        server_cpu / elapsed, client_cpu / elapsed, max(0.0, others) / elapsed, memory,
        sum(session.errors for session, _ in ready),
    )  # fmt: skip


async def _no_active_sessions(url: str) -> None:
    deadline = time.monotonic() + 60
    while metrics(url).get("active_sessions", 0) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} still has active sessions a minute after the tabs closed")
        await asyncio.sleep(0.2)


@dataclass(frozen=True)
class Memory:
    """The server's resident MiB with its closed tabs kept for a reconnect, then dropped."""

    kept_mib: float
    dropped_mib: float


async def _settled(server: _Server) -> Memory:
    await _no_active_sessions(server.url)
    kept = rss_mib(server.pid)
    await asyncio.sleep(SESSION_TTL + 1)
    probe = await connect(server.url)
    await probe.close()  # storing the probe's session reaps every session past its TTL
    await _no_active_sessions(server.url)
    await asyncio.sleep(1)
    return Memory(kept, rss_mib(server.pid))


@dataclass(frozen=True)
class Result:
    """One app's steps; its memory before, after the steps, after the last step again; its peak."""

    app: App
    steps: list[Step]
    before: Memory
    after: Memory
    again: Memory  # a leak grows with each round of tabs; caches and the allocator's pages do not
    peak_mib: float


async def _cold_start(script: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    with served(script, env) as (url, _pid, _healthy):
        session = await connect(url)
        elapsed = time.perf_counter() - started
        await session.close()
    return elapsed


async def _measure(seconds: float, env: dict[str, str]) -> tuple[Result, Result]:
    apps = (WHITEBOARD, ONE_SLIDER)
    options = ("--server.disconnectedSessionTTL", str(SESSION_TTL))
    with (
        served(WHITEBOARD.script, env, options) as (url, pid, _),
        served(ONE_SLIDER.script, env, options) as (url_t, pid_t, _),
    ):
        servers = (_Server(url, pid), _Server(url_t, pid_t))
        for app, server in zip(apps, servers, strict=True):  # imports and caches loaded
            await _step(app, server, 1, THINK_SECONDS[1] * MIN_PER_TAB)
        before = await asyncio.gather(*(_settled(server) for server in servers))
        steps: tuple[list[Step], list[Step]] = ([], [])
        for tabs in STEPS:
            for app, server, done in zip(apps, servers, steps, strict=True):
                done.append(await _step(app, server, tabs, seconds))
                _print_step(app, done[-1])
        after = await asyncio.gather(*(_settled(server) for server in servers))
        await asyncio.gather(
            *(
                _step(app, server, STEPS[-1], seconds)
                for app, server in zip(apps, servers, strict=True)
            )
        )  # both at once: only the memory it leaves is read
        again = await asyncio.gather(*(_settled(server) for server in servers))
        peaks = [peak_rss_mib(server.pid) for server in servers]
    rounds = zip(apps, steps, before, after, again, peaks, strict=True)
    results = [Result(*parts) for parts in rounds]
    return results[0], results[1]


def _ms(values: Sequence[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:5.0f}" if values else "    -"


def _print_step(app: App, step: Step) -> None:
    latencies = step.latencies()
    print(
        f"    {app.name[:10]:<10} N={step.sessions:>2}: {len(latencies):>4} interactions "
        f"({len(latencies) / step.window_seconds:4.1f}/s in {step.window_seconds:3.0f} s; "
        f"per tab min {min(step.per_tab)}, median {statistics.median(step.per_tab):.0f}), "
        f"p50/p95/p99 {_ms(latencies, 50)} {_ms(latencies, 95)} {_ms(latencies, 99)} ms; "
        f"server CPU {step.server_cpu:4.0%} ({step.cpu_ms_per_interaction():.0f} ms a click), "
        f"tabs {step.client_cpu:3.0%}, rest of the machine {step.others_cpu:4.0%}, "
        f"RSS {step.rss_mib:.0f} MiB" + (f", {step.errors} ERRORS" if step.errors else "")
    )
    kinds = ", ".join(
        f"{kind} {_ms(step.latencies(kind), 50).strip()}/{_ms(step.latencies(kind), 95).strip()}"
        for kind in step.kinds()
    )
    print(
        f"      by kind p50/p95 ms: {kinds}; setup (not counted): {len(step.setup)} runs, "
        f"p50/p95 {_ms(step.setup, 50).strip()}/{_ms(step.setup, 95).strip()} ms, "
        f"all {step.sessions} ready in {step.setup_seconds:.1f} s"
    )


def _print_memory(result: Result) -> None:
    before, after = result.before, result.after
    print(
        f"  {result.app.name}: memory {before.dropped_mib:.0f} MiB before, "
        f"{after.dropped_mib:.0f} MiB after every tab was dropped "
        f"({after.dropped_mib / before.dropped_mib - 1:+.0%}; {after.kept_mib:.0f} MiB while "
        f"Streamlit kept them for a reconnect); {result.again.dropped_mib:.0f} MiB after "
        f"N={STEPS[-1]} once more ({result.again.dropped_mib / after.dropped_mib - 1:+.1%}); "
        f"peak {result.peak_mib:.0f} MiB"
    )


def run(seconds: float = 30.0) -> None:
    """Print the load test: latency percentiles per N, CPU, memory, and the ratios."""
    low, high = THINK_SECONDS
    print(
        f"Load: protocol-level tabs; per step all tabs set up first (not counted), then a window "
        f"of {seconds:.0f} s and on until every tab made {MIN_PER_TAB} interactions (at most "
        f"{WINDOW_CAP * seconds:.0f} s); think {low}-{high} s uniform, first click staggered; "
        f"both apps served side by side, steps alternating; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start"
    )
    with tempfile.TemporaryDirectory() as folder:
        env = {"DATABASE_URL": f"sqlite:///{folder}/load.db"}
        cold_app = asyncio.run(_cold_start(WHITEBOARD.script, env))
        cold_trivial = asyncio.run(_cold_start(ONE_SLIDER.script, env))
        app, trivial = asyncio.run(_measure(seconds, env))
    _print_memory(app)
    _print_memory(trivial)
    p95_app = percentile(app.steps[-1].latencies(), 95)
    p95_trivial = percentile(trivial.steps[-1].latencies(), 95)
    grown = app.after.dropped_mib / app.before.dropped_mib - 1
    print(
        f"  p95 at N={STEPS[-1]}: {p95_app * 1000:.0f} ms vs {p95_trivial * 1000:.0f} ms = "
        f"{p95_app / p95_trivial:.1f}x the one-slider app's (target <= 3x); cold start to first "
        f"render {cold_app:.2f} s vs {cold_trivial:.2f} s = {cold_app / cold_trivial:.2f}x "
        f"(target <= 1.2x); memory after disconnect {grown:+.0%} "
        f"(target within 10 %); load average {os.getloadavg()[0]:.1f} at the end"
    )
