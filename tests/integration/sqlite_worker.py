"""A separate process that writes to a shared SQLite file, for the two-writer tests.

Run as `python -m tests.integration.sqlite_worker MODE URL WORKER COUNT GO_FILE`. It waits for
GO_FILE to exist, so that two workers start writing together and really contend for the lock.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import text

from db import make_engine, save_design
from playbook import Design


def _wait_for(go_file: Path) -> None:
    deadline = time.monotonic() + 60
    while not go_file.exists():
        if time.monotonic() > deadline:
            raise SystemExit("gave up waiting for the start signal")
        time.sleep(0.01)


def main(mode: str, url: str, worker: str, count: str, go_file: str) -> None:
    """Save designs (mode `save`) or increment a counter (mode `increment`) `count` times."""
    engine = make_engine(url)
    _wait_for(Path(go_file))
    for n in range(int(count)):
        if mode == "save":
            save_design(engine, Design(title=f"worker {worker} design {n}"))
            continue
        # Read, then write from what was read: the pattern a deferred BEGIN silently breaks.
        with engine.begin() as connection:
            value = connection.execute(text("SELECT value FROM counter")).scalar_one()
            connection.execute(text("UPDATE counter SET value = :v"), {"v": value + 1})
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
