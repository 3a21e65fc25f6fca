"""Review comments on a saved design, a page of the thread at a time: for the owner (library)
with resolve and delete on every comment and the findings-to-comments button; for a share-link
visitor with the form only when the link allows comments, and delete on their own comments.

The visitor's thread goes through `db`'s token-checked functions, so what the buttons offer is
also all the database allows. Every widget key starts with the caller's `prefix`, so two places
can draw the section for two designs without their widgets colliding.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import (
    Comment,
    CommentPage,
    DesignNotFoundError,
    SharedDesign,
    add_comment,
    add_shared_comment,
    comment_page,
    delete_comment,
    delete_shared_comment,
    list_comments,
    resolve_comment,
    shared_comment_page,
)
from playbook import Design
from playbook.design import PHASES, Phase
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from playbook.rubric import Finding
from ui import cached, identity, readonly, resources, state

RUBRIC_AUTHOR: Final = "Rubric"
PAGE_SIZE: Final = 20
AUTHOR_KEY: Final = "share.author"  # session key: the secret behind this session's own deletes
_LAST: Final = 10**9  # an offset past any thread: the database answers with the last page
_SEVERITY_NAMES: Final = {"block": "Blocking", "warn": "Warning", "info": "Note"}
_FAILURES = (LookupError, ValueError, PermissionError, SQLAlchemyError)


class Thread(Protocol):
    """What one viewer may do with one design's comments."""

    @property
    def can_add(self) -> bool: ...
    @property
    def can_resolve(self) -> bool: ...

    def page(self, offset: int) -> CommentPage: ...
    def add(self, **fields: Any) -> None: ...
    def delete(self, comment_id: int) -> None: ...
    def can_delete(self, comment: Comment) -> bool: ...


@dataclass(frozen=True)
class OwnerThread:
    """The view of a signed-in user (or the local one) the design belongs to or is shared with:
    the owner may delete every comment, others only their own (`db` checks it again)."""

    design_id: int
    revision: int | None
    can_add: bool = True
    can_resolve: bool = True
    user: str = identity.LOCAL
    is_owner: bool = True

    def page(self, offset: int) -> CommentPage:
        return comment_page(
            resources.engine(), self.design_id, offset=offset, limit=PAGE_SIZE, user=self.user
        )

    def add(self, **fields: Any) -> None:
        add_comment(
            resources.engine(), self.design_id, revision=self.revision, user=self.user, **fields
        )

    def delete(self, comment_id: int) -> None:
        delete_comment(resources.engine(), comment_id, user=self.user)

    def can_delete(self, comment: Comment) -> bool:
        return self.is_owner or comment.mine


@dataclass(frozen=True)
class VisitorThread:
    """A share-link visitor's view: comment if the link allows, delete only what they wrote.

    `first` is the page already read with the design (`open_shared_view`), used when the same
    offset is asked for: the run then checks the token and reads the database once.
    """

    token: str
    author_token: str
    can_add: bool
    can_resolve: bool = False
    first: CommentPage | None = None

    def page(self, offset: int) -> CommentPage:
        if self.first is not None and self.first.offset == offset:
            return self.first
        return shared_comment_page(
            resources.engine(), self.token, offset=offset, limit=PAGE_SIZE,
            author_token=self.author_token, now=_now(),
        )  # fmt: skip

    def add(self, **fields: Any) -> None:
        add_shared_comment(
            resources.engine(), self.token, author_token=self.author_token, now=_now(), **fields
        )

    def delete(self, comment_id: int) -> None:
        delete_shared_comment(
            resources.engine(), self.token, comment_id, author_token=self.author_token, now=_now()
        )

    def can_delete(self, comment: Comment) -> bool:
        return comment.mine


def finding_body(finding: Finding) -> str:
    """Return the comment text for a rubric finding: severity, rule, message and fix."""
    severity = _SEVERITY_NAMES[finding.severity]
    return f"{severity} ({finding.rule_id}): {finding.message}. Fix: {finding.fix}"


def author_token() -> str:
    """Return this browser session's author token, made on first use (256 random bits)."""
    if AUTHOR_KEY not in st.session_state:
        st.session_state[AUTHOR_KEY] = secrets.token_urlsafe(32)
    return str(st.session_state[AUTHOR_KEY])


def _now() -> datetime:
    return datetime.fromtimestamp(state.now(), UTC)  # the app's clock: tests move it


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.comments.{name}"


def _message(prefix: str, text: str, *, ok: bool) -> None:
    st.session_state[_key(prefix, "message")] = (ok, text)


def _add(prefix: str, thread: Thread) -> None:
    author = str(st.session_state.get(_key(prefix, "author"), "")).strip()
    body = str(st.session_state.get(_key(prefix, "body"), "")).strip()
    if not author or not body:
        _message(prefix, "Give your name and the comment before adding it.", ok=False)
        return
    component = st.session_state.get(_key(prefix, "component")) or None
    try:
        thread.add(
            author=author, body=body, phase=st.session_state[_key(prefix, "phase")],
            component=component,
        )  # fmt: skip
    except _FAILURES as exc:
        _message(prefix, f"Comment not added: {escape_markdown(str(exc))}", ok=False)
        return
    st.session_state[_key(prefix, "body")] = ""  # the name stays for the next comment
    st.session_state[_key(prefix, "offset")] = _LAST  # the new comment is on the last page
    _message(prefix, "Comment added.", ok=True)


def _resolve(prefix: str, comment_id: int) -> None:
    try:
        resolve_comment(resources.engine(), comment_id, user=identity.user_id())
    except _FAILURES as exc:
        _message(prefix, f"Not resolved: {escape_markdown(str(exc))}", ok=False)


def _delete(prefix: str, thread: Thread, comment_id: int) -> None:
    try:
        thread.delete(comment_id)
    except _FAILURES as exc:
        _message(prefix, f"Not deleted: {escape_markdown(str(exc))}", ok=False)
        return
    _message(prefix, "Comment deleted.", ok=True)


def _turn_page(prefix: str, offset: int) -> None:
    st.session_state[_key(prefix, "offset")] = max(0, offset)


def _from_findings(prefix: str, design_id: int, design: Design, revision: int | None) -> None:
    engine = resources.engine()
    try:
        have = {
            (c.phase, c.component, c.body)
            for c in list_comments(engine, design_id, user=identity.user_id())
            if c.source == "rubric"
        }
        added = 0
        for finding in readonly.critique_of(design).findings:
            body = finding_body(finding)
            if (finding.phase, finding.component, body) in have:
                continue
            add_comment(
                engine, design_id, author=RUBRIC_AUTHOR, body=body, phase=finding.phase,
                component=finding.component, revision=revision, source="rubric",
                user=identity.user_id(),
            )  # fmt: skip
            have.add((finding.phase, finding.component, body))
            added += 1
    except (ValueError, DesignNotFoundError, PermissionError, SQLAlchemyError) as exc:
        _message(prefix, f"Findings not added: {escape_markdown(str(exc))}", ok=False)
        return
    done = (
        f"{added} finding(s) added as comments." if added else "Every finding is already a comment."
    )
    _message(prefix, done, ok=True)


def _show(comment: Comment, *, prefix: str, thread: Thread, names: dict[str, str]) -> None:
    with st.container(border=True):
        where = PHASE_NAMES[comment.phase]
        if comment.component:
            where += f" · {names.get(comment.component, comment.component)}"
        head, action = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f"**{escape_markdown(comment.author)}** on {escape_markdown(where)}")
        revision = f" · revision {comment.revision}" if comment.revision else ""
        head.caption(f"{comment.created_at:%Y-%m-%d %H:%M} UTC{revision}")
        st.markdown(escape_markdown(comment.body))
        if comment.resolved:
            action.caption("Resolved")
        elif thread.can_resolve:
            action.button(
                "Resolve", key=_key(prefix, f"resolve.{comment.id}"), on_click=_resolve,
                args=(prefix, comment.id), icon=":material/check:",
            )  # fmt: skip
        if thread.can_delete(comment):
            action.button(
                "Delete", key=_key(prefix, f"delete.{comment.id}"), on_click=_delete,
                args=(prefix, thread, comment.id), icon=":material/delete:",
            )  # fmt: skip


def section(
    design_id: int,
    design: Design,
    *,
    prefix: str,
    revision: int | None = None,
    is_owner: bool = True,
) -> None:
    """Draw a saved design's comments for its owner, the form to add one, and the
    findings-to-comments button."""
    thread = OwnerThread(design_id, revision, user=identity.user_id(), is_owner=is_owner)
    _thread_view(thread, design, prefix=prefix)
    st.button(
        "Turn the critique's findings into comments", key=_key(prefix, "from_findings"),
        on_click=_from_findings, args=(prefix, design_id, design, revision),
        icon=":material/rule:",
    )  # fmt: skip


def visitor_offset(prefix: str) -> int:
    """Return the comment page offset a share-link visitor's thread is on."""
    return int(st.session_state.get(_key(prefix, "offset"), 0))


def shared_section(
    shared: SharedDesign, token: str, *, prefix: str, first: CommentPage | None = None
) -> None:
    """Draw the comments a share-link visitor sees, and the form only if the link allows it."""
    thread = VisitorThread(token, author_token(), can_add=shared.allow_comments, first=first)
    _thread_view(thread, shared.design, prefix=prefix)
    if not shared.allow_comments:
        st.caption("The owner shared this design read-only: comments cannot be added.")


def _thread_view(thread: Thread, design: Design, *, prefix: str) -> None:
    if found := st.session_state.pop(_key(prefix, "message"), None):
        ok, text = found
        (st.success if ok else st.error)(text)
    page = thread.page(visitor_offset(prefix))
    st.session_state[_key(prefix, "offset")] = page.offset  # clamped: stays on the last page
    names = dict(cached.link_targets(design))  # built once per design
    st.caption(f"{page.open:,} open, {page.total - page.open:,} resolved")
    for comment in page.items:
        _show(comment, prefix=prefix, thread=thread, names=names)
    if page.total > PAGE_SIZE:
        _pager(prefix, page)
    if thread.can_add:
        _form(prefix, thread, names)


def _pager(prefix: str, page: CommentPage) -> None:
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        "Previous", key=_key(prefix, "previous"), on_click=_turn_page,
        args=(prefix, page.offset - PAGE_SIZE), disabled=page.offset == 0,
        icon=":material/chevron_left:",
    )  # fmt: skip
    last = page.offset + len(page.items)
    where.caption(f"Comments {page.offset + 1:,} to {last:,} of {page.total:,}")
    forward.button(
        "Next", key=_key(prefix, "next"), on_click=_turn_page,
        args=(prefix, page.offset + PAGE_SIZE), disabled=last >= page.total,
        icon=":material/chevron_right:",
    )  # fmt: skip


def _form(prefix: str, thread: Thread, names: dict[str, str]) -> None:
    # Plain widgets, not st.form: a callback can empty the comment box after a save, and a
    # refused comment keeps its text.
    with st.container(border=True):
        st.markdown("**Add a comment**")
        name, phase, component = st.columns(3)
        name.text_input("Your name", key=_key(prefix, "author"), max_chars=200)
        phase.selectbox(
            "Phase", options=list(PHASES), format_func=_phase_name, key=_key(prefix, "phase")
        )
        component.selectbox(
            "Component (optional)", options=["", *names], key=_key(prefix, "component"),
            format_func=lambda node: names.get(node, "The whole phase"),
        )  # fmt: skip
        st.text_area("Comment", key=_key(prefix, "body"), max_chars=5_000)
        st.button(
            "Add comment", key=_key(prefix, "add"), on_click=_add, args=(prefix, thread),
            icon=":material/add_comment:",
        )  # fmt: skip


def _phase_name(phase: Phase) -> str:
    return PHASE_NAMES[phase]
