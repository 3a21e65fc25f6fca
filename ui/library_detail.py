"""One saved design's details in the library: revision history, share links, access, comments,
and copy, export and delete.

What is drawn follows the user's role on the design (`DesignSummary.role`): the owner gets every
tab; someone it is shared with sees their role, the history, the comments and copy/export, but no
share, access or delete controls. `db` checks every action again whatever is drawn.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import (
    DesignSummary,
    ShareLinkSummary,
    comment_page,
    create_share_link,
    delete_design,
    duplicate_design,
    export_design,
    list_revisions,
    list_share_links,
    load_design,
    revoke_share_link,
)
from playbook import DesignError
from playbook.labels import escape_markdown, slugify
from ui import comments, identity, library, library_access, resources, state

LIBRARY_URL_PATH: Final = "library"  # st.Page's url path for pages/library.py


def panel(item: DesignSummary) -> None:
    """Draw the tabs of one saved design: history, share, comments, and copy/export/delete."""
    engine, user = resources.engine(), identity.user_id()
    owner = item.role == "owner"
    # the counts, without reading the thread
    thread = comment_page(engine, item.id, limit=1, user=user)
    counts = f"{thread.open} open comment(s), {thread.total - thread.open} resolved"
    if not owner:
        st.caption(f"{library_access.ROLE_NOTES[item.role]} · {counts}")
    else:
        st.caption(counts)
    # Fixed labels and a key: the open tab stays open when a button in it reruns the page.
    labels = (
        ["History", "Share", "Access", "Comments", "Copy, export, delete"]
        if owner
        else ["History", "Comments", "Copy, export"]
    )
    tabs = dict(zip(labels, st.tabs(labels, key=f"library.tabs.{item.id}"), strict=True))
    with tabs["History"]:
        _history(item)
    if owner:
        with tabs["Share"]:
            _share(item)
        with tabs["Access"]:
            library_access.section(item)
    with tabs["Comments"]:
        try:
            design = load_design(engine, item.id, user=user)
        except DesignError as exc:
            st.error(
                f"This design cannot be read, so it cannot be reviewed: {escape_markdown(str(exc))}"
            )
        else:
            comments.section(
                item.id, design, prefix=f"library.{item.id}", revision=item.revision,
                is_owner=owner,
            )  # fmt: skip
    with tabs[labels[-1]]:
        _manage(item)


def _history(item: DesignSummary) -> None:
    revisions = sorted(
        list_revisions(resources.engine(), item.id, user=identity.user_id()),
        key=lambda r: r.number,
        reverse=True,
    )
    st.dataframe(
        [
            {
                "Revision": r.number,
                "Saved (UTC)": f"{r.created_at:%Y-%m-%d %H:%M}",
                "By": r.author,
                "Title": r.title,
            }
            for r in revisions
        ],
        hide_index=True,
        width="stretch",
    )
    numbers = [r.number for r in revisions]
    pick, open_button, compare_button = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(
        "Revision", options=numbers, key=f"library.revision.{item.id}",
        format_func=lambda n: f"Revision {n}" + (" (newest)" if n == numbers[0] else ""),
    )  # fmt: skip
    open_button.button(
        "Load this revision", key=f"library.load_revision.{item.id}",
        on_click=library.open_design, args=(item.id, chosen), disabled=item.deleted,
    )  # fmt: skip
    if compare_button.button("Compare with newest", key=f"library.compare.{item.id}"):
        # The newest against itself says nothing: then compare it with the one before.
        left = numbers[1] if chosen == numbers[0] and len(numbers) > 1 else chosen
        library.preset_compare(item.id, left=left, right=numbers[0])
        st.switch_page(library.COMPARE_PAGE)


def _create_link(design_id: int) -> None:
    days = int(st.session_state.get(f"library.share_days.{design_id}", 0) or 0)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    talk = bool(st.session_state.get(f"library.share_comments.{design_id}", False))
    try:
        link = create_share_link(
            resources.engine(), design_id, expires_at=expires, allow_comments=talk,
            user=identity.user_id(),
        )  # fmt: skip
    except (LookupError, ValueError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"No link created: {escape_markdown(str(exc))}")
        return
    url = library.share_url(link.token, page_url_path=LIBRARY_URL_PATH)
    st.session_state[state.LIBRARY_NEW_LINK] = (design_id, url)


def _revoke(link_id: int) -> None:
    try:
        revoke_share_link(resources.engine(), link_id, user=identity.user_id())
    except (LookupError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Link not revoked: {exc}")
        return
    state.flash("Link revoked: it no longer opens the design.")


def _share(item: DesignSummary) -> None:
    new = st.session_state.pop(state.LIBRARY_NEW_LINK, None)
    if new and new[0] == item.id:
        st.success(
            "Share link created. Copy it now (hover it for the copy button): it is shown only "
            "this once, and only a hash of it is kept.",
            icon=":material/link:",
        )
        st.code(new[1], language=None)
    days, talk, create = st.columns([2, 2, 1], vertical_alignment="bottom")
    days.number_input(
        "Expires after (days; 0 = never)", min_value=0, max_value=3_650, value=0, step=1,
        key=f"library.share_days.{item.id}",
    )  # fmt: skip
    talk.checkbox(
        "Allow comments", value=False, key=f"library.share_comments.{item.id}",
        help="Off: visitors only read. On: they may also add comments (and delete their own).",
    )  # fmt: skip
    create.button(
        "Create share link", key=f"library.share.{item.id}", on_click=_create_link,
        args=(item.id,), icon=":material/add_link:", disabled=item.deleted,
    )  # fmt: skip
    for link in list_share_links(resources.engine(), item.id, user=identity.user_id()):
        _link_row(link)


def _link_row(link: ShareLinkSummary) -> None:
    now = datetime.now(UTC)
    if link.revoked:
        status = "revoked"
    elif link.expires_at and link.expires_at <= now:
        status = f"expired {link.expires_at:%Y-%m-%d %H:%M} UTC"
    elif link.expires_at:
        status = f"active until {link.expires_at:%Y-%m-%d %H:%M} UTC"
    else:
        status = "active, never expires"
    text, action = st.columns([4, 1], vertical_alignment="center")
    access = "comments allowed" if link.allow_comments else "read-only"
    created = f"created {link.created_at:%Y-%m-%d %H:%M} UTC"
    text.markdown(f"Link #{link.id} · {created} · {access} · {status}")
    if status.startswith("active"):
        action.button(
            "Revoke", key=f"library.revoke.{link.id}", on_click=_revoke, args=(link.id,),
            icon=":material/link_off:",
        )  # fmt: skip


def _duplicate(design_id: int) -> None:
    title = str(st.session_state.get(f"library.copy_title.{design_id}", "")).strip()
    if not title:
        library.problem("Give the copy a title.")
        return
    try:
        copy = duplicate_design(
            resources.engine(), design_id, title=title, author=state.design().author,
            user=identity.user_id(),
        )  # fmt: skip
    except (LookupError, ValueError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Not duplicated: {exc}")
        return
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(f"Duplicated as “{escape_markdown(copy.title)}” (#{copy.id}).")


def _delete(design_id: int) -> None:
    try:
        delete_design(resources.engine(), design_id, user=identity.user_id())
    except (LookupError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Not deleted: {exc}")
        return
    st.session_state[state.LIBRARY_SELECTED] = None
    state.flash(f"Deleted design #{design_id}. Turn on “Show deleted” to restore it.")


def _manage(item: DesignSummary) -> None:
    st.download_button(
        "Export JSON", data=export_design(resources.engine(), item.id, user=identity.user_id()),
        file_name=f"{slugify(item.title)}.json", mime="application/json",
        key=f"library.export.{item.id}", on_click="ignore", icon=":material/download:",
    )  # fmt: skip
    copy_key = f"library.copy_title.{item.id}"
    if copy_key not in st.session_state:
        st.session_state[copy_key] = f"Copy of {item.title}"[:200]
    title, button = st.columns([3, 1], vertical_alignment="bottom")
    title.text_input("Title of the copy", key=copy_key, max_chars=200)
    button.button(
        "Duplicate", key=f"library.duplicate.{item.id}", on_click=_duplicate, args=(item.id,),
        icon=":material/content_copy:",
    )  # fmt: skip
    if not item.deleted and item.role == "owner":
        st.button(
            "Delete (can be restored)", key=f"library.delete.{item.id}", on_click=_delete,
            args=(item.id,), icon=":material/delete:",
        )  # fmt: skip
