"""The library's session state: which saved design the edited one was opened from, and the
actions that read or write the edited design (save, save as new, open), as widget callbacks.
Opening a design over unsaved edits asks first (`ui.confirm`).

The "opened from" pointer holds the design id, the revision loaded, and the base revision: the
newest revision when it was opened. Saving sends the base, so a save by someone else in between
comes back as a conflict (a new revision on top, with a notice), never a silent overwrite.
"""

from __future__ import annotations

import os
from typing import Final
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import (
    AccessDenied,
    DesignNotFoundError,
    latest_revision,
    load_design,
    save_design,
    save_revision,
)
from playbook import Design, DesignError, retitle_design
from playbook.labels import escape_markdown
from ui import confirm, drift, identity, resources, state
from ui.state import Opened

# Where the app is reached when st.context.url cannot tell (a proxy that rewrites paths, tests).
BASE_URL_SETTING: Final = "WHITEBOARD_BASE_URL"
FALLBACK_BASE_URL: Final = "http://localhost:8501"
COMPARE_PAGE: Final = "pages/compare.py"


def opened() -> Opened | None:
    """Return where the edited design was opened from, or None for a design never saved."""
    value = st.session_state.get(state.LIBRARY_OPENED)
    return value if isinstance(value, Opened) else None


def remember(design_id: int, *, revision: int, base: int | None = None) -> None:
    """Remember that the edited design is `revision` of saved design `design_id`."""
    st.session_state[state.LIBRARY_OPENED] = Opened(design_id, revision, base or revision)


def problem(text: str) -> None:
    """Queue an error to show at the top of the library page until the next action."""
    st.session_state[state.LIBRARY_PROBLEM] = text


def notice(text: str) -> None:
    """Queue a warning (a save that met someone else's) to show on the next run."""
    st.session_state[state.LIBRARY_NOTICE] = text


def show_messages() -> None:
    """Show the queued success, warning and error messages; warnings and successes once."""
    state.show_flash()
    if text := st.session_state.pop(state.LIBRARY_NOTICE, None):
        st.warning(text, icon=":material/call_split:")
        st.page_link(COMPARE_PAGE, label="Compare the two revisions", icon=":material/compare:")
    if text := st.session_state.get(state.LIBRARY_PROBLEM):
        st.error(text, icon=":material/error:")


def preset_compare(design_id: int, *, left: int, right: int) -> None:
    """Make the compare page open on two revisions of one saved design."""
    for side, revision in (("left", left), ("right", right)):
        st.session_state[f"compare.{side}.design"] = design_id
        st.session_state[f"compare.{side}.revision"] = revision


def _done(message: str) -> None:
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(message)


def _titled() -> Design | None:
    title = str(st.session_state.get(state.TITLE_INPUT, "")).strip()
    if not title:
        problem("Give the design a title before saving it.")
        return None
    try:
        return retitle_design(state.design(), title=title)
    except DesignError as exc:
        problem(f"Not saved, your design is still here: {escape_markdown(str(exc))}")
        return None


def save() -> None:
    """Save the edited design: a new revision of the one it was opened from, else a new design."""
    design, where = _titled(), opened()
    if design is None:
        return
    if where is None:
        _save_new(design)
        return
    try:
        result = save_revision(
            resources.engine(), where.design_id, design, base_revision=where.base,
            author=design.author, user=identity.user_id(),
        )  # fmt: skip
    except AccessDenied:
        problem(
            f"Design #{where.design_id} is not yours to save revisions of (you can review it); "
            "your design is still here: use “Save as new design” to keep your own copy."
        )
        return
    except DesignNotFoundError:
        problem(
            f"Design #{where.design_id} is no longer in the library; your design is still "
            "here: use “Save as new design”."
        )
        return
    except (ValueError, SQLAlchemyError) as exc:  # DesignError is a ValueError
        problem(f"Not saved, your design is still here: {escape_markdown(str(exc))}")
        return
    state.set_design(design)
    state.mark_saved(design)
    remember(result.summary.id, revision=result.revision)
    if result.conflict:
        st.session_state.pop(state.LIBRARY_PROBLEM, None)
        notice(escape_markdown(result.message))
        preset_compare(result.summary.id, left=result.revision - 1, right=result.revision)
        return
    title = escape_markdown(design.title)
    hidden = " It is in the deleted designs: “Show deleted” lists it to restore it."
    _done(
        f"Saved revision {result.revision} of “{title}” (#{result.summary.id})."
        + (hidden if result.summary.deleted else "")
    )


def save_as_new() -> None:
    """Save the edited design as a new design, whatever it was opened from."""
    if (design := _titled()) is not None:
        _save_new(design)


def _save_new(design: Design) -> None:
    try:
        saved = save_design(
            resources.engine(), design, author=design.author, user=identity.user_id()
        )
    except (DesignError, SQLAlchemyError) as exc:
        problem(f"Not saved, your design is still here: {escape_markdown(str(exc))}")
        return
    state.set_design(design)
    state.mark_saved(design)
    remember(saved.id, revision=saved.revision)
    _done(f"Saved “{escape_markdown(saved.title)}” (#{saved.id}).")


def open_design(design_id: int, revision: int | None = None) -> None:
    """Load saved design `design_id` (or its `revision`); over unsaved edits, ask first."""
    if not state.has_unsaved_design():
        load_into_phases(design_id, revision)
        return
    which = f"revision {revision} of design #{design_id}" if revision else f"design #{design_id}"
    confirm.ask(
        title="Replace your unsaved design?",
        text=f"Loading {which} replaces “{escape_markdown(state.design().title)}” in every "
        "phase, and its changes since it was last saved are lost. Cancel, then save it above "
        "to keep them.",
        label="Discard my changes and load",
        action=load_into_phases,
        args=(design_id, revision),
    )


def load_into_phases(design_id: int, revision: int | None = None) -> None:
    """Load saved design `design_id` (its newest revision, or `revision`) into every phase."""
    engine, user = resources.engine(), identity.user_id()
    try:
        # The newest revision first: a save after this builds on it, whichever one is loaded.
        newest = latest_revision(engine, design_id, user=user)
        design = load_design(engine, design_id, revision=revision, user=user)
    except (DesignNotFoundError, DesignError, AccessDenied, SQLAlchemyError) as exc:
        problem(f"Could not load design #{design_id}: {escape_markdown(str(exc))}")
        return
    state.set_design(design)
    state.mark_saved(design)
    remember(design_id, revision=revision or newest, base=newest)
    st.session_state[state.TITLE_INPUT] = design.title
    which = f"revision {revision} of " if revision and revision != newest else ""
    _done(f"Loaded {which}“{escape_markdown(design.title)}” into every phase.")
    drift.announce(design)


def app_base_url(*, page_url_path: str) -> str:
    """Return the app's root URL as the browser sees it, from the page at `page_url_path`."""
    if configured := os.environ.get(BASE_URL_SETTING, "").strip():
        return configured.rstrip("/")
    seen = st.context.url  # scheme, host, port and path of the current page; None in tests
    if not seen:
        return FALLBACK_BASE_URL
    parts = urlsplit(seen)
    path = parts.path.rstrip("/")
    if path.endswith(f"/{page_url_path}"):
        path = path.removesuffix(f"/{page_url_path}")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def share_url(token: str, *, page_url_path: str) -> str:
    """Return the read-only link for a share token: the app's root with `?share=TOKEN`."""
    base = app_base_url(page_url_path=page_url_path)
    return f"{base}/?{urlencode({'share': token})}"
