"""Two app replicas on one PostgreSQL behind Debian's nginx with the shipped proxy configuration.

The topology of `compose.yaml` without containers: a design saved and shared through the proxy
is still listed and still opens after the replica that served the browser is stopped, and the
proxy sends the security headers and keeps `/_stcore/metrics` private.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import make_engine, upgrade
from tests.conftest import need
from tests.e2e.conftest import ROOT, served_app
from tests.postgres import INSTALL_HINT, free_port, throwaway_server

pytestmark = pytest.mark.browser

PROXY_CONF = ROOT / "deploy" / "nginx" / "whiteboard.conf"


@dataclass
class Topology:
    """The proxy's URL, the replicas by their address, and a way to stop one of them."""

    url: str
    access_log: Path
    replicas: dict[str, ExitStack]

    def serving_replica(self) -> str:
        """Return the address (host:port) of the replica that answered the browser last.

        A WebSocket is logged only when it closes, so the page's other requests tell: with
        `ip_hash` they all go to the replica that holds the session."""
        served = re.findall(r"upstream=(127\.0\.0\.1:\d+) ", self.access_log.read_text())
        assert served, "no request went through the proxy"
        return served[-1]

    def stop(self, address: str) -> None:
        """Stop one replica's process."""
        self.replicas.pop(address).close()


@pytest.fixture(scope="module")
def postgres_database(pytestconfig: pytest.Config) -> Iterator[str]:
    """Yield the URL of a migrated database on a throwaway PostgreSQL cluster."""
    with throwaway_server(lambda: need(pytestconfig, "postgres", INSTALL_HINT)) as url:
        # Migrations run once, before any replica starts (the compose `migrate` job).
        upgrade(make_engine(url))
        yield url


def _nginx_conf(folder: Path, listen: int, upstreams: list[str]) -> Path:
    shared = PROXY_CONF.read_text().replace("${WHITEBOARD_LISTEN}", f"127.0.0.1:{listen}")
    servers = "\n".join(
        f"        server {address} max_fails=1 fail_timeout=30s;" for address in upstreams
    )
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request upstream=$upstream_addr status=$status';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream whiteboard {{
        ip_hash;
{servers}
    }}
{shared}
}}
"""
    )
    return conf


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def topology(
    postgres_database: str, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Topology]:
    """Start two replicas on the same database and nginx in front of them; stop all after."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        need(pytestconfig, "nginx", "install nginx (Debian: apt-get install nginx)")
    assert nginx is not None
    folder = tmp_path_factory.mktemp("nginx")
    env = {**os.environ, "DATABASE_URL": postgres_database}
    replicas: dict[str, ExitStack] = {}
    with ExitStack() as everything:
        for _ in range(2):
            stack = ExitStack()
            url = stack.enter_context(served_app(env))
            replicas[url.removeprefix("http://")] = stack
            everything.callback(stack.close)
        port = free_port()
        conf = _nginx_conf(folder, port, list(replicas))
        process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder)])
        everything.callback(process.wait, timeout=10)
        everything.callback(process.terminate)
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/_stcore/health", seconds=20)
        yield Topology(url=url, access_log=folder / "access.log", replicas=replicas)


def _wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def test_the_proxy_sends_the_security_headers_and_hides_the_metrics(topology: Topology) -> None:
    with urllib.request.urlopen(f"{topology.url}/", timeout=5) as answer:  # noqa: S310
        headers = answer.headers

    with pytest.raises(urllib.error.HTTPError) as metrics:
        urllib.request.urlopen(f"{topology.url}/_stcore/metrics", timeout=5)  # noqa: S310

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert metrics.value.code == 404


def test_a_design_saved_and_shared_on_one_replica_survives_its_stop(
    page: Page, topology: Topology, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(topology.url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Saved designs").click()
    page.get_by_label("Title to save under").fill("Replicated review")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Saved “Replicated review”")).to_be_visible()
    _wait_idle(page)
    row = page.get_by_test_id("stVerticalBlock").filter(has_text="Replicated review")
    row.get_by_role("button", name="Details").first.click()
    page.get_by_role("tab", name="Share").click()
    page.get_by_role("button", name="Create share link").click()
    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("?share=")
    share_url = code.inner_text().strip()
    first = topology.serving_replica()

    topology.stop(first)
    page.goto(topology.url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Saved designs").click()

    expect(page.get_by_text("Replicated review").first).to_be_visible(timeout=20_000)
    assert topology.serving_replica() != first
    page.goto(share_url.replace(share_url.split("/?")[0], topology.url))
    expect(page.get_by_role("heading", name="Replicated review", level=1)).to_be_visible()
    page.screenshot(path=artifacts / "e2e-replicas-share-after-stop.png")
