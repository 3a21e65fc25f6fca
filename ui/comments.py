"""Review comments on a saved design: the list with resolve buttons, a form to add one, and a
button that turns the rubric's findings into comments. Shared by the library and the shared view.

Every widget key starts with the caller's `prefix`, so two places can draw the section for two
designs without their widgets colliding.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import Comment, DesignNotFoundError, add_comment, list_comments, resolve_comment
from diagrams.graph import link_targets
from playbook import Design
from playbook.design import PHASES, Phase
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from playbook.rubric import Finding
from ui import readonly, resources

RUBRIC_AUTHOR: Final = "Rubric"
_SEVERITY_NAMES: Final = {"block": "Blocking", "warn": "Warning", "info": "Note"}


def finding_body(finding: Finding) -> str:
    """Return the comment text for a rubric finding: severity, rule, message and fix."""
    severity = _SEVERITY_NAMES[finding.severity]
    return f"{severity} ({finding.rule_id}): {finding.message}. Fix: {finding.fix}"


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.comments.{name}"


def _message(prefix: str, text: str, *, ok: bool) -> None:
    st.session_state[_key(prefix, "message")] = (ok, text)


def _add(prefix: str, design_id: int, revision: int | None) -> None:
    author = str(st.session_state.get(_key(prefix, "author"), "")).strip()
    body = str(st.session_state.get(_key(prefix, "body"), "")).strip()
    if not author or not body:
        _message(prefix, "Give your name and the comment before adding it.", ok=False)
        return
    component = st.session_state.get(_key(prefix, "component")) or None
    try:
        add_comment(
            resources.engine(), design_id, author=author, body=body,
            phase=st.session_state[_key(prefix, "phase")], component=component, revision=revision,
        )  # fmt: skip
    except (ValueError, DesignNotFoundError, SQLAlchemyError) as exc:
        _message(prefix, f"Comment not added: {exc}", ok=False)
        return
    st.session_state[_key(prefix, "body")] = ""  # the name stays for the next comment
    _message(prefix, "Comment added.", ok=True)


def _resolve(prefix: str, comment_id: int) -> None:
    try:
        resolve_comment(resources.engine(), comment_id)
    except (LookupError, SQLAlchemyError) as exc:
        _message(prefix, f"Not resolved: {exc}", ok=False)


def _from_findings(prefix: str, design_id: int, design: Design, revision: int | None) -> None:
    engine = resources.engine()
    try:
        have = {
            (c.phase, c.component, c.body)
            for c in list_comments(engine, design_id)
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
            )  # fmt: skip
            have.add((finding.phase, finding.component, body))
            added += 1
    except (ValueError, DesignNotFoundError, SQLAlchemyError) as exc:
        _message(prefix, f"Findings not added: {exc}", ok=False)
        return
    done = (
        f"{added} finding(s) added as comments." if added else "Every finding is already a comment."
    )
    _message(prefix, done, ok=True)


def _show(comment: Comment, *, prefix: str, names: dict[str, str]) -> None:
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
        else:
            action.button(
                "Resolve", key=_key(prefix, f"resolve.{comment.id}"), on_click=_resolve,
                args=(prefix, comment.id), icon=":material/check:",
            )  # fmt: skip


def section(design_id: int, design: Design, *, prefix: str, revision: int | None = None) -> None:
    """Draw a saved design's comments, the form to add one, and the findings-to-comments button."""
    if found := st.session_state.pop(_key(prefix, "message"), None):
        ok, text = found
        (st.success if ok else st.error)(text)
    comments = list_comments(resources.engine(), design_id)
    names = dict(link_targets(design))
    open_count = sum(not c.resolved for c in comments)
    st.caption(f"{open_count} open, {len(comments) - open_count} resolved")
    for comment in comments:
        _show(comment, prefix=prefix, names=names)
    _form(prefix, design_id, revision, names)
    st.button(
        "Turn the critique's findings into comments", key=_key(prefix, "from_findings"),
        on_click=_from_findings, args=(prefix, design_id, design, revision),
        icon=":material/rule:",
    )  # fmt: skip


def _form(prefix: str, design_id: int, revision: int | None, names: dict[str, str]) -> None:
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
            "Add comment", key=_key(prefix, "add"), on_click=_add,
            args=(prefix, design_id, revision), icon=":material/add_comment:",
        )  # fmt: skip


def _phase_name(phase: Phase) -> str:
    return PHASE_NAMES[phase]
