"""The library's list: the save box, unsaved drafts, search and filters, one page of designs,
paging, import."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db import DesignImportError, DesignSummary, Page, import_design, list_designs, restore_design
from playbook.critic import plain
from playbook.drafts import DraftSummary
from playbook.interview import get_prompt
from playbook.labels import escape_markdown
from ui import drafts, identity, library, library_detail, resources, state

MAX_IMPORT_MB = 5
PAGE_SIZE = 50
IMPORT_OPEN = "library.import_open"  # the import expander's open state


class Filters(NamedTuple):
    """What the list is narrowed to, as `db.list_designs` takes it."""

    query: str
    author: str | None
    scenario: str | None
    since: datetime | None
    include_deleted: bool


def save_box() -> None:
    """Draw the title to save under, Save (a revision when opened from the library), Save as new."""
    if state.TITLE_INPUT not in st.session_state:
        st.session_state[state.TITLE_INPUT] = state.design().title
    where = library.opened()
    with st.container(border=True):
        title, save, save_new = st.columns([4, 1, 1], vertical_alignment="bottom")
        title.text_input("Title to save under", key=state.TITLE_INPUT, max_chars=200)
        label = f"Save revision {where.base + 1}" if where else "Save design"
        save.button(label, key="library.save", on_click=library.save, type="primary")
        save_new.button("Save as new design", key="library.save_new", on_click=library.save_as_new)
        if where:
            loaded = f"revision {where.revision}" + (
                f" (the newest was {where.base})" if where.revision != where.base else ""
            )
            st.caption(
                f"Opened from the library: design #{where.design_id}, {loaded}. "
                "Save adds a revision on top; nothing is overwritten."
            )
        else:
            st.caption("Not saved yet: the first save creates a new design.")


def drafts_box() -> None:
    """Draw the unsaved drafts, newest first, each with Resume and Discard (this tab's: a note)."""
    try:
        found = drafts.unsaved()
    except drafts.store_errors() as exc:
        st.caption(f"Unsaved drafts are unavailable: {escape_markdown(str(exc))}")
        return
    if not found:
        return
    with st.container(border=True, key="library.drafts"):
        st.markdown(f"**Unsaved drafts** · {len(found)}")
        st.caption(
            "Work not saved to the library, kept as it changes (newest first, at most "
            f"{drafts.LIST_LIMIT}). Resume one to continue it here; this tab's work stays a draft."
        )
        for item in found:
            _draft_row(item, here=item.id == drafts.current_id())


def _draft_line(item: DraftSummary) -> str:
    parts = [f"changed {item.updated_at:%Y-%m-%d %H:%M} UTC"]
    if item.opened_design_id is not None:
        parts.append(f"opened from design #{item.opened_design_id}")
    if item.interview_prompt_id is not None:
        try:
            prompt = plain(get_prompt(item.interview_prompt_id).title)
        except LookupError:
            prompt = item.interview_prompt_id
        parts.append(f"interview under way: {prompt}")
    return " · ".join(parts)


def _draft_row(item: DraftSummary, *, here: bool) -> None:
    name, first, second = st.columns([6, 1, 1], vertical_alignment="center")
    name.markdown(f"**{escape_markdown(item.title)}**" + (" · *open in this tab*" if here else ""))
    name.caption(_draft_line(item))
    if here:
        return
    first.button(
        "Resume", key=f"library.draft.resume.{item.id}", on_click=drafts.resume,
        args=(item.id,), icon=":material/restore:",
    )  # fmt: skip
    second.button(
        "Discard", key=f"library.draft.discard.{item.id}", on_click=drafts.ask_discard,
        args=(item.id, item.title), icon=":material/delete:",
    )  # fmt: skip


def _first_page() -> None:
    st.session_state[state.LIBRARY_PAGE] = 0


def filters() -> Filters:
    """Draw the search box and filters; any change goes back to the first page."""
    with st.container(border=True):
        query, author, scenario, since, deleted = st.columns(
            [3, 2, 2, 2, 1.6], vertical_alignment="bottom"
        )
        common: dict[str, Any] = {"on_change": _first_page}
        query.text_input("Search title, scenario or author", key="library.query", **common)
        author.text_input("Author is", key="library.author", **common)
        scenario.text_input("Scenario is", key="library.scenario", **common)
        since.date_input("Changed since", value=None, key="library.since", **common)
        deleted.toggle("Show deleted", key="library.show_deleted", **common)
    day = st.session_state.get("library.since")
    return Filters(
        query=str(st.session_state.get("library.query", "")).strip(),
        author=str(st.session_state.get("library.author", "")).strip() or None,
        scenario=str(st.session_state.get("library.scenario", "")).strip() or None,
        since=datetime.combine(day, time.min, tzinfo=UTC) if isinstance(day, date) else None,
        include_deleted=bool(st.session_state.get("library.show_deleted", False)),
    )


def fetch(engine: Engine, found: Filters) -> Page:
    """Return the current page of designs, stepping back when the page is past the end."""
    index = int(st.session_state.get(state.LIBRARY_PAGE, 0))
    page = list_designs(
        engine, **found._asdict(), limit=PAGE_SIZE, offset=index * PAGE_SIZE,
        user=identity.user_id(),
    )  # fmt: skip
    if not page.items and page.total and index:
        # Deletes or a narrower filter left this page empty: show the last page instead.
        st.session_state[state.LIBRARY_PAGE] = (page.total - 1) // PAGE_SIZE
        return fetch(engine, found)
    return page


def _step(delta: int) -> None:
    st.session_state[state.LIBRARY_PAGE] = max(
        0, int(st.session_state.get(state.LIBRARY_PAGE, 0)) + delta
    )


def _pages(total: int) -> tuple[int, int]:
    return int(st.session_state.get(state.LIBRARY_PAGE, 0)), max(1, -(-total // PAGE_SIZE))


def summary(total: int) -> None:
    """Draw 'designs a-b of total · page i of n', or that nothing matches."""
    index, pages = _pages(total)
    first, last = index * PAGE_SIZE + 1, min(total, (index + 1) * PAGE_SIZE)
    st.caption(
        f"Designs {first:,}-{last:,} of {total:,} · page {index + 1} of {pages}"
        if total
        else "No saved design matches."
    )


def pager(total: int) -> None:
    """Draw the previous and next buttons under the list."""
    index, pages = _pages(total)
    shown, back, forward = st.columns([4, 1, 1], vertical_alignment="center")
    with shown:
        summary(total)
    back.button(
        "Previous", key="library.prev", on_click=_step, args=(-1,), disabled=index == 0,
        icon=":material/chevron_left:",
    )  # fmt: skip
    forward.button(
        "Next", key="library.next", on_click=_step, args=(1,), disabled=index + 1 >= pages,
        icon=":material/chevron_right:",
    )  # fmt: skip


def _select(design_id: int) -> None:
    current = st.session_state.get(state.LIBRARY_SELECTED)
    st.session_state[state.LIBRARY_SELECTED] = None if current == design_id else design_id


def _restore(design_id: int) -> None:
    try:
        restore_design(resources.engine(), design_id, user=identity.user_id())
    except (LookupError, PermissionError, SQLAlchemyError) as exc:
        library.problem(f"Could not restore design #{design_id}: {exc}")
        return
    state.flash(f"Restored design #{design_id}.")


def rows(items: tuple[DesignSummary, ...]) -> None:
    """Draw one row per design, with the details of the selected one under its row."""
    selected = st.session_state.get(state.LIBRARY_SELECTED)
    where = library.opened()
    for item in items:
        with st.container(border=True):
            _row(item, is_open=bool(where and where.design_id == item.id), selected=selected)
            if selected == item.id:
                library_detail.panel(item)


def _row(item: DesignSummary, *, is_open: bool, selected: object) -> None:
    name, when, first, second = st.columns([4, 3, 1, 1], vertical_alignment="center")
    name.markdown(f"**{escape_markdown(item.title)}**")
    byline = " · ".join(part for part in (item.scenario, item.author) if part)
    name.caption(escape_markdown(byline) or "no scenario or author")
    if item.role != "owner":
        name.markdown(f":blue-badge[:material/group: Shared with you · {item.role}]")
    status = " · deleted" if item.deleted else (" · open in the phases" if is_open else "")
    saved = f"saved {item.updated_at:%Y-%m-%d %H:%M} UTC"
    when.caption(f"#{item.id} · revision {item.revision} · {saved}{status}")
    if item.deleted and item.role == "owner":
        first.button(
            "Restore", key=f"library.restore.{item.id}", on_click=_restore, args=(item.id,)
        )
    else:
        first.button(
            "Load", key=f"library.load.{item.id}", on_click=library.open_design, args=(item.id,)
        )
    second.button(
        "Hide" if selected == item.id else "Details", key=f"library.details.{item.id}",
        on_click=_select, args=(item.id,),
    )  # fmt: skip


def _import() -> None:
    upload = st.session_state.get("library.import_file")
    if upload is None:
        library.problem("Choose a JSON file to import first.")
        return
    try:
        saved = import_design(resources.engine(), upload.getvalue(), user=identity.user_id())
    except DesignImportError as exc:
        problems = "\n".join(f"- {escape_markdown(p)}" for p in exc.problems)
        library.problem(f"Nothing was imported from {escape_markdown(upload.name)}:\n\n{problems}")
        return
    except SQLAlchemyError as exc:
        library.problem(f"Nothing was imported: {exc}")
        return
    st.session_state.pop(state.LIBRARY_PROBLEM, None)
    state.flash(f"Imported “{escape_markdown(saved.title)}” as design #{saved.id}.")


def import_box() -> None:
    """Draw the JSON import: validated whole, saved whole or not at all; its uploader and button
    only while the expander is open (opening it reruns the page)."""
    panel = st.expander(
        "Import a design from JSON", icon=":material/upload_file:", key=IMPORT_OPEN,
        on_change="rerun",
    )  # fmt: skip
    if not panel.open:
        return
    with panel:
        st.file_uploader(
            "Design JSON (exported from this app)", type=["json"], key="library.import_file",
            max_upload_size=MAX_IMPORT_MB,
        )  # fmt: skip
        st.button("Import", key="library.import", on_click=_import, icon=":material/upload:")
