"""`python -m db`, run as an admin's script would: a subprocess with DATABASE_URL pointing at a
SQLite file in a temporary directory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from db.engine import PROJECT_ROOT
from db.migrate import alembic_config
from playbook import Design, dump_design, update_design

# The newest migration, whichever it is: later features chain theirs on.
_HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


class Cli:
    """Runs `python -m db` against one database."""

    def __init__(self, url: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": url}

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run one command; return its exit code and output."""
        return subprocess.run(
            [sys.executable, "-m", "db", *args],
            cwd=PROJECT_ROOT, env=self.env, input=stdin, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip

    def count(self, path: Path) -> int:
        """Return how many designs the SQLite file at `path` holds."""
        with closing(sqlite3.connect(path)) as connection:
            (count,) = connection.execute("SELECT COUNT(*) FROM designs").fetchone()
        return int(count)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Return the path of the SQLite file the CLI uses (created by its first command)."""
    return tmp_path / "db" / "whiteboard.db"


@pytest.fixture
def cli(database: Path) -> Cli:
    """Return the CLI bound to `database`, after `upgrade`."""
    database.parent.mkdir()
    runner = Cli(f"sqlite:///{database}")
    assert runner("upgrade").returncode == 0
    return runner


def _design_file(tmp_path: Path, title: str = "From a file") -> Path:
    design = update_design(Design(title=title, author="Ana"), "serving", gpu="l4")
    path = tmp_path / f"{title}.json"
    path.write_text(dump_design(design), encoding="utf-8")
    return path


def test_upgrade_creates_the_schema_and_says_so(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"

    done = Cli(f"sqlite:///{database}")("upgrade")

    assert done.returncode == 0
    assert "up to date" in done.stdout
    with closing(sqlite3.connect(database)) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == _HEAD


def test_import_json_prints_the_committed_id_and_list_json_shows_it(
    cli: Cli, tmp_path: Path
) -> None:
    imported = cli("import", str(_design_file(tmp_path)), "--json")

    saved = json.loads(imported.stdout)
    listed = json.loads(cli("list", "--json").stdout)
    assert imported.returncode == 0
    assert (saved["title"], saved["revision"]) == ("From a file", 1)
    assert [(item["id"], item["title"]) for item in listed] == [(saved["id"], "From a file")]


def test_export_prints_the_design_json_that_was_imported(cli: Cli, tmp_path: Path) -> None:
    path = _design_file(tmp_path)
    design_id = json.loads(cli("import", str(path), "--json").stdout)["id"]

    exported = cli("export", str(design_id))

    assert exported.returncode == 0
    body, original = json.loads(exported.stdout), json.loads(path.read_text(encoding="utf-8"))
    # The saved revision also carries the catalog prices it was costed with (playbook.drift).
    assert body.pop("saved_prices")
    original.pop("saved_prices", None)
    assert body == original


def test_import_reads_standard_input_and_migrates_an_old_design(cli: Cli) -> None:
    old = json.dumps({"name": "Old shape", "notes": {"model": "from v0"}})

    done = cli("import", "-", "--json", stdin=old)
    exported = json.loads(cli("export", str(json.loads(done.stdout)["id"])).stdout)

    assert (exported["title"], exported["model"]["notes"]) == ("Old shape", "from v0")
    assert exported["schema_version"] == 1


def test_list_query_and_limit_narrow_the_list(cli: Cli, tmp_path: Path) -> None:
    for title in ("Alpha bot", "Beta bot", "Gamma tool"):
        cli("import", str(_design_file(tmp_path, title)))

    bots = json.loads(cli("list", "--json", "--query", "BOT").stdout)
    newest = json.loads(cli("list", "--json", "--limit", "1").stdout)
    table = cli("list").stdout

    assert [item["title"] for item in bots] == ["Beta bot", "Alpha bot"]
    assert [item["title"] for item in newest] == ["Gamma tool"]
    assert "3 of 3 designs" in table


def test_a_bad_import_exits_2_naming_the_field_and_saves_nothing(
    cli: Cli, database: Path, tmp_path: Path
) -> None:
    cli("import", str(_design_file(tmp_path)))
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "serving": {"gpus_per_replica": "many"}}')

    done = cli("import", str(bad), "--json")

    assert done.returncode == 2
    assert done.stdout == ""
    assert "GPUs per replica (tensor parallel): must be a whole number" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert cli.count(database) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "999"), "no saved design has id 999"),
        (("export", "abc"), "not a whole number"),
        (("import", "/no/such/file.json"), "cannot read /no/such/file.json"),
        (("list", "--limit", "501"), "limit must be between 1 and 500"),
        (("backup", "/no/such/dir/backup.db"), "/no/such/dir is not a directory"),
        (("launch",), "invalid choice: 'launch'"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    done = cli(*args)

    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_bad_database_url_exits_2_without_the_password(tmp_path: Path) -> None:
    done = Cli("mysql://app:hunter2@db.example/whiteboard")("list", "--json")

    assert done.returncode == 2
    assert "DATABASE_URL" in done.stderr
    assert "hunter2" not in done.stderr


def test_backup_writes_a_database_that_opens_with_the_designs(cli: Cli, tmp_path: Path) -> None:
    ids = [json.loads(cli("import", str(_design_file(tmp_path, t)), "--json").stdout)["id"]
           for t in ("one", "two")]  # fmt: skip
    target = tmp_path / "backup.db"

    done = cli("backup", str(target))

    with closing(sqlite3.connect(target)) as backup:
        rows = backup.execute("SELECT id, title FROM designs ORDER BY id").fetchall()
        check = backup.execute("PRAGMA integrity_check").fetchone()
    assert done.returncode == 0
    assert rows == [(ids[0], "one"), (ids[1], "two")]
    assert check == ("ok",)
    backed_up = Cli(f"sqlite:///{target}")("export", str(ids[1]))
    assert json.loads(backed_up.stdout)["title"] == "two"


def test_import_interviews_brings_old_json_files_into_the_database(
    cli: Cli, database: Path, tmp_path: Path
) -> None:
    from tests.integration.test_db_drafts import _saved

    old = tmp_path / "interviews"
    old.mkdir()
    (old / "aaaa1111.json").write_text(_saved("aaaa1111", 1_700_000_000).model_dump_json())
    (old / "bbbb2222.json").write_text("{not json")

    done = cli("import-interviews", str(old), "--json")
    missing = cli("import-interviews", str(tmp_path / "nowhere"))

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["imported"] == ["aaaa1111"]
    assert [item["file"] for item in report["skipped"]] == ["bbbb2222.json"]
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT id, finished_at IS NOT NULL FROM interviews").fetchall()
    assert rows == [("aaaa1111", 1)]
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr


def test_prune_drafts_reports_what_it_deleted_and_refuses_a_zero_age(cli: Cli) -> None:
    done = cli("prune-drafts", "--days", "7")
    refused = cli("prune-drafts", "--days", "0")

    assert (done.returncode, done.stdout.strip()) == (
        0,
        "deleted 0 drafts untouched for 7 days or more",
    )
    assert refused.returncode == 2
    assert "'0' is not a whole number of at least 1" in refused.stderr
