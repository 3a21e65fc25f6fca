"""The load test's bookkeeping, pure: percentiles, the timed window, what one step saw."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_PER_TAB = 5  # the window stays open until every tab made this many interactions
WINDOW_CAP = 4.0  # ... but closes at this many times its seconds, counts reached or not
Interaction = tuple[str, float]  # what the tab did, and the seconds until its run finished


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile of `values`, linear between the closest ranks (numpy's way)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0 and 100, not {q}")
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Window:
    """The timed window of a step: when it opened, and what each tab did in it."""

    tabs: int
    seconds: float
    min_per_tab: int = MIN_PER_TAB
    cap: float = WINDOW_CAP
    opened: float = 0.0
    done: list[list[Interaction]] = field(init=False)

    def __post_init__(self) -> None:
        self.done = [[] for _ in range(self.tabs)]

    def open(self, now: float) -> None:
        """Open the window at `now` (time.monotonic)."""
        self.opened = now

    def accepts(self, now: float) -> bool:
        """Whether a tab may begin an interaction at `now`: within the seconds, or a tab lags."""
        elapsed = now - self.opened
        if elapsed < self.seconds:
            return True
        return min(self.per_tab()) < self.min_per_tab and elapsed < self.cap * self.seconds

    def record(self, tab: int, interaction: Interaction) -> None:
        """Count `interaction`, made by tab number `tab`."""
        self.done[tab].append(interaction)

    def per_tab(self) -> tuple[int, ...]:
        """Return how many interactions each tab has made."""
        return tuple(len(made) for made in self.done)

    def interactions(self) -> tuple[Interaction, ...]:
        """Return every tab's interactions."""
        return tuple(interaction for made in self.done for interaction in made)


@dataclass(frozen=True)
class Step:
    """What N tabs saw: setup and window latencies, the server's CPU and memory, the machine's."""

    sessions: int
    interactions: tuple[Interaction, ...]
    per_tab: tuple[int, ...]
    setup: tuple[float, ...]  # every setup run's seconds, the connection's first run included
    setup_seconds: float  # until the last tab was ready
    window_seconds: float  # from the window's opening to the end of its last interaction
    server_cpu: float  # cores
    client_cpu: float  # cores this process (the tabs) used
    others_cpu: float  # cores used meanwhile by everything but the server and this client
    rss_mib: float
    errors: int  # exceptions the app showed to the tabs

    def latencies(self, kind: str | None = None) -> list[float]:
        """Return the interactions' seconds, of one kind or all."""
        return [seconds for done, seconds in self.interactions if kind in (None, done)]

    def cpu_ms_per_interaction(self) -> float:
        """Return the server's CPU milliseconds per interaction: what a click costs, not waits."""
        return self.server_cpu * self.window_seconds / len(self.interactions) * 1000

    def kinds(self) -> list[str]:
        """Return the kinds of interaction, in the order they were first made."""
        return list(dict.fromkeys(done for done, _ in self.interactions))
