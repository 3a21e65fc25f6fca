"""End-to-end fixtures: the app served by `streamlit run` on a free port, and Debian's Chromium."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from db import make_engine, upgrade
from tests.conftest import need

# Playwright's 5 s default for `expect` is a race on a busy two-core machine (a rerun of a heavy
# page can take longer while Chromium and the server share the cores): wait for what is asserted.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health in {seconds} s")


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], pytestconfig: pytest.Config
) -> dict[str, Any]:
    executable = _chromium()
    if executable is None:
        need(pytestconfig, "browser", "install Chromium (Debian: apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of the served app's own SQLite file, for arranging data through `db`."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'designs.db'}"


@contextmanager
def served_app(env: Mapping[str, str], *options: str) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port with `env` and more `--options`; yield its URL."""
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false", *options,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, seconds=60)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def app_url(app_database_url: str) -> Iterator[str]:
    """Serve the app with its own SQLite file; yield its base URL; stop it afterwards."""
    with served_app({**os.environ, "DATABASE_URL": app_database_url}) as url:
        yield url


@pytest.fixture
def artifacts() -> Path:
    """Return the folder screenshots go to (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Sign-in for teams: a real OpenID Connect provider and the app pointed at it (module-scoped:
# each test module gets its own provider and database). The sign-in steps: tests/e2e/oidc.py.
@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """Run an OpenID Connect provider on a free port; yield its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the OpenID Connect provider did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def team_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return a migrated SQLite URL for the team app."""
    url = f"sqlite:///{tmp_path_factory.mktemp('team') / 'team.db'}"
    upgrade(make_engine(url))
    return url


@pytest.fixture(scope="module")
def team_app(
    provider: str, team_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Serve the app with an `[auth]` section pointing at the provider; yield its URL."""
    folder: Path = tmp_path_factory.mktemp("secrets")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "whiteboard"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {**os.environ, "DATABASE_URL": team_database}
    with served_app(env, "--secrets.files", str(secrets_file)) as url:
        yield url
