"""Time the design library with 10,000 saved designs: save a revision, load a design, list a
page of 50, search. SQLite always (a temporary file); PostgreSQL too when `DATABASE_URL` or
`TEST_POSTGRES_URL` names a server, in a scratch database created there and dropped after
(the configured database itself is never written to)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from db import (
    latest_revision,
    list_designs,
    load_design,
    make_engine,
    save_revision,
    upgrade,
)
from db.bulk import save_designs
from playbook import Design, update_design

DESIGNS = 10_000
RUNS = 51
SCENARIOS = ("customer-support", "code-review", "contracts-qa", "internal-search", "sales-copilot")
AUTHORS = ("Ana", "Bo", "Chloé", "Dev", "Emeka", "Fatima", "Gus", "Hana")
QUERIES = ("support 12", "chloé", "contracts", "no such design")


def _library() -> list[Design]:
    base = update_design(Design(), "constraints", notes="n" * 500)
    return [
        base.model_copy(
            update={
                "title": f"{SCENARIOS[n % 5].replace('-', ' ').title()} {n}",
                "scenario": SCENARIOS[n % len(SCENARIOS)],
                "author": AUTHORS[n % len(AUTHORS)],
            }
        )
        for n in range(DESIGNS)
    ]


def _median_ms(call: Callable[[int], object]) -> tuple[float, float, float]:
    call(0)  # warm caches and the connection pool
    seconds = []
    for run in range(RUNS):
        start = time.perf_counter()
        call(run)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3, min(seconds) * 1e3, max(seconds) * 1e3


def _measure(engine: Engine, label: str) -> None:
    start = time.perf_counter()
    ids = save_designs(engine, _library())
    print(f"{label}: {DESIGNS:,} designs bulk-inserted in {time.perf_counter() - start:.1f} s")
    with engine.begin() as connection:
        # Planner statistics, as PostgreSQL's autovacuum gathers them soon after a bulk load.
        connection.execute(text("ANALYZE"))
    picks = ids[:: len(ids) // (RUNS + 1)][: RUNS + 1]  # spread over the whole table
    edited = update_design(Design(title="Edited"), "serving", replicas=2)

    def save(run: int) -> None:
        design_id = picks[run]
        save_revision(engine, design_id, edited, base_revision=latest_revision(engine, design_id))

    operations: dict[str, Callable[[int], object]] = {
        "save a revision (+ latest_revision)": save,
        "load a design": lambda run: load_design(engine, picks[run]),
        "list the first page of 50": lambda _run: list_designs(engine, limit=50),
        "list page 100 of 50 (offset 4,950)": lambda _run: list_designs(
            engine, limit=50, offset=4_950
        ),
        "search (substring, 50 + total)": lambda run: list_designs(
            engine, query=QUERIES[run % len(QUERIES)], limit=50
        ),
        "filter by author and scenario": lambda run: list_designs(
            engine, author=AUTHORS[run % len(AUTHORS)], scenario=SCENARIOS[run % 5], limit=50
        ),
    }
    for name, call in operations.items():
        median, fastest, slowest = _median_ms(call)
        print(
            f"  {name:<38} median {median:7.2f} ms  "
            f"(fastest {fastest:.2f}, slowest {slowest:.2f}; {RUNS} runs)"
        )


@contextmanager
def _sqlite() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="whiteboard-bench-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def _postgres_server() -> str | None:
    for name in ("DATABASE_URL", "TEST_POSTGRES_URL"):
        url = os.environ.get(name, "").strip()
        if url.startswith(("postgres://", "postgresql")):
            return url
    return None


@contextmanager
def _postgres(server_url: str) -> Iterator[Engine]:
    name = f"whiteboard_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = make_url(server_url).set(database=name)
    engine = make_engine(scratch.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.engine.dispose()


def run() -> None:
    """Print the library timings on SQLite, and on PostgreSQL when a server is configured."""
    print(f"\n== Design library timing ({DESIGNS:,} designs) ==")
    with _sqlite() as engine:
        _measure(engine, "SQLite (WAL, temporary file)")
    server = _postgres_server()
    if server is None:
        print("PostgreSQL: skipped (set DATABASE_URL or TEST_POSTGRES_URL to a server)")
        return
    try:
        with _postgres(server) as engine:
            _measure(engine, f"PostgreSQL ({engine.url.host}:{engine.url.port})")
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0]
        print(f"PostgreSQL: skipped, the scratch database could not be used: {first}")


if __name__ == "__main__":
    run()
