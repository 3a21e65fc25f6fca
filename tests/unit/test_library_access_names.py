"""The Access tab turns what the owner types into a user id, and a grantee into what it shows."""

from __future__ import annotations

import pytest

from ui.library_access import shown_name, user_id_for


@pytest.mark.parametrize(
    ("typed", "user_id"),
    [
        ("grace@example.com", "oidc:grace@example.com"),  # the provider's id or e-mail
        ("  grace  ", "oidc:grace"),  # spaces around are not part of the id
        ("oidc:grace", "oidc:grace"),  # already a user id: not prefixed twice
        ("*", "*"),  # the workspace
        ("   ", ""),  # nothing typed stays nothing (the page asks for a name)
    ],
)
def test_a_typed_name_becomes_the_user_id_sign_in_gives(typed: str, user_id: str) -> None:
    assert user_id_for(typed) == user_id


def test_grantees_are_shown_without_the_prefix_and_the_workspace_by_name() -> None:
    assert shown_name("oidc:grace@example.com") == "grace@example.com"
    assert shown_name("*") == "Everyone in the workspace"
