"""The compare page's pickers: one side is a saved design at a revision, or the edited design.

The picks live under the widget keys `compare.<side>.design` and `compare.<side>.revision`; the
library presets them (two revisions of one design) before switching to the page.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db import AccessDenied, DesignNotFoundError, list_designs, list_revisions, load_design
from playbook import Design, DesignError
from playbook.labels import escape_markdown
from ui import identity, library, state
from ui.cached import Memo

CURRENT: Final = 0  # the option that stands for the design being edited, never a saved id
_REVISIONS: Memo[Design] = Memo(64)  # saved revisions read, by database, id, number and time


class Side(NamedTuple):
    """One side of the comparison: what to call it (escaped Markdown) and the design."""

    label: str
    design: Design


def _seed(key: str, options: list[int], default: int) -> None:
    # Set before the widget is drawn: a preset or old pick the options no longer hold resets.
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


def _default(side: str, options: list[int]) -> int:
    where = library.opened()
    if side == "left" or len(options) == 1:
        return CURRENT
    return where.design_id if where else options[1]


def pick(
    engine: Engine,
    *,
    side: str,
    listed: dict[str, dict[int, str]] | None = None,
    user: str | None = None,
) -> Side | None:
    """Draw one side's pickers and return its design, or None after showing why it cannot load.

    `listed` holds this rerun's search results by query: two sides with the same query (the
    usual empty one) read the library once. `user` (default: who is signed in) is the reader.
    """
    st.markdown(f"**{side.capitalize()}**")
    query = st.text_input(
        "Find a saved design", key=f"compare.{side}.query", placeholder="title, scenario or author"
    )
    user = identity.user_id() if user is None else user
    listed = {} if listed is None else listed
    if query not in listed:
        found = list_designs(engine, query=query, limit=50, user=user).items
        listed[query] = {item.id: item.title for item in found}
    titles = dict(listed[query])
    preset = st.session_state.get(f"compare.{side}.design")
    try:
        if isinstance(preset, int) and preset != CURRENT and preset not in titles:
            # kept even when search misses it
            titles[preset] = load_design(engine, preset, user=user).title
        options = [CURRENT, *titles]
        _seed(f"compare.{side}.design", options, _default(side, options))
        chosen = st.selectbox(
            "Design", options, key=f"compare.{side}.design",
            format_func=lambda i: "Your current design" if i == CURRENT else f"#{i} {titles[i]}",
        )  # fmt: skip
        if chosen == CURRENT:
            return Side(f"{side.capitalize()}: your current design", state.design())
        return _revision(engine, side=side, design_id=chosen, title=titles[chosen], user=user)
    except (DesignNotFoundError, DesignError, AccessDenied, SQLAlchemyError) as exc:
        st.error(f"Cannot show this side: {escape_markdown(str(exc))}", icon=":material/error:")
        return None


def _revision(engine: Engine, *, side: str, design_id: int, title: str, user: str) -> Side:
    # Read on every rerun: who may read the design, and which revisions it has now.
    listed = {r.number: r for r in list_revisions(engine, design_id, user=user)}
    numbers = sorted(listed, reverse=True)
    _seed(f"compare.{side}.revision", numbers, numbers[0])
    revision = st.selectbox(
        "Revision", numbers, key=f"compare.{side}.revision",
        format_func=lambda n: f"Revision {n}" + (" (newest)" if n == numbers[0] else ""),
    )  # fmt: skip
    label = f"{side.capitalize()}: #{design_id} “{escape_markdown(title)}”, revision {revision}"
    # A revision never changes once saved (a save adds a new one), so its design is read and
    # parsed once per process, keyed on the database, the design, the number and when it was
    # saved; whether this user may read it was checked just now by `list_revisions`.
    where = engine.url.render_as_string(hide_password=True)
    key = (where, design_id, revision, listed[revision].created_at.isoformat())
    design = _REVISIONS.get(
        key, lambda: load_design(engine, design_id, revision=revision, user=user)
    )
    return Side(label, design)
