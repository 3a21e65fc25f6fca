"""Saving, listing and loading designs on SQLite and PostgreSQL, and the schema behind them."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

import db
from db import (
    DatabaseConfigError,
    DesignNotFoundError,
    database_url,
    list_designs,
    load_design,
    make_engine,
    save_design,
    upgrade,
)
from db.engine import DEFAULT_SQLITE_FILE, PROJECT_ROOT
from db.migrate import alembic_config
from playbook import Design, DesignError, update_design

ROOT = PROJECT_ROOT
# The newest migration, whichever it is: later features chain theirs on.
_HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

TRICKY_TEXT = [
    "O'Brien's \"quoted\" design",
    "Robert'); DROP TABLE designs;--",
    "100% of %s and %(name)s with a \\ backslash",
    "Ünïcödé — 日本語のデザイン — مرحبا",
    "🚀🧠 emoji 👩🏽‍💻 and a ZWJ",
    "line one\nline two\ttabbed",
]


def _design(title: str = "Support bot", **changes: Any) -> Design:
    design = Design(title=title, scenario="customer-support", author="Ana")
    return update_design(design, "serving", **changes) if changes else design


def test_a_saved_design_is_listed_and_loads_back_equal(engine: Engine) -> None:
    design = update_design(_design(), "constraints", ttft_ms=1200, on_prem=True)

    saved = save_design(engine, design)
    listed = list_designs(engine)
    loaded = load_design(engine, saved.id)

    assert loaded == design
    assert listed.items == (saved,)
    assert listed.total == 1
    assert (saved.title, saved.scenario, saved.author) == ("Support bot", "customer-support", "Ana")
    assert saved.updated_at.tzinfo == UTC
    assert abs((datetime.now(UTC) - saved.updated_at).total_seconds()) < 60


def test_designs_are_listed_newest_first_even_within_one_second(engine: Engine) -> None:
    ids = [save_design(engine, _design(f"design {n}")).id for n in range(3)]

    listed = list_designs(engine).items

    assert [summary.id for summary in listed] == ids[::-1]
    assert [summary.title for summary in listed] == ["design 2", "design 1", "design 0"]


def test_equal_timestamps_fall_back_to_the_newest_id(engine: Engine) -> None:
    ids = [save_design(engine, _design(f"design {n}")).id for n in range(3)]
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE designs SET updated_at = (SELECT MIN(updated_at) FROM designs)")
        )

    listed = list_designs(engine).items

    assert [summary.id for summary in listed] == ids[::-1]


def test_limit_and_offset_page_through_the_list(engine: Engine) -> None:
    ids = [save_design(engine, _design(f"design {n}")).id for n in range(5)]

    first = list_designs(engine, limit=2)
    second = list_designs(engine, limit=2, offset=2)
    rest = list_designs(engine, limit=2, offset=4)
    beyond = list_designs(engine, offset=5)

    assert [s.id for s in first.items + second.items + rest.items] == ids[::-1]
    assert [page.total for page in (first, second, rest, beyond)] == [5, 5, 5, 5]
    assert beyond.items == ()


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (10_000, 0), (10, -1)])
def test_a_nonsensical_page_is_refused(engine: Engine, limit: int, offset: int) -> None:
    with pytest.raises(ValueError, match=r"limit|offset"):
        list_designs(engine, limit=limit, offset=offset)


def test_loading_a_missing_id_raises_not_found_naming_the_id(engine: Engine) -> None:
    save_design(engine, _design())

    with pytest.raises(DesignNotFoundError, match="4242") as raised:
        load_design(engine, 4242)

    assert raised.value.design_id == 4242
    assert isinstance(raised.value, LookupError)


def test_a_stored_body_that_no_longer_parses_raises_design_error_naming_the_id(
    engine: Engine,
) -> None:
    saved = save_design(engine, _design())
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE design_revisions SET body = :body WHERE design_id = :id"),
            {"body": '{"schema_version": 1, "warp_drive": true}', "id": saved.id},
        )

    with pytest.raises(DesignError, match=f"saved design {saved.id}.*warp_drive"):
        load_design(engine, saved.id)


@pytest.mark.parametrize("tricky", TRICKY_TEXT)
def test_user_text_round_trips_unchanged(engine: Engine, tricky: str) -> None:
    design = update_design(
        Design(title=tricky[:200], scenario=tricky[:200], author=tricky[:200]),
        "constraints",
        notes=tricky,
    )

    saved = save_design(engine, design)

    assert load_design(engine, saved.id) == design
    assert list_designs(engine).items[0].title == tricky[:200]


def test_a_nul_character_never_reaches_the_database(engine: Engine) -> None:
    design = Design(title="before\x00after")  # NUL is stripped at validation (playbook.sanitize)

    saved = save_design(engine, design)

    assert load_design(engine, saved.id) == design
    assert saved.title == design.title == "beforeafter"


def test_upgrade_creates_the_tables_in_an_empty_database(empty_engine: Engine) -> None:
    assert "designs" not in inspect(empty_engine).get_table_names()

    upgrade(empty_engine)

    tables = inspect(empty_engine).get_table_names()
    indexes = {index["name"] for index in inspect(empty_engine).get_indexes("designs")}
    assert {"designs", "alembic_version"} <= set(tables)
    assert {"ix_designs_title", "ix_designs_updated_at"} <= indexes


def test_upgrade_is_idempotent_and_keeps_the_data(engine: Engine) -> None:
    saved = save_design(engine, _design())

    upgrade(engine)
    upgrade(engine)

    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(_HEAD,)]
    assert list_designs(engine).items == (saved,)


def test_the_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from db.models import Base

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")

    with engine.connect() as connection:
        journal_mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
        synchronous = connection.execute(text("PRAGMA synchronous")).scalar()
    engine.dispose()

    assert journal_mode == "wal"
    assert foreign_keys == 1
    assert synchronous == 1  # NORMAL


def test_a_sqlite_reader_sees_the_last_commit_without_waiting_for_a_writer(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'readers.db'}")
    upgrade(engine)
    committed = save_design(engine, _design("committed"))

    with engine.begin() as writer:  # BEGIN IMMEDIATE: holds the write lock until the end
        writer.execute(
            text("UPDATE designs SET title = 'uncommitted' WHERE id = :id"),
            {"id": committed.id},
        )
        seen = list_designs(engine).items  # would wait 30 s for the lock if it took it too
    engine.dispose()

    assert [item.title for item in seen] == ["committed"]


def test_database_url_honours_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db.internal:5432/whiteboard")

    url = database_url()

    assert url == "postgresql+psycopg://app@db.internal:5432/whiteboard"


def test_database_url_defaults_to_a_sqlite_file_under_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # Point the default elsewhere so the test does not create the repo's own data/ directory.
    stand_in = tmp_path / "data" / "whiteboard.db"
    monkeypatch.setattr(db.engine, "DEFAULT_SQLITE_FILE", stand_in)

    url = database_url()

    assert url == f"sqlite:///{stand_in}"
    assert stand_in.parent.is_dir()
    assert Path(db.__file__).resolve().parent.parent == PROJECT_ROOT
    assert PROJECT_ROOT / "data" / "whiteboard.db" == DEFAULT_SQLITE_FILE


@pytest.mark.parametrize(
    "bad_url",
    ["not a url", "mysql://app@localhost/whiteboard", "postgresql+asyncpg://app@h/d", ""],
)
def test_a_bad_url_raises_a_config_error_naming_the_variable(bad_url: str) -> None:
    with pytest.raises(DatabaseConfigError, match="DATABASE_URL") as raised:
        make_engine(bad_url)

    assert isinstance(raised.value, ValueError)


def test_a_config_error_does_not_reveal_the_password() -> None:
    with pytest.raises(DatabaseConfigError) as raised:
        make_engine("mysql://app:hunter2@localhost/whiteboard")

    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_driverless_postgres_urls_use_psycopg(scheme: str) -> None:
    engine = make_engine(f"{scheme}://app@localhost:5432/whiteboard")

    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def _run_workers(mode: str, url: str, count: int, tmp_path: Path) -> list[int]:
    """Run two worker processes that start together; return their exit codes."""
    go_file = tmp_path / "go"
    command = [sys.executable, "-m", "tests.integration.sqlite_worker", mode, url]
    workers = [
        subprocess.Popen([*command, str(worker), str(count), str(go_file)], cwd=ROOT)
        for worker in (1, 2)
    ]
    time.sleep(0.5)  # both processes import and connect, then wait for the signal
    go_file.touch()
    return [process.wait(timeout=120) for process in workers]


def test_two_processes_saving_to_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(url)
    upgrade(engine)

    exit_codes = _run_workers("save", url, 50, tmp_path)

    titles = {summary.title for summary in list_designs(engine, limit=500).items}
    assert exit_codes == [0, 0]
    assert titles == {f"worker {w} design {n}" for w in (1, 2) for n in range(50)}
    engine.dispose()


def test_read_then_write_transactions_from_two_processes_lose_no_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'counter.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (value INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter (value) VALUES (0)"))

    exit_codes = _run_workers("increment", url, 150, tmp_path)

    with engine.connect() as connection:
        total = connection.execute(text("SELECT value FROM counter")).scalar_one()
    engine.dispose()
    assert exit_codes == [0, 0]
    assert total == 300
