"""Who is using the app, for what is counted per user (the LLM budget): one id, the owners' id.

It is `ui.auth`'s: with an `[auth]` section in `.streamlit/secrets.toml` and someone signed in
through `st.login`, the provider's stable subject (`oidc:<sub>`), the same id that owns designs;
otherwise "local", the one user of the single-user app. Guarded: when auth is not configured,
or `st.user` cannot be read (no script run, an older Streamlit), the user is "local".
"""

from __future__ import annotations

from typing import Final

from ui import auth

LOCAL: Final = auth.LOCAL_USER


def user_id() -> str:
    """Return the signed-in user's stable id when someone is signed in, else "local"."""
    try:
        return auth.user_id()
    except Exception:  # st.user or st.secrets unreadable here: nobody is signed in
        return LOCAL
