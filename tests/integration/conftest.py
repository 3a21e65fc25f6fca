"""Database fixtures: every test gets an empty database, on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from db import make_engine, upgrade
from tests.conftest import need

INSTALL_HINT = "install PostgreSQL (Debian: apt-get install postgresql) or set TEST_POSTGRES_URL"


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres_user(argv: list[str]) -> list[str]:
    # initdb refuses to run as root, so root hands the cluster to the postgres account.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _cluster_dir() -> Path:
    # Under the system temp dir (not pytest's root-only tmp_path) so the postgres user can reach it.
    base = Path(tempfile.mkdtemp(prefix="whiteboard-pg-", dir=tempfile.gettempdir()))
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
    return base


def _start_cluster(initdb: str, pg_ctl: str, base: Path) -> int:
    data, port = base / "data", _free_port()
    subprocess.run(
        _as_postgres_user(
            [initdb, "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    )
    # -l sends the server's output to a file: otherwise it would hold our pipe open forever.
    start = [pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-w", "-o", options, "start"]
    subprocess.run(_as_postgres_user(start), check=True, capture_output=True)
    return port


@pytest.fixture(scope="session")
def postgres_server_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Yield a superuser URL of a PostgreSQL server: TEST_POSTGRES_URL, or a throwaway cluster."""
    if configured := os.environ.get("TEST_POSTGRES_URL"):
        yield configured
        return
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        need(pytestconfig, "postgres", INSTALL_HINT)
    assert initdb is not None
    assert pg_ctl is not None
    base = _cluster_dir()
    try:
        port = _start_cluster(initdb, pg_ctl, base)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = [pg_ctl, "-D", str(base / "data"), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres_user(stop), check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _scratch_postgres_database(server_url: str) -> Iterator[str]:
    """Yield the URL of a new, empty database on `server_url`, dropped on exit."""
    name = f"test_{uuid.uuid4().hex}"
    server = make_engine(server_url)
    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = server.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """Yield the URL of a database created for this test alone, and drop it afterwards."""
    with _scratch_postgres_database(postgres_server_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Yield an engine on an empty database (no tables), once per supported backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'whiteboard.db'}"
    else:
        # Looked up lazily so a SQLite-only run never starts a PostgreSQL cluster.
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """Return an engine on a fresh database migrated to the newest schema."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Yield an engine on a migrated database that every test of one module shares (read-only
    tests over data that is slow to build), once per supported backend."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('module') / 'whiteboard.db'}"
        else:
            server_url = request.getfixturevalue("postgres_server_url")
            url = stack.enter_context(_scratch_postgres_database(server_url))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        yield engine
