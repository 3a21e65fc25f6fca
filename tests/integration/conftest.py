"""Database fixtures: every test gets an empty database, on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from db import make_engine, upgrade
from tests.conftest import need
from tests.postgres import INSTALL_HINT, throwaway_server


@pytest.fixture(scope="session")
def postgres_server_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Yield a superuser URL of a PostgreSQL server: TEST_POSTGRES_URL, or a throwaway cluster."""
    if configured := os.environ.get("TEST_POSTGRES_URL"):
        yield configured
        return
    with throwaway_server(lambda: need(pytestconfig, "postgres", INSTALL_HINT)) as url:
        yield url


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
