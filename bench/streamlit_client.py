"""A client of Streamlit's WebSocket protocol: what a browser tab sends and waits for, no browser.

A session connects to `/_stcore/stream`, asks for a run of a page (`BackMsg.rerun_script`, with
the widget values the tab changed) and waits for the `ForwardMsg.script_finished` that ends the
run: that round trip is one interaction as a user feels it, measured without Chromium's own CPU
on the same two cores. A run that ends early for a rerun (`st.rerun`, a callback) is not the end:
the tab waits for the run that finishes, as the browser shows the page only then.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
WIDGET_KINDS = ("checkbox", "radio", "selectbox", "slider", "number_input")
# A whole-script run is over only when it finished or failed to compile; a run cut short for a
# rerun is followed by the run that replaces it, and a fragment's own run is not the page's.
FINISHED = (
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
)
RUN_TIMEOUT_SECONDS = 300.0  # a run slower than this is a hung server, not a slow one


@dataclass
class Widget:
    """A widget the last run drew: its id, kind, label and (for choices) its options."""

    id: str
    kind: str
    label: str
    options: tuple[str, ...] = ()


@dataclass
class Session:
    """One tab: its connection, the pages the app routes, and the widgets of the last run."""

    connection: Any
    pages: dict[str, str] = field(default_factory=dict)  # page name -> page_script_hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # label -> widget
    page_hash: str = ""
    errors: int = 0  # exceptions the app showed this tab, over all its runs

    async def run(self, page: str | None = None, states: tuple[WidgetState, ...] = ()) -> float:
        """Ask for a run of `page` (or the current one) with `states`; return its seconds."""
        if page is not None:
            self.page_hash = self.pages.get(page, "")
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.widget_states.widgets.extend(states)
        started = time.perf_counter()
        await self.connection.send(message.SerializeToString())
        self.widgets = {}
        await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT_SECONDS)
        return time.perf_counter() - started

    async def close(self) -> None:
        """Close the tab's connection, as closing the browser tab does."""
        await self.connection.close()

    async def _until_finished(self) -> None:
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.connection.recv())
            kind = reply.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in reply.navigation.app_pages}
                self.page_hash = reply.navigation.page_script_hash
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                self._remember(reply.delta.new_element)
            elif kind == "script_finished" and reply.script_finished in FINISHED:
                return

    def _remember(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors += 1
        elif kind in WIDGET_KINDS:
            proto = getattr(element, kind)
            options = tuple(getattr(proto, "options", ()))
            self.widgets[proto.label] = Widget(proto.id, kind, proto.label, options)


def toggle(widget: Widget, value: bool) -> WidgetState:
    """Return the state a tab sends when a checkbox or toggle is set to `value`."""
    state = WidgetState(id=widget.id)
    state.bool_value = value
    return state


def choose(widget: Widget, option: str) -> WidgetState:
    """Return the state a tab sends when a radio or selectbox is set to `option`."""
    state = WidgetState(id=widget.id)
    state.string_value = option
    return state


def slide(widget: Widget, value: float) -> WidgetState:
    """Return the state a tab sends when a numeric slider is moved to `value`."""
    state = WidgetState(id=widget.id)
    state.double_array_value.data.append(value)
    return state


async def connect(url: str) -> Session:
    """Open a session on the app at `url` (http://host:port) and run its default page once."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    protocol = websockets.Subprotocol("streamlit")
    connection = await websockets.connect(stream, subprotocols=[protocol], max_size=2**26)
    session = Session(connection)
    await session.run()
    return session


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(
    script: Path, env: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> Iterator[tuple[str, int, float]]:
    """Serve `script` with `streamlit run` (and `options`); yield URL, pid, seconds to healthy."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *options,
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, time.monotonic() + 60)
        yield url, process.pid, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_healthy(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not become healthy")


def metrics(url: str) -> dict[str, float]:
    """Return the server's `/_stcore/metrics` as {series: value}, e.g. "active_sessions": 3."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=5) as reply:  # noqa: S310
        text = reply.read().decode()
    return parse_metrics(text)


def parse_metrics(text: str) -> dict[str, float]:
    """Parse OpenMetrics text: each `name{labels} value` line, comments and EOF skipped."""
    series: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            series[name] = float(value)
    return series


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process `pid` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def machine_busy_seconds() -> float:
    """Return the CPU seconds all cores of the machine have been busy (Linux /proc/stat)."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


def rss_mib(pid: int) -> float:
    """Return the resident memory of process `pid` in MiB (Linux /proc)."""
    return _status(pid, "VmRSS") / 1024


def peak_rss_mib(pid: int) -> float:
    """Return the most resident memory process `pid` has had, in MiB (VmHWM)."""
    return _status(pid, "VmHWM") / 1024
