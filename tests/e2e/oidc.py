"""Signing in through the OpenID Connect provider that tests/e2e/conftest.py starts
(oidc-provider-mock on 127.0.0.1; its fixtures: `provider`, `team_database`, `team_app`)."""

from __future__ import annotations

from playwright.sync_api import Page


def sign_in(page: Page, app: str, subject: str) -> None:
    """Sign `subject` in through the provider's form (the provider takes any subject)."""
    page.goto(app)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject, timeout=20_000)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**")
