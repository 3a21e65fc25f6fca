"""Migrations on SQLite and PostgreSQL: from an empty database, and from a 0001 database with
designs in it, whose bodies become revision 1 of each design."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from db import (
    create_share_link,
    latest_revision,
    list_designs,
    list_revisions,
    load_design,
    resolve_share_link,
    save_design,
    save_revision,
    upgrade,
)
from db.migrate import alembic_config
from playbook import Design, dump_design, update_design

TABLES = {"designs", "design_revisions", "share_links", "comments", "drafts", "interviews",
          "alembic_version"}  # fmt: skip
OLD_DESIGNS = [
    update_design(Design(title="Support bot", scenario="customer-support", author="Ana"),
                  "constraints", ttft_ms=1_200, notes="kept through the upgrade"),
    Design(title="Ünïcödé — 日本語", scenario="code-review", author="Zoë"),
    Design(title="O'Brien's 100% design", author=""),
]  # fmt: skip


def _at_0001(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")


def _insert_0001_rows(engine: Engine) -> list[int]:
    insert = text(
        "INSERT INTO designs (title, scenario, author, schema_version, body, created_at, "
        "updated_at) VALUES (:title, :scenario, :author, 1, :body, :when, :when)"
    )
    with engine.begin() as connection:
        for n, design in enumerate(OLD_DESIGNS):
            when = datetime(2025, 11, 1 + n, 12, 0, tzinfo=UTC)
            connection.execute(
                insert,
                {"title": design.title, "scenario": design.scenario, "author": design.author,
                 "body": dump_design(design), "when": when},
            )  # fmt: skip
        rows = connection.execute(text("SELECT id FROM designs ORDER BY id")).all()
    return [row[0] for row in rows]


def test_upgrade_creates_every_table_in_an_empty_database(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    schema = inspect(empty_engine)
    indexes = {index["name"] for index in schema.get_indexes("designs")}
    assert set(schema.get_table_names()) >= TABLES
    assert {"ix_designs_title", "ix_designs_deleted_at_updated_at_id"} <= indexes
    assert {"body", "schema_version"}.isdisjoint(c["name"] for c in schema.get_columns("designs"))


def test_a_0001_database_with_designs_upgrades_each_body_to_revision_1(
    empty_engine: Engine,
) -> None:
    _at_0001(empty_engine)
    ids = _insert_0001_rows(empty_engine)

    upgrade(empty_engine)

    assert [load_design(empty_engine, design_id) for design_id in ids] == OLD_DESIGNS
    assert [latest_revision(empty_engine, design_id) for design_id in ids] == [1, 1, 1]
    history = list_revisions(empty_engine, ids[0])
    assert [(r.number, r.author, r.title) for r in history] == [(1, "Ana", "Support bot")]
    assert history[0].created_at == datetime(2025, 11, 1, 12, 0, tzinfo=UTC)


def test_upgraded_designs_are_listed_searched_and_saved_like_new_ones(
    empty_engine: Engine,
) -> None:
    _at_0001(empty_engine)
    ids = _insert_0001_rows(empty_engine)
    upgrade(empty_engine)

    listed = list_designs(empty_engine)
    found = list_designs(empty_engine, query="日本語")
    saved = save_revision(empty_engine, ids[0], OLD_DESIGNS[0], base_revision=1)
    link = create_share_link(empty_engine, ids[1])
    fresh = save_design(empty_engine, Design(title="after the upgrade"))

    assert [item.id for item in listed.items] == ids[::-1]
    assert {item.revision for item in listed.items} == {1}
    assert [item.id for item in found.items] == [ids[1]]
    assert (saved.revision, saved.conflict) == (2, False)
    assert resolve_share_link(empty_engine, link.token)[0] == ids[1]
    assert fresh.id > max(ids)


def test_an_upgraded_database_keeps_foreign_keys_enforced(empty_engine: Engine) -> None:
    _at_0001(empty_engine)
    _insert_0001_rows(empty_engine)
    upgrade(empty_engine)

    with (
        pytest.raises(IntegrityError, match=r"(?i)foreign key"),
        empty_engine.begin() as connection,
    ):
        connection.execute(
            text(
                "INSERT INTO design_revisions (design_id, number, title, author, "
                "schema_version, body) VALUES (9999, 1, 't', 'a', 1, '{}')"
            )
        )


def test_downgrading_to_0001_puts_the_newest_body_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    saved = save_design(empty_engine, Design(title="v1"))
    save_revision(empty_engine, saved.id, Design(title="v2"), base_revision=1)

    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
        body = connection.execute(text("SELECT body FROM designs")).scalar_one()
    upgrade(empty_engine)

    assert json.loads(body)["title"] == "v2"
    assert load_design(empty_engine, saved.id).title == "v2"
