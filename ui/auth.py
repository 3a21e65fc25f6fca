"""Sign-in for teams: on with an `[auth]` section in secrets.toml, off (one local user) without.

Streamlit's `st.login` talks to any OpenID Connect provider; this module only decides whether
sign-in is on, who is signed in, and what the page shows before and after.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import streamlit as st

LOCAL_USER = "local"  # the one user of an app without sign-in


class SignedInUser(NamedTuple):
    """Who is using the app: a stable id (the provider's subject) and a name to show."""

    id: str
    name: str


def enabled() -> bool:
    """Return True when secrets.toml configures an OpenID Connect provider under `[auth]`."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all: sign-in is off
        return False


def current() -> SignedInUser | None:
    """Return the signed-in user, or None when nobody is signed in (or sign-in is off)."""
    if not enabled() or not _logged_in():
        return None
    claims = st.user.to_dict()
    subject = str(claims.get("sub") or claims.get("email") or "")
    name = str(claims.get("name") or claims.get("email") or subject)
    return SignedInUser(id=f"oidc:{subject}", name=name) if subject else None


def user_id() -> str:
    """Return the id that owns what this browser creates: the signed-in user, or the local one."""
    user = current()
    return user.id if user else LOCAL_USER


def _logged_in() -> bool:
    # st.user has no `is_logged_in` before a session has user info (e.g. under AppTest).
    return bool(getattr(st.user, "is_logged_in", False))


def needs_sign_in() -> bool:
    """Return True when sign-in is on and nobody is signed in."""
    return enabled() and not _logged_in()


def sign_in_router() -> Any:
    """Return a router whose only page is the sign-in screen, whatever the URL asked for.

    Routing (rather than drawing and stopping) matters: with no `st.navigation` call Streamlit
    would list and serve every file in `pages/` to a visitor who has not signed in.
    """
    screen = st.Page(_sign_in_screen, title="Sign in", icon=":material/login:", default=True)
    return st.navigation([screen], position="hidden")


def _sign_in_screen() -> None:
    st.title("GenAI Design Whiteboard")
    st.write("This whiteboard belongs to a team. Sign in to see and edit your designs.")
    st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")


def sidebar() -> None:
    """Say who is signed in (with a sign-out button), or that the app runs for one user."""
    with st.sidebar:
        user = current()
        if user is not None:
            st.caption("Signed in as")
            st.text(user.name)  # plain text: a provider's name claim is never read as Markdown
            st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        elif not enabled():
            st.caption(
                "Single-user mode: no sign-in is configured, so everything here is yours. "
                "Add an `[auth]` section to `.streamlit/secrets.toml` to sign in a team."
            )
