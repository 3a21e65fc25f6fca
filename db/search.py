"""List and search saved designs, newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Engine, func, select

from db.access import LOCAL, roles_in, visible
from db.models import DesignRow
from db.records import Page
from db.session import as_utc, column_text, reading, summary

MAX_PAGE = 500  # a page bigger than this is a bug in the caller, not a wish to see more
MAX_QUERY = 200


def list_designs(
    engine: Engine,
    *,
    query: str = "",
    author: str | None = None,
    scenario: str | None = None,
    since: datetime | None = None,
    include_deleted: bool = False,
    only_deleted: bool = False,
    limit: int = 50,
    offset: int = 0,
    user: str = LOCAL,
) -> Page:
    """Return a page of saved designs, newest first (last save, then id), and the match count.

    `query` matches a case-insensitive part of the title, scenario or author; `author` and
    `scenario` match exactly; `since` keeps designs saved at or after it. Deleted designs are
    left out unless `include_deleted` (both) or `only_deleted` (the deleted ones alone).
    Only what `user` may see is listed: their own designs and the live ones shared with them,
    each with the user's role on it.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")
    if len(query) > MAX_QUERY:
        raise ValueError(f"query: at most {MAX_QUERY} characters, not {len(query)}")
    conditions = _conditions(query, author, scenario, since, include_deleted, only_deleted)
    conditions.append(visible(user))
    page = (
        select(DesignRow)
        .where(*conditions)
        .order_by(DesignRow.updated_at.desc(), DesignRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    count = select(func.count()).select_from(DesignRow).where(*conditions)
    with reading(engine) as session:
        heads = list(session.scalars(page))
        roles = roles_in(session, heads, user)
        items = tuple(summary(head, role=roles.get(head.id, "reviewer")) for head in heads)
        total = session.scalar(count) or 0
    return Page(items=items, total=total)


def _conditions(
    query: str,
    author: str | None,
    scenario: str | None,
    since: datetime | None,
    include_deleted: bool,
    only_deleted: bool,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if only_deleted:
        conditions.append(DesignRow.deleted_at.is_not(None))
    elif not include_deleted:
        conditions.append(DesignRow.deleted_at.is_(None))
    if needle := column_text(query.strip()).casefold():
        # autoescape: a % or _ typed by the user is matched literally, not as a wildcard.
        conditions.append(DesignRow.search_text.contains(needle, autoescape=True))
    if author is not None:
        conditions.append(DesignRow.author == column_text(author))
    if scenario is not None:
        conditions.append(DesignRow.scenario == column_text(scenario))
    if since is not None:
        conditions.append(DesignRow.updated_at >= as_utc(since))
    return conditions
