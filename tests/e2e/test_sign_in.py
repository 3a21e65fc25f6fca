"""Sign-in for teams against a real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1.

With `[auth]` in the secrets the app shows nothing but a sign-in screen until the provider says
who the user is; a share link still opens without an account.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db import create_share_link, make_engine, save_design, upgrade
from playbook import Design
from tests.e2e.conftest import served_app
from tests.postgres import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """Run an OpenID Connect provider on a free port; yield its base URL."""
    port = free_port()
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


def _sign_in(page: Page, app: str, subject: str) -> None:
    page.goto(app)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject, timeout=20_000)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**")


def test_nothing_shows_before_sign_in_and_the_user_is_named_after(
    page: Page, team_app: str, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(team_app)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.screenshot(path=artifacts / "e2e-sign-in.png")

    _sign_in(page, team_app, "ada@example.com")

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("ada@example.com")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    page.screenshot(path=artifacts / "e2e-signed-in.png")
    sidebar.get_by_role("button", name="Sign out").click()
    # Signing out ends the provider's session too (OpenID Connect RP-initiated logout).
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=20_000)


def test_a_share_link_opens_without_an_account(
    page: Page, team_app: str, team_database: str
) -> None:
    engine = make_engine(team_database)
    saved = save_design(engine, Design(title="Shared with a client"))
    token = create_share_link(engine, saved.id).token

    page.goto(f"{team_app}/?share={token}")

    heading = page.get_by_role("heading", name="Shared with a client", level=1)
    expect(heading).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
