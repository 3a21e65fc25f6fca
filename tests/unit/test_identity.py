"""Who the budget counts: the signed-in user's issuer and subject, else the one local user."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit

from ui import identity


class _NoAuth:
    """An `st.user` whose attribute access fails, as without an [auth] section."""

    def __iter__(self) -> Any:
        raise AttributeError("st.user has no attribute is_logged_in")


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({}, "local"),  # auth not configured: st.user is empty
        ({"is_logged_in": False}, "local"),
        ({"is_logged_in": True, "iss": "https://id.example", "sub": "u-42", "email": "a@x.io"},
         "https://id.example|u-42"),
        ({"is_logged_in": True, "sub": "u-42"}, "u-42"),
        ({"is_logged_in": True, "email": "a@x.io"}, "email:a@x.io"),
        ({"is_logged_in": True}, "local"),
        ({"is_logged_in": "yes", "sub": "u-42"}, "local"),  # only a real True signs in
    ],
    ids=["no-auth", "signed-out", "issuer-and-subject", "subject", "email", "no-claims",
         "not-a-bool"],
)  # fmt: skip
def test_the_user_id_comes_from_the_identity_claims(
    monkeypatch: pytest.MonkeyPatch, claims: dict[str, Any], expected: str
) -> None:
    monkeypatch.setattr(streamlit, "user", claims)

    assert identity.user_id() == expected


def test_an_st_user_that_fails_means_the_local_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamlit, "user", _NoAuth())

    assert identity.user_id() == "local"


def test_outside_a_streamlit_run_the_user_is_local() -> None:
    assert identity.user_id() == "local"
