"""The library's Access tab (the owner's only): share a design with the workspace or with named
people, as reviewer or editor; see what was granted, and remove it.

People are named by the id their sign-in provider gives them (the `sub` claim, or the e-mail
address when the provider uses that); the app's user ids are that id with "oidc:" in front,
which may also be typed. `db.access` checks that the one acting owns the design.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import WORKSPACE, DesignSummary, grant_access, list_access, revoke_access
from playbook.labels import escape_markdown
from ui import auth, identity, library, resources, state

OIDC_PREFIX: Final = "oidc:"
ROLES: Final = ("reviewer", "editor")
ROLE_HELP: Final = (
    "Reviewer: reads the design and comments on it. Editor: also saves new revisions. "
    "Only you delete it, share it by link or change who has access."
)
# What a user the design is shared with is told about their role.
ROLE_NOTES: Final = {
    "reviewer": "Shared with you as reviewer: you can read it and comment",
    "editor": "Shared with you as editor: you can read it, comment and save new revisions",
}
WORKSPACE_LABEL: Final = "Everyone in the workspace"


def user_id_for(name: str) -> str:
    """Return the user id for a name typed in the Access tab: "oidc:" + the provider's id,
    unless it already has the prefix (or is the workspace, "*")."""
    name = name.strip()
    if not name or name == WORKSPACE or name.startswith(OIDC_PREFIX):
        return name
    return OIDC_PREFIX + name


def shown_name(grantee: str) -> str:
    """Return how a grantee is shown: the workspace by name, a person by the provider's id."""
    return WORKSPACE_LABEL if grantee == WORKSPACE else grantee.removeprefix(OIDC_PREFIX)


def _grant(design_id: int, *, workspace: bool) -> None:
    prefix = f"library.access.{design_id}"
    if workspace:
        grantee, role = WORKSPACE, str(st.session_state.get(f"{prefix}.workspace_role", ROLES[0]))
    else:
        grantee = user_id_for(str(st.session_state.get(f"{prefix}.person", "")))
        role = str(st.session_state.get(f"{prefix}.person_role", ROLES[0]))
        if not grantee:
            library.problem("Person's sign-in id or e-mail: type who to share with first.")
            return
    try:
        grant_access(
            resources.engine(), design_id, grantee=grantee, role=role, user=identity.user_id()
        )
    except ValueError as exc:
        library.problem(f"Not shared: Person's sign-in id or e-mail: {escape_markdown(str(exc))}")
        return
    except (LookupError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Not shared: {escape_markdown(str(exc))}")
        return
    if not workspace:
        st.session_state[f"{prefix}.person"] = ""
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(f"Shared with {escape_markdown(shown_name(grantee))} as {role}.")


def _remove(design_id: int, grantee: str) -> None:
    try:
        revoke_access(resources.engine(), design_id, grantee=grantee, user=identity.user_id())
    except (LookupError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Access not removed: {escape_markdown(str(exc))}")
        return
    state.flash(f"{escape_markdown(shown_name(grantee))} no longer has access.")


def section(item: DesignSummary) -> None:
    """Draw the Access tab of `item` (the caller shows it to the owner only)."""
    prefix = f"library.access.{item.id}"
    if not auth.enabled():
        st.caption(
            "Single-user mode: nobody else signs in, so there is nobody to share with here. "
            "Share links (the Share tab) still let people read the design."
        )
    st.caption(ROLE_HELP)
    with st.container(border=True):
        role, button = st.columns([3, 1], vertical_alignment="bottom")
        role.selectbox("Workspace role", ROLES, key=f"{prefix}.workspace_role")
        button.button(
            "Share with the workspace", key=f"{prefix}.workspace", on_click=_grant,
            args=(item.id,), kwargs={"workspace": True}, icon=":material/groups:",
        )  # fmt: skip
    with st.container(border=True):
        person, role, button = st.columns([3, 2, 1], vertical_alignment="bottom")
        person.text_input(
            "Person's sign-in id or e-mail", key=f"{prefix}.person", max_chars=200,
            help="The id their sign-in provider gives them (as shown under “Signed in as” for "
            "them), or their e-mail address when the provider uses that.",
        )  # fmt: skip
        role.selectbox("Their role", ROLES, key=f"{prefix}.person_role")
        button.button(
            "Share", key=f"{prefix}.share_person", on_click=_grant, args=(item.id,),
            kwargs={"workspace": False}, icon=":material/person_add:",
        )  # fmt: skip
    grants = list_access(resources.engine(), item.id, user=identity.user_id())
    if not grants:
        st.caption("Private: only you can see this design.")
        return
    st.markdown("**Has access**")
    for grant in grants:
        text, action = st.columns([4, 1], vertical_alignment="center")
        text.markdown(f"{escape_markdown(shown_name(grant.grantee))} · {grant.role}")
        action.button(
            "Remove", key=f"{prefix}.remove.{grant.grantee}", on_click=_remove,
            args=(item.id, grant.grantee), icon=":material/person_remove:",
        )  # fmt: skip
