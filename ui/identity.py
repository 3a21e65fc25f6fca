"""Who is using the app: the signed-in user's stable id, or "local" in the single-user app.

With an `[auth]` section in `.streamlit/secrets.toml` people sign in with `st.login` (any
OpenID Connect provider) and `st.user` carries the identity token's claims. The stable id is
the issuer and subject together (`sub` is unique only per issuer; an e-mail address can change
owner). Without `[auth]`, or outside a Streamlit run, everyone is the one local user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import streamlit as st

LOCAL: Final = "local"


def user_id() -> str:
    """Return the signed-in user's stable id when someone is signed in, else "local"."""
    claims = _claims()
    if claims.get("is_logged_in") is not True:
        return LOCAL
    issuer, subject = claims.get("iss"), claims.get("sub")
    if isinstance(subject, str) and subject:
        return f"{issuer}|{subject}" if isinstance(issuer, str) and issuer else subject
    email = claims.get("email")
    return f"email:{email}" if isinstance(email, str) and email else LOCAL


def _claims() -> Mapping[str, Any]:
    """Return `st.user` as a mapping; empty when auth is not configured or there is no run."""
    try:
        user = st.user
        return {key: user[key] for key in user if key != "tokens"}
    except Exception:  # no auth section, no script run, or an older Streamlit: nobody signed in
        return {}
