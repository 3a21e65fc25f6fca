"""A separate process that writes to a shared database, for the two-writer and crash tests.

    python -m tests.integration.sqlite_worker save URL WORKER COUNT GO_FILE
    python -m tests.integration.sqlite_worker increment URL WORKER COUNT GO_FILE
    python -m tests.integration.sqlite_worker revise URL WORKER DESIGN_ID:COUNT GO_FILE
    python -m tests.integration.sqlite_worker crash URL

The first three wait for GO_FILE to exist, so that two workers start writing together and
really contend for the lock. `revise` prints `ready` once connected, then saves COUNT revisions
of DESIGN_ID, each built on revision 1, and prints each result as a line of JSON. `crash` saves
designs until it is killed, printing each id once its transaction has committed. URL may be
SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

from db import latest_revision, make_engine, save_design, save_revision
from playbook import Design, update_design


def _wait_for(go_file: Path) -> None:
    deadline = time.monotonic() + 60
    while not go_file.exists():
        if time.monotonic() > deadline:
            raise SystemExit("gave up waiting for the start signal")
        time.sleep(0.001)


def _save_or_increment(engine: Engine, mode: str, worker: str, count: int) -> None:
    for n in range(count):
        if mode == "save":
            save_design(engine, Design(title=f"worker {worker} design {n}"))
            continue
        # Read, then write from what was read: the pattern a deferred BEGIN silently breaks.
        with engine.begin() as connection:
            value = connection.execute(text("SELECT value FROM counter")).scalar_one()
            connection.execute(text("UPDATE counter SET value = :v"), {"v": value + 1})


def _revise(engine: Engine, worker: str, design_id: int, count: int) -> None:
    for n in range(count):
        design = update_design(
            Design(title=f"worker {worker}"), "constraints", notes=f"{worker}{n}"
        )
        result = save_revision(
            engine, design_id, design, base_revision=1, author=f"worker {worker}"
        )
        shown = result.model_dump(mode="json", include={"revision", "conflict", "message"})
        print(json.dumps(shown), flush=True)


def _crash(engine: Engine) -> None:
    n = 0
    while True:
        design = update_design(Design(title=f"crash {n}"), "constraints", notes="x" * 4_000)
        saved = save_design(engine, design)
        # Printed only after save_design returned, i.e. after the commit: an acknowledgement.
        print(saved.id, flush=True)
        n += 1


def main(mode: str, url: str, *rest: str) -> None:
    """Run one mode (see the module docstring) against the database at `url`."""
    engine = make_engine(url)
    if mode == "crash":
        _crash(engine)
    worker, number, go_file = rest
    if mode == "revise":
        design_id, count = number.split(":")
        latest_revision(engine, int(design_id))  # connected and imported: ready to race
        print("ready", flush=True)
        _wait_for(Path(go_file))
        _revise(engine, worker, int(design_id), int(count))
    else:
        _wait_for(Path(go_file))
        _save_or_increment(engine, mode, worker, int(number))
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
