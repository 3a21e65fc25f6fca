"""Whose budget it is: the signed-in user's stable id (the owners' id), else the local user."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit

from ui import auth, identity


class _User:
    """A stand-in for `st.user` with the claims an identity token gives."""

    def __init__(self, **claims: Any) -> None:
        self.claims = claims
        self.is_logged_in = claims.pop("is_logged_in", False)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.claims)


class _Broken:
    """An `st.user` that cannot be read at all."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("no script run context")


@pytest.mark.parametrize(
    ("auth_on", "user", "expected"),
    [
        (False, _User(), "local"),  # no [auth]: the single-user app
        (False, _User(is_logged_in=True, sub="u-42"), "local"),  # claims without [auth]: ignored
        (True, _User(), "local"),  # [auth], nobody signed in yet
        (True, _User(is_logged_in=True, sub="u-42", email="a@x.io"), "oidc:u-42"),
        (True, _User(is_logged_in=True, email="a@x.io"), "oidc:a@x.io"),
        (True, _Broken(), "local"),
    ],
    ids=["no-auth", "no-auth-claims", "signed-out", "subject", "email", "unreadable"],
)
def test_the_user_id_is_the_signed_in_owner_or_local(
    monkeypatch: pytest.MonkeyPatch, auth_on: bool, user: Any, expected: str
) -> None:
    monkeypatch.setattr(auth, "enabled", lambda: auth_on)
    monkeypatch.setattr(streamlit, "user", user)

    assert identity.user_id() == expected


def test_the_budget_counts_the_same_user_that_owns_designs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth, "enabled", lambda: True)
    monkeypatch.setattr(streamlit, "user", _User(is_logged_in=True, sub="u-7"))

    assert identity.user_id() == auth.user_id()


def test_outside_a_streamlit_run_the_user_is_local() -> None:
    assert identity.user_id() == "local"
