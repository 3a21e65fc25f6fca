"""Dependencies point inward: the domain imports no UI, database or rendering library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported_roots(package: str) -> set[str]:
    roots = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("playbook", {"streamlit", "sqlalchemy", "graphviz", "alembic", "psycopg", "ui", "db"}),
        ("diagrams", {"streamlit", "sqlalchemy", "db", "ui"}),
        ("db", {"streamlit", "graphviz", "diagrams", "ui"}),
    ],
)
def test_a_package_does_not_import_outer_layers(package: str, forbidden: set[str]) -> None:
    assert _imported_roots(package) & forbidden == set()


def test_every_page_file_is_routed_by_the_navigation() -> None:
    from ui.navigation import SECTIONS

    routed = {spec.path for specs in SECTIONS.values() for spec in specs}

    on_disk = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")}
    assert on_disk == routed
