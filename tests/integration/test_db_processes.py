"""Real processes: two people saving the same design from the same base both keep their work
(SQLite and PostgreSQL), and a writer killed with SIGKILL loses no acknowledged save (SQLite)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text

from db import list_revisions, load_design, make_engine, save_design, upgrade
from db.engine import PROJECT_ROOT
from db.models import DesignRow
from playbook import Design

WORKER = [sys.executable, "-m", "tests.integration.sqlite_worker"]


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _reviser(
    engine: Engine, name: str, design_id: int, go_file: Path, *, count: int = 1
) -> subprocess.Popen[str]:
    """Start a process that saves `count` revisions of `design_id`, each on top of revision 1;
    return once it is connected and waiting for `go_file`."""
    command = [*WORKER, "revise", _url(engine), name, f"{design_id}:{count}", str(go_file)]
    worker = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    assert worker.stdout.readline() == "ready\n"
    return worker


def _results(worker: subprocess.Popen[str]) -> list[dict[str, Any]]:
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0
    return [json.loads(line) for line in output.splitlines()]


def _wait_until_blocked(engine: Engine, holder: Connection) -> None:
    """Return once another session waits for a lock `holder` holds (PostgreSQL), or after a
    pause long enough for it to start waiting (SQLite, which cannot say)."""
    if engine.dialect.name == "sqlite":
        time.sleep(1.0)
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND :holder = ANY(pg_blocking_pids(pid))"
    )
    holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as probe:
        deadline = time.monotonic() + 30
        while not probe.execute(waiting, {"holder": holder_pid}).scalar_one():
            assert time.monotonic() < deadline, "the other writer never waited for the lock"
            time.sleep(0.02)
            probe.rollback()


def test_two_processes_saving_from_the_same_base_keep_every_revision(
    engine: Engine, tmp_path: Path
) -> None:
    design_id = save_design(engine, Design(title="shared start", author="Ana")).id
    go_file = tmp_path / "go"
    workers = {name: _reviser(engine, name, design_id, go_file, count=25) for name in "AB"}

    go_file.touch()
    results = [result for worker in workers.values() for result in _results(worker)]

    numbers = sorted(result["revision"] for result in results)
    conflicts = {result["revision"]: result["conflict"] for result in results}
    kept = {load_design(engine, design_id, revision=n).constraints.notes for n in numbers}
    assert numbers == list(range(2, 52))
    assert conflicts == {n: n > 2 for n in numbers}
    assert kept == {f"{name}{n}" for name in "AB" for n in range(25)}
    times = [revision.created_at for revision in list_revisions(engine, design_id)]
    assert times == sorted(times, reverse=True)
    assert load_design(engine, design_id, revision=1).title == "shared start"


def test_a_save_waiting_on_another_writer_lands_on_top_with_a_conflict(
    engine: Engine, tmp_path: Path
) -> None:
    design_id = save_design(engine, Design(title="start")).id
    go_file = tmp_path / "go"
    worker = _reviser(engine, "late", design_id, go_file)
    other = Design(title="other").model_dump_json()

    with engine.begin() as connection:
        # A save in progress: it holds the head row (PostgreSQL) or the write lock (SQLite).
        connection.execute(select(DesignRow.id).where(DesignRow.id == design_id).with_for_update())
        go_file.touch()
        _wait_until_blocked(engine, connection)
        connection.execute(
            text(
                "INSERT INTO design_revisions (design_id, number, title, author, "
                "schema_version, body) VALUES (:id, 2, 'other', 'Bo', 1, :body)"
            ),
            {"body": other, "id": design_id},
        )
        connection.execute(
            text("UPDATE designs SET latest_revision = 2, author = 'Bo' WHERE id = :id"),
            {"id": design_id},
        )
    (result,) = _results(worker)

    assert (result["revision"], result["conflict"]) == (3, True)
    assert "which Bo saved after you opened 1" in result["message"]
    assert load_design(engine, design_id, revision=2).title == "other"
    assert load_design(engine, design_id).title == "worker late"


@pytest.mark.parametrize("kill_after", [5, 60, 200])
def test_a_writer_killed_mid_save_loses_no_acknowledged_design(
    tmp_path: Path, kill_after: int
) -> None:
    path = tmp_path / "crash.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    worker = subprocess.Popen(
        [*WORKER, "crash", f"sqlite:///{path}"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout is not None
    acknowledged = [int(worker.stdout.readline()) for _ in range(kill_after)]

    worker.send_signal(signal.SIGKILL)  # it is busy saving the next design
    worker.wait(timeout=30)
    acknowledged += [int(line) for line in worker.stdout.read().split()]
    worker.stdout.close()

    with engine.connect() as connection:
        present = set(connection.execute(text("SELECT id FROM designs")).scalars())
    assert worker.returncode == -signal.SIGKILL
    assert set(acknowledged) <= present
    assert [load_design(engine, i).title for i in acknowledged] == [
        f"crash {n}" for n in range(len(acknowledged))
    ]
    # A design committed but not yet printed is whole too: no head row without its revision.
    assert all(load_design(engine, i).title.startswith("crash") for i in present)
    engine.dispose()
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
