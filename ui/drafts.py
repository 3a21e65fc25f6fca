"""The browser session's unsaved state, kept as a draft in the database under the key in its URL.

The first run of a browser session takes the key from `?draft=` (and brings that draft back) or
makes a new one; every run puts it back in the URL, since a click on a navigation link drops the
query string. After each run the draft is written when, and only when, its digest changed. A
share-link visitor has no draft. When the database cannot be reached the app works on and says
that this session's work is not being kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import streamlit as st

from playbook.clock import InterviewClock
from playbook.draft_keys import BLANK_DIGEST, KEY_PATTERN, design_digest, new_key
from playbook.labels import escape_markdown
from ui import confirm, identity, state

if TYPE_CHECKING:
    # The database layer (SQLAlchemy, Alembic) and the draft's model (which holds an interview,
    # and so the interview domain) are about 0.4 s of a cold start. A first visit with nothing
    # to restore draws its page without them; they load when there is a draft to read or write.
    from db import DbDraftStore
    from playbook.drafts import Draft, DraftSummary

PARAM = "draft"
LIST_LIMIT = 20
RETRY_AFTER_S = 30.0
_RETRY_AT = "draft.retry_at"
# The digest recorded for a session that started blank: its draft is `Draft()`, nothing written.
_BLANK = "blank"


def store_errors(*more: type[Exception]) -> tuple[type[Exception], ...]:
    """Return what can go wrong reaching the store (and `more`), for an `except` clause.

    A bad DATABASE_URL (ValueError), the database itself (SQLAlchemyError while migrating), or
    the store's own OSError subclasses. A function, so SQLAlchemy loads only when an error is
    being matched, not with this module.
    """
    from sqlalchemy.exc import SQLAlchemyError

    return (ValueError, SQLAlchemyError, OSError, *more)


def _store() -> DbDraftStore:
    from db import DbDraftStore
    from ui import resources

    return DbDraftStore(resources.engine(), owner=identity.user_id())


def enabled() -> bool:
    """Whether this browser session keeps a draft: not in a share link's read-only view."""
    return "share" not in st.query_params


def current() -> Draft:
    """Return the session's state as a draft."""
    from playbook.drafts import Draft, OpenedFrom
    from playbook.interview import InterviewSession

    opened = st.session_state.get(state.LIBRARY_OPENED)
    interview = st.session_state.get(state.INTERVIEW)
    return Draft(
        design=state.design(),
        opened=OpenedFrom(**opened._asdict()) if isinstance(opened, state.Opened) else None,
        saved_digest=state.saved_digest(),
        clock=state.clock(),
        interview=interview if isinstance(interview, InterviewSession) else None,
    )


def apply(draft: Draft) -> None:
    """Put `draft` into the session: design, where it was opened from, clock and interview."""
    state.set_design(draft.design)
    if draft.opened is None:
        st.session_state.pop(state.LIBRARY_OPENED, None)
    else:
        st.session_state[state.LIBRARY_OPENED] = state.Opened(**draft.opened.model_dump())
    if draft.saved_digest is None:
        st.session_state.pop(state.DESIGN_SAVED, None)
    else:
        st.session_state[state.DESIGN_SAVED] = draft.saved_digest
    state.set_clock(draft.clock)
    st.session_state[state.INTERVIEW] = draft.interview
    st.session_state.pop(state.INTERVIEW_SAVED, None)
    if draft.interview is not None and draft.interview.finished:
        _restore_result(draft.interview.id)
    st.session_state[state.TITLE_INPUT] = draft.design.title
    st.session_state.pop(state.EDIT_ERROR, None)


def _restore_result(session_id: str) -> None:
    from db import DbInterviewStore
    from playbook.interview import InterviewNotFoundError
    from ui import resources

    try:
        saved = DbInterviewStore(resources.engine(), owner=identity.user_id()).load(session_id)
    except store_errors(InterviewNotFoundError):
        return  # the scorecard page still lists it from the store when it is readable
    st.session_state[state.INTERVIEW_SAVED] = saved


def _first_key() -> str:
    given = st.query_params.get(PARAM, "")
    if not re.fullmatch(KEY_PATTERN, given):
        return new_key()
    try:
        stored = _store().load(given)
    except store_errors() as exc:
        # Writing now could overwrite the draft we could not read: keep nothing this session.
        st.session_state[state.DRAFT_PROBLEM] = f"the draft could not be read ({exc})"
        return given
    if stored is not None:
        apply(stored.draft)
        st.session_state[state.DRAFT_ID] = stored.id
    return given


def restore() -> None:
    """Bring the URL's draft back on a session's first run; keep its key in the URL on every run."""
    if not enabled():
        return
    key = st.session_state.get(state.DRAFT_KEY)
    if not isinstance(key, str):
        key = _first_key()
        st.session_state[state.DRAFT_KEY] = key
        st.session_state[state.DRAFT_DIGEST] = _blank_or_digest()
    if st.query_params.get(PARAM) != key:
        st.query_params[PARAM] = key
    if problem := st.session_state.get(state.DRAFT_PROBLEM):
        st.sidebar.caption(
            f":material/cloud_off: This session's work is not kept as a draft: "
            f"{escape_markdown(str(problem))}. Save it under Saved designs."
        )


def keep() -> None:
    """Write the draft if it changed since it was last written (or read)."""
    key = st.session_state.get(state.DRAFT_KEY)
    if not isinstance(key, str) or not enabled() or _paused():
        return
    last = st.session_state.get(state.DRAFT_DIGEST)
    if last == _BLANK and _blank():
        return
    from playbook.drafts import Draft, draft_digest

    draft = current()
    digest = draft_digest(draft)
    if digest == (draft_digest(Draft()) if last == _BLANK else last):
        return
    try:
        st.session_state[state.DRAFT_ID] = _store().save(key, draft)
    except store_errors() as exc:
        st.session_state[state.DRAFT_PROBLEM] = f"the draft could not be saved ({exc})"
        st.session_state[_RETRY_AT] = state.now() + RETRY_AFTER_S
        return
    st.session_state[state.DRAFT_DIGEST] = digest
    st.session_state.pop(state.DRAFT_PROBLEM, None)


def _blank() -> bool:
    """Whether the session holds what a new one starts with: `current() == Draft()`, read
    without loading the draft's model."""
    session = st.session_state
    return (
        session.get(state.INTERVIEW) is None
        and not isinstance(session.get(state.LIBRARY_OPENED), state.Opened)
        and state.saved_digest() is None
        and state.clock() == InterviewClock()
        and design_digest(state.design()) == BLANK_DIGEST
    )


def _blank_or_digest() -> str:
    """Return the digest of the session's draft as it stands, or `_BLANK` for a blank one."""
    if _blank():
        return _BLANK
    from playbook.drafts import draft_digest

    return draft_digest(current())


def _paused() -> bool:
    if not st.session_state.get(state.DRAFT_PROBLEM):
        return False
    retry_at = st.session_state.get(_RETRY_AT)
    # No retry time: the draft could not be read, and writing could overwrite it.
    return retry_at is None or state.now() < float(retry_at)


def run(page: Any) -> None:
    """Run `page` (a `st.Page`), then keep the draft if it changed."""
    try:
        page.run()
    finally:
        # Also after st.rerun, st.switch_page and st.stop, which end a run by raising.
        keep()


def unsaved() -> tuple[DraftSummary, ...]:
    """Return the newest drafts with unsaved work (raises one of `store_errors()`)."""
    return _store().list_unsaved(limit=LIST_LIMIT)


def current_id() -> int | None:
    """Return the id of this session's draft row, once it has been written or read."""
    value = st.session_state.get(state.DRAFT_ID)
    return value if isinstance(value, int) else None


def resume(draft_id: int) -> None:
    """Continue draft `draft_id` in this tab under a new key; this tab's work stays a draft."""
    from playbook.drafts import DraftNotFoundError, draft_digest, draft_title, has_unsaved_work

    key, leaving, left = new_key(), current_id(), current()
    try:
        stored = _store().take_over(draft_id, key=key)
        if leaving is not None and not has_unsaved_work(left):
            _store().discard(leaving)  # nothing unsaved in it: no reason to keep the row
    except store_errors(DraftNotFoundError) as exc:
        st.session_state[state.LIBRARY_PROBLEM] = f"Could not resume the draft: {exc}"
        return
    apply(stored.draft)
    st.session_state[state.DRAFT_KEY] = key
    st.session_state[state.DRAFT_ID] = stored.id
    st.session_state[state.DRAFT_DIGEST] = draft_digest(current())
    st.query_params[PARAM] = key
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(f"Resumed the draft “{escape_markdown(draft_title(stored.draft))}” in this tab.")


def ask_discard(draft_id: int, title: str) -> None:
    """Ask, then delete draft `draft_id` with its unsaved changes and interview under way."""
    confirm.ask(
        title="Discard this draft?",
        text=f"“{escape_markdown(title)}” has changes that were never saved to the library, and "
        "any interview under way in it. Discarding deletes them; this cannot be undone.",
        label="Discard the draft",
        action=_discard,
        args=(draft_id, title),
    )


def _discard(draft_id: int, title: str) -> None:
    try:
        _store().discard(draft_id)
    except store_errors() as exc:
        st.session_state[state.LIBRARY_PROBLEM] = f"Could not discard the draft: {exc}"
        return
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(f"Discarded the draft “{escape_markdown(title)}”.")
