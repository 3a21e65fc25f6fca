"""Fuzzing the importer and the command line: what is accepted works everywhere afterwards (load,
export, share through SQLite, DOT, Mermaid, the report); what is refused says which field or
limit, by the label a user sees."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from cli import main as playbook_cli
from db import DesignImportError, create_share_link, make_engine, resolve_share_link, upgrade
from db.designs import save_design
from db.transfer import parse_import
from diagrams import design_dot, design_mermaid, design_report
from playbook import Design, dump_design, parse_design, update_design
from playbook.design import (
    CUSTOM_GPU_FIELDS,
    CUSTOM_MODEL_FIELDS,
    Component,
    catalog_for,
)
from playbook.design import (
    Design as DesignModel,
)
from playbook.fields import described_fields, nested_model
from tests.hostile import hostile_design, json_of

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [
    json_of(Design()),
    json_of(update_design(Design(), "model", kind="routing")),
    json_of(hostile_design()),
]


def _names() -> set[str]:
    # Every name a refusal may start with: field labels, section and entry labels, limits.
    found = {"file", "schema_version", "Text", "The design", "Notes", "Name", "Source"}
    found |= {table[0] for fields in (CUSTOM_MODEL_FIELDS, CUSTOM_GPU_FIELDS)
              for table in fields.values()}  # fmt: skip
    for model in (DesignModel, Component):
        for name, described in described_fields(model).items():
            found |= {described.label, described.title}
            part = nested_model(model, name)
            if part is not None:
                found |= {m.label for m in described_fields(part).values()}
    return found


NAMES = _names()


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


JSON_LEAVES = st.one_of(
    st.sampled_from([0, -1, 1, 10**400, -(10**400), 2**63, 10**20, 0.5, -1e300, 1.5e300]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["", "hnsw", "h100-sxm", "llama-3.1-8b", "rag", "\u202e\u200b\x00", "[x](y)"]),
    st.booleans(),
    st.none(),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def design_texts(draw: st.DrawFn) -> str:
    """Return JSON text: a valid design with a few of its values replaced, removed or added."""
    data = json.loads(json.dumps(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        owner = data
        for key in path[:-1]:
            owner = owner[key]
        action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
        if action == "set":
            owner[path[-1]] = draw(JSON_VALUES)
        elif action == "delete" and isinstance(owner, dict):
            del owner[path[-1]]
        elif isinstance(owner, dict):
            owner[draw(st.text(min_size=1, max_size=12))] = draw(JSON_VALUES)
    text = json.dumps(data)
    # What json.dumps cannot write: a number past a float's range, and a key given twice.
    trick = draw(st.sampled_from(["none", "none", "overflow", "duplicate"]))
    if trick == "overflow":
        text = text.replace("1.5e+300", "1e400").replace("3.35", "1e400", 1)
    elif trick == "duplicate":
        text = text.replace("{", '{"title": "first", ', 1)
    return text


def _assert_named(problems: list[str]) -> None:
    assert problems
    # A long list is cut after the first few, with a count of the rest: that line names no field.
    if re.fullmatch(r"and \d+ more problems", problems[-1]):
        problems = problems[:-1]
    for problem in problems:
        head = problem.split(": ")[0]
        assert any(name in head for name in NAMES), problem
        assert "_" not in head or head.startswith(("file", "schema_version")), problem


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    found = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'designs.db'}")
    upgrade(found)
    return found


def _works_everywhere(design: Design, engine: Engine) -> None:
    assert parse_design(dump_design(design)) == design  # loaded and exported again
    saved = save_design(engine, design)
    token = create_share_link(engine, saved.id).token
    assert resolve_share_link(engine, token) == (saved.id, design)  # shared, read back
    assert "digraph" in design_dot(design)
    assert design_mermaid(design).startswith("flowchart")
    assert design_report(design, catalog_for(design)).startswith("# ")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=design_texts())
def test_an_import_is_usable_everywhere_or_refused_naming_the_field(
    text: str, engine: Engine
) -> None:
    try:
        design = parse_import(text)
    except DesignImportError as refused:
        _assert_named(refused.problems)
        return

    _works_everywhere(design, engine)


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = playbook_cli(args)
    captured = capsys.readouterr()
    return status, captured.err


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=design_texts())
def test_the_cli_checks_and_draws_what_it_accepts_and_exits_2_naming_the_field_otherwise(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "design.json"
    path.write_text(text, "utf-8")

    checked, error = _cli(["check", str(path)], capsys)
    drawn, _ = _cli(
        ["diagram", str(path), "--format", "mermaid", "-o", str(tmp_path / "d")], capsys
    )

    if checked == 2:
        assert drawn == 2
        reasons = error.split("is not a valid design: ", 1)[1].strip()
        _assert_named([reasons])  # one line: the first problem leads it
    else:
        assert checked in (0, 1)  # 1: the rubric found something that blocks
        assert drawn == 0


EIGHTEEN_THOUSAND = json.dumps(
    {"components": [{"id": f"c{i}", "name": "x", "kind": "tool", "phase": "model"}
                    for i in range(18_000)]}
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('{"constraints": {"itl_ms": 1' + "0" * 400 + "}}", "Inter-token latency, ITL (ms)"),
        ('{"title": "a", "title": "b"}', "the key 'title' appears twice"),
        (EIGHTEEN_THOUSAND, "Own components: at most 100 in a design, not 18,000"),
    ],
    ids=["400-digit int", "duplicate key", "18,000 components"],
)
def test_the_command_line_refuses_with_status_2_and_no_traceback(
    text: str, named: str, tmp_path: Path
) -> None:
    path = tmp_path / "design.json"
    path.write_text(text, "utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "playbook", "check", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr
