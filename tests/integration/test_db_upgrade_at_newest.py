"""`upgrade` on a database already at the newest revision reads its revision and loads no Alembic.

Every process migrates on its first use of the database; after the first start (or in every
replica but the one that migrated) there is nothing to do, and Alembic is about 130 ms to load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from db import make_engine, upgrade
from db.migrate import alembic_config, at_newest, head_revision, newest_revision

ROOT = Path(__file__).resolve().parents[2]


def _alembic_loaded_by_upgrade(url: str) -> bool:
    """Run `upgrade` on `url` in a fresh interpreter; return whether it loaded Alembic."""
    script = (
        "import json, sys\n"
        "from db import make_engine, upgrade\n"
        f"upgrade(make_engine({url!r}))\n"
        "print(json.dumps('alembic' in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded: bool = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def _revision(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_the_newest_revision_read_from_the_files_is_alembic_s_head() -> None:
    assert newest_revision() == head_revision()


def test_a_database_is_at_the_newest_revision_only_once_migrated_to_it(
    empty_engine: Engine,
) -> None:
    assert not at_newest(empty_engine)  # no revision table yet

    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003_share")
    assert not at_newest(empty_engine)

    upgrade(empty_engine)
    assert at_newest(empty_engine)
    assert _revision(empty_engine) == [newest_revision()]


def test_upgrade_loads_alembic_only_when_there_is_something_to_migrate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'designs.db'}"

    first = _alembic_loaded_by_upgrade(url)
    again = _alembic_loaded_by_upgrade(url)

    assert first  # a new database: every migration ran
    assert not again  # already at the newest: one read, no Alembic
    assert _revision(make_engine(url)) == [newest_revision()]


def test_a_database_left_behind_is_migrated_on_the_next_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'designs.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003_share")

    assert _alembic_loaded_by_upgrade(url)
    assert _revision(engine) == [newest_revision()]
