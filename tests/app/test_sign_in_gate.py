"""Sign-in is off without an `[auth]` section (and the app says so), on with one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-of-thirty-two-chars",
    "client_id": "whiteboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_without_auth_the_app_says_it_is_single_user(app: AppTest) -> None:
    captions = " ".join(caption.value for caption in app.sidebar.caption)

    assert "Single-user mode" in captions
    assert not app.button or all(button.label != "Sign in" for button in app.button)


def test_with_auth_nobody_signed_in_sees_only_the_sign_in_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'designs.db'}")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = AUTH

    at.run()

    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    assert [title.value for title in at.title] == ["GenAI Design Whiteboard"]
    assert not at.slider  # no phase page was drawn
