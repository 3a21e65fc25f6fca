"""`db` loads each public name with its own module, on first use, and Alembic only to migrate."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import db

ROOT = Path(__file__).resolve().parents[2]


def _type_checking_imports() -> dict[str, str]:
    """Return name -> module for the imports db/__init__.py shows type checkers."""
    tree = ast.parse((ROOT / "db" / "__init__.py").read_text("utf-8"))
    block = next(
        node for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )  # fmt: skip
    return {
        alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def _loaded_after(script: str) -> list[str]:
    watched = ("sqlalchemy", "alembic", "db.drafts", "db.interviews", "playbook.interview")
    report = f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))"
    code = f"import json, sys\n{script}\n{report}"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_every_public_name_comes_from_the_module_the_table_names() -> None:
    homes = db._HOME

    assert sorted(homes) == sorted(db.__all__)
    for name, module in homes.items():
        assert getattr(db, name) is getattr(importlib.import_module(module), name), name


def test_the_imports_type_checkers_see_are_the_table() -> None:
    assert _type_checking_imports() == db._HOME


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = db.no_such_thing  # type: ignore[attr-defined]


def test_importing_db_loads_nothing_and_a_store_loads_no_alembic() -> None:
    assert _loaded_after("import db") == []
    assert _loaded_after("from db import DbDraftStore, make_engine") == [
        "sqlalchemy", "db.drafts", "db.interviews", "playbook.interview",
    ]  # fmt: skip


def test_alembic_loads_when_a_migration_runs() -> None:
    script = (
        "from db import make_engine, upgrade\n"
        "engine = make_engine('sqlite://')\n"
        "assert 'alembic' not in sys.modules\n"
        "upgrade(engine)"
    )

    assert "alembic" in _loaded_after(script)
