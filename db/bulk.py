"""Save many new designs at once (benchmarks, tests and bulk imports): one transaction per chunk."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, insert

from db.models import DesignRow, RevisionRow
from db.session import checked_author, column_text, search_text, utc_now, writing
from playbook import Design, dump_design

CHUNK = 1_000  # rows per transaction: short enough not to hold SQLite's write lock for long


def save_designs(engine: Engine, designs: Sequence[Design], *, author: str = "") -> list[int]:
    """Save each design as a new design (revision 1) and return their ids, in order."""
    ids: list[int] = []
    for start in range(0, len(designs), CHUNK):
        ids.extend(_save_chunk(engine, designs[start : start + CHUNK], author))
    return ids


def _save_chunk(engine: Engine, designs: Sequence[Design], author: str) -> list[int]:
    now = utc_now()
    heads, revisions = [], []
    for design in designs:
        who = checked_author(author or design.author)
        title, scenario = column_text(design.title), column_text(design.scenario)
        heads.append(
            {
                "title": title, "scenario": scenario, "author": column_text(who),
                "search_text": search_text(design.title, design.scenario, who),
                "latest_revision": 1, "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        revisions.append(
            {
                "number": 1, "title": title, "author": column_text(who),
                "schema_version": design.schema_version, "body": dump_design(design),
                "created_at": now,
            }
        )  # fmt: skip
    with writing(engine) as session:
        # sort_by_parameter_order: the returned ids line up with the rows sent.
        returned = session.scalars(
            insert(DesignRow).returning(DesignRow.id, sort_by_parameter_order=True), heads
        ).all()
        session.execute(
            insert(RevisionRow),
            [
                {**row, "design_id": design_id}
                for row, design_id in zip(revisions, returned, strict=True)
            ],
        )
    return list(returned)
