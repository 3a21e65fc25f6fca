"""Saved designs and their revisions: every save adds a revision, none is ever overwritten."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.access import LOCAL, require
from db.models import DesignRow, RevisionRow
from db.records import (
    DesignSummary,
    RevisionNotFoundError,
    RevisionSummary,
    SaveResult,
)
from db.session import (
    as_utc,
    checked_author,
    column_text,
    reading,
    search_text,
    summary,
    utc_now,
    writing,
)
from playbook import Design, DesignError, design_from_data, dump_design, retitle_design
from playbook.drift import stamp_prices
from playbook.migrations import migrate_design_data


def save_design(
    engine: Engine, design: Design, *, author: str = "", user: str = LOCAL
) -> DesignSummary:
    """Save `design` as a new design (revision 1) owned by `user`; `author` (default: the
    design's) is the name shown as who saved it."""
    who = checked_author(author or design.author)
    # Serialised before the write lock is taken, with the prices it is costed with today.
    body, now = dump_design(stamp_prices(design)), utc_now()
    with writing(engine) as session:
        head = DesignRow(latest_revision=1, created_at=now, owner=user)
        _copy_to_head(head, design, who, now)
        session.add(head)
        session.flush()  # assigns the id while the short write transaction is still open
        session.add(_revision(head.id, 1, design, body, who, now))
        return summary(head)


def save_revision(
    engine: Engine,
    design_id: int,
    design: Design,
    *,
    base_revision: int,
    author: str = "",
    user: str = LOCAL,
) -> SaveResult:
    """Save `design` as a new revision of `design_id`, built on `base_revision`, as `user` (its
    owner or an editor; anyone else gets `AccessDeniedError`).

    Nothing is overwritten: when someone saved after `base_revision`, the design is still saved
    on top of the newest revision, and the result says so (`conflict`, `message`).
    """
    who = checked_author(author or design.author)
    body = dump_design(stamp_prices(design))  # with the prices it is costed with today
    with writing(engine) as session:
        # PostgreSQL: the row lock makes a second writer wait, then see the first one's number.
        # SQLite: BEGIN IMMEDIATE already serialises writers.
        head, role = require(session, design_id, user, "editor", "save a revision of", lock=True)
        now = utc_now()  # taken under the lock, so later revisions never carry earlier times
        latest = head.latest_revision
        if not 1 <= base_revision <= latest:
            raise ValueError(
                f"base_revision: design {design_id} has revisions 1 to {latest}, "
                f"not {base_revision}"
            )
        others = _authors_after(session, design_id, base_revision) if base_revision < latest else []
        session.add(_revision(design_id, latest + 1, design, body, who, now))
        head.latest_revision = latest + 1
        _copy_to_head(head, design, who, now)
        saved = summary(head, role=role)
    conflict = base_revision < latest
    message = _save_message(saved, base_revision, latest, others)
    return SaveResult(summary=saved, revision=saved.revision, conflict=conflict, message=message)


def load_design(
    engine: Engine, design_id: int, *, revision: int | None = None, user: str = LOCAL
) -> Design:
    """Return revision `revision` (default: the newest) of saved design `design_id`, when `user`
    may read it."""
    with reading(engine) as session:
        head, _ = require(session, design_id, user, "reviewer", "open")
        number = head.latest_revision if revision is None else revision
        body = session.scalar(
            select(RevisionRow.body).where(
                RevisionRow.design_id == design_id, RevisionRow.number == number
            )
        )
        latest = head.latest_revision
    if body is None:
        raise RevisionNotFoundError(design_id, number, latest)
    return design_from_body(body, where=f"saved design {design_id}")


def latest_revision(engine: Engine, design_id: int, *, user: str = LOCAL) -> int:
    """Return the number of the newest revision of `design_id`."""
    with reading(engine) as session:
        return require(session, design_id, user, "reviewer", "open")[0].latest_revision


def list_revisions(engine: Engine, design_id: int, *, user: str = LOCAL) -> list[RevisionSummary]:
    """Return every revision of `design_id`, newest first."""
    query = (
        select(RevisionRow.number, RevisionRow.created_at, RevisionRow.author, RevisionRow.title)
        .where(RevisionRow.design_id == design_id)
        .order_by(RevisionRow.number.desc())
    )
    with reading(engine) as session:
        require(session, design_id, user, "reviewer", "open")
        rows = session.execute(query).all()
    return [
        RevisionSummary(number=number, created_at=as_utc(created), author=author, title=title)
        for number, created, author, title in rows
    ]


def duplicate_design(
    engine: Engine, design_id: int, *, title: str, author: str = "", user: str = LOCAL
) -> DesignSummary:
    """Save the newest revision of `design_id` (which `user` may read) as a new design called
    `title`, owned by `user`."""
    copy = retitle_design(load_design(engine, design_id, user=user), title=title)
    return save_design(engine, copy, author=author, user=user)


def delete_design(engine: Engine, design_id: int, *, user: str = LOCAL) -> None:
    """Hide `design_id` from the list and stop its share links (owner only);
    `restore_design` undoes it."""
    with writing(engine) as session:
        head, _ = require(session, design_id, user, "owner", "delete")
        if head.deleted_at is None:
            head.deleted_at = utc_now()


def restore_design(engine: Engine, design_id: int, *, user: str = LOCAL) -> None:
    """Bring a deleted design back to the list (owner only; its share links work again unless
    revoked)."""
    with writing(engine) as session:
        require(session, design_id, user, "owner", "restore")[0].deleted_at = None


def design_from_body(body: str, *, where: str) -> Design:
    """Return the design in a stored JSON body, migrated from an older schema version if need be."""
    try:
        return design_from_data(migrate_design_data(json.loads(body)))
    except json.JSONDecodeError as exc:
        raise DesignError([f"{where}: not valid JSON: {exc}"]) from exc
    except DesignError as exc:
        # Names the row so an operator can find the design that an upgrade left behind.
        raise DesignError([f"{where}: {problem}" for problem in exc.problems]) from exc


def _copy_to_head(head: DesignRow, design: Design, who: str, now: datetime) -> None:
    head.title = column_text(design.title)
    head.scenario = column_text(design.scenario)
    head.author = column_text(who)
    head.search_text = search_text(design.title, design.scenario, who)
    head.updated_at = now


def _revision(
    design_id: int, number: int, design: Design, body: str, who: str, now: datetime
) -> RevisionRow:
    return RevisionRow(
        design_id=design_id,
        number=number,
        title=column_text(design.title),
        author=column_text(who),
        schema_version=design.schema_version,
        body=body,
        created_at=now,
    )


def _authors_after(session: Session, design_id: int, base: int) -> list[str]:
    query = (
        select(RevisionRow.author)
        .where(RevisionRow.design_id == design_id, RevisionRow.number > base)
        .order_by(RevisionRow.number)
    )
    return list(dict.fromkeys(author or "someone" for author in session.scalars(query)))


def _save_message(saved: DesignSummary, base: int, latest: int, others: list[str]) -> str:
    deleted = (
        " This design is in the deleted designs: restore it to list it again."
        if saved.deleted
        else ""
    )
    if base == latest:
        return f"Saved as revision {saved.revision}.{deleted}"
    newer = (
        f"revision {latest} was" if latest == base + 1 else f"revisions {base + 1}-{latest} were"
    )
    return (
        f"Saved as revision {saved.revision} on top of {latest}, which {_names(others)} saved "
        f"after you opened {base} ({newer} saved in between). Nothing was overwritten: compare "
        f"revision {saved.revision} with {latest} to merge the changes.{deleted}"
    )


def _names(authors: list[str]) -> str:
    shown = authors[:3] + ([f"{len(authors) - 3} others"] if len(authors) > 3 else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"
