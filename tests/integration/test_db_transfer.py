"""Export and import: JSON with schema_version both ways; an import validates and migrates
first, then saves whole or not at all (hostile input included); and the backup."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from db import (
    DbDraftStore,
    DbInterviewStore,
    DesignImportError,
    RevisionNotFoundError,
    add_comment,
    backup_database,
    export_design,
    grant_access,
    import_design,
    list_designs,
    load_design,
    make_engine,
    save_design,
    save_revision,
    upgrade,
)
from db.llm_usage import start_call
from db.models import DesignRow, RevisionRow
from playbook import Design, update_design
from playbook.drafts import Draft, key_hash, new_key
from playbook.llm_budget import Budget
from tests.integration.test_db_drafts import _interview, _saved

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes them, JSON has none
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)
FIELDS = [
    "schema_version", "title", "scenario", "author", "constraints", "technique", "model",
    "retrieval", "serving", "evaluation", "custom_models", "custom_gpus", "components",
    "name", "notes", "unexpected",
]  # fmt: skip


def _rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        designs = connection.scalar(select(func.count()).select_from(DesignRow))
        revisions = connection.scalar(select(func.count()).select_from(RevisionRow))
    return designs or 0, revisions or 0


def _design() -> Design:
    design = Design(title="Exported", scenario="contracts-qa", author="Ana")
    design = update_design(design, "retrieval", chunk_tokens=1_024, notes="Ünïcödé ✓")
    return update_design(design, "constraints", notes='quote " and \\ backslash')


def test_an_exported_design_imports_back_equal(engine: Engine) -> None:
    saved = save_design(engine, _design())

    exported = export_design(engine, saved.id)
    imported = import_design(engine, exported, author="Bo")

    assert json.loads(exported)["schema_version"] == 1
    assert imported.id != saved.id
    assert imported.author == "Bo"
    assert load_design(engine, imported.id) == _design()


def test_an_export_of_an_older_revision_has_that_revision(engine: Engine) -> None:
    saved = save_design(engine, _design())
    save_revision(engine, saved.id, Design(title="newer"), base_revision=1)

    first, newest = export_design(engine, saved.id, revision=1), export_design(engine, saved.id)

    assert json.loads(first)["title"] == "Exported"
    assert json.loads(newest)["title"] == "newer"
    with pytest.raises(RevisionNotFoundError):
        export_design(engine, saved.id, revision=3)


def test_bytes_import_like_text(engine: Engine) -> None:
    imported = import_design(engine, export_design(engine, save_design(engine, _design()).id))

    again = import_design(engine, export_design(engine, imported.id).encode("utf-8"))

    assert load_design(engine, again.id) == _design()


def test_a_version_0_design_is_migrated_on_import(engine: Engine) -> None:
    old = {
        "name": "Before versions",
        "author": "Ana",
        "notes": {"constraints": "tight budget", "serving": "one GPU"},
        "serving": {"gpu": "l4"},
    }

    imported = import_design(engine, json.dumps(old))

    design = load_design(engine, imported.id)
    assert design.title == imported.title == "Before versions"
    assert (design.constraints.notes, design.serving.notes) == ("tight budget", "one GPU")
    assert design.serving.gpu == "l4"
    assert design.schema_version == 1


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{", "file: not valid JSON"),
        ("[1, 2]", "a design is a JSON object, not list"),
        ('"a string"', "a design is a JSON object, not str"),
        ('{"schema_version": 9}', "schema_version: 9 is newer than this app understands"),
        ('{"schema_version": "1"}', "schema_version: must be one of 0"),
        ('{"schema_version": true}', "schema_version: must be one of 0"),
        ('{"schema_version": 1, "warp_drive": 1}', "warp_drive"),
        (
            '{"schema_version": 1, "constraints": {"ttft_ms": "fast"}}',
            "Time to first token, TTFT (ms): must be a whole number",
        ),
        ('{"schema_version": 1, "serving": {"gpu": "tpu-v9"}}', "GPU: 'tpu-v9' is not one of"),
        ('{"schema_version": 1, "title": ' + json.dumps("t" * 201) + "}", "title"),
        ('{"constraints": {"ttft_ms": NaN}}', "NaN is not a JSON number"),
        ('{"constraints": {"ttft_ms": Infinity}}', "Infinity is not a JSON number"),
        ('{"title": "\\ud800"}', "title: contains an unpaired surrogate"),
        ('{"notes": "flat"}', "Notes: in a version 0 design, an object"),
        ('{"notes": {"deploy": "x"}}', "Notes: 'deploy' is not a phase; one of: constraints"),
        ('{"title": "a", "title": "b"}', "file: the key 'title' appears twice in one object"),
        (
            '{"constraints": {"itl_ms": 1' + "0" * 400 + "}}",
            "Inter-token latency, ITL (ms): must be at most 2,000, not a number of 401 digits",
        ),
        (
            '{"constraints": {"peak_qps": 1e400}}',
            "Peak requests per second (QPS): must be a finite number",
        ),
        ("[" * 100_000 + "]" * 100_000, "file: nested too deeply"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "file: nested too deeply"),
        ('{"title": "' + "x" * 2_000_001 + '"}', "file: at most 2,000,000 bytes"),
        (b"\xff\xfe\x00garbage", "file: not valid JSON"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else repr(value)[:40],
)
def test_a_bad_import_names_the_problem_and_saves_nothing(
    engine: Engine, text: str | bytes, named: str
) -> None:
    save_design(engine, _design())
    before = _rows(engine)

    with pytest.raises(DesignImportError) as raised:
        import_design(engine, text)

    assert named in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert all(len(problem) <= 300 for problem in raised.value.problems)
    assert _rows(engine) == before


def _valid_design_json() -> str:
    """Return a valid design's JSON, as an export writes it."""
    return _design().model_dump_json()


def _check_import(engine: Engine, text: str | bytes) -> None:
    """Import `text`: either a DesignImportError and no new rows, or one whole new design."""
    before = _rows(engine)
    try:
        saved = import_design(engine, text)
    except DesignImportError:
        assert _rows(engine) == before
        return
    assert _rows(engine) == (before[0] + 1, before[1] + 1)
    assert load_design(engine, saved.id).title == saved.title


@HYPOTHESIS
@given(value=JSON_VALUES)
def test_any_json_value_imports_whole_or_not_at_all(engine: Engine, value: Any) -> None:
    _check_import(engine, json.dumps(value))


@HYPOTHESIS
@given(field=st.sampled_from(FIELDS), value=JSON_VALUES, huge=st.booleans())
def test_a_design_with_one_field_replaced_imports_whole_or_not_at_all(
    engine: Engine, field: str, value: Any, huge: bool
) -> None:
    data = json.loads(_valid_design_json())
    data[field] = "x" * 50_000 if huge else value

    _check_import(engine, json.dumps(data))


@HYPOTHESIS
@given(
    phase=st.sampled_from(["constraints", "retrieval", "serving", "evaluation"]),
    extra=st.dictionaries(st.text(max_size=30), JSON_VALUES, min_size=1, max_size=3),
)
def test_extra_or_wrong_fields_inside_a_phase_import_whole_or_not_at_all(
    engine: Engine, phase: str, extra: dict[str, Any]
) -> None:
    data = json.loads(_valid_design_json())
    data[phase] = {**data[phase], **extra}

    _check_import(engine, json.dumps(data))


@HYPOTHESIS
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_bytes_and_text_import_whole_or_not_at_all(
    engine: Engine, raw: bytes | str
) -> None:
    _check_import(engine, raw)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """Yield an engine on a migrated SQLite file in `tmp_path/db/`, apart from the backups."""
    (tmp_path / "db").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'whiteboard.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_a_sqlite_backup_opens_and_holds_every_design(
    tmp_path: Path, sqlite_engine: Engine
) -> None:
    engine = sqlite_engine
    ids = [save_design(engine, Design(title=f"kept {n}")).id for n in range(3)]
    add_comment(engine, ids[0], author="Bo", body="backed up too", phase="model")

    written = backup_database(engine, tmp_path / "backup.db")

    with closing(sqlite3.connect(written)) as backup:
        titles = backup.execute("SELECT id, title FROM designs ORDER BY id").fetchall()
        comments = backup.execute("SELECT body FROM comments").fetchall()
        check = backup.execute("PRAGMA integrity_check").fetchone()
    assert titles == [(design_id, f"kept {n}") for n, design_id in enumerate(ids)]
    assert comments == [("backed up too",)]
    assert check == ("ok",)


def test_a_backup_replaces_an_older_one_at_the_same_path(
    tmp_path: Path, sqlite_engine: Engine
) -> None:
    target = tmp_path / "backups" / "latest"
    target.parent.mkdir()
    target.write_text("an older backup")
    save_design(sqlite_engine, Design(title="fresh"))

    backup_database(sqlite_engine, target)

    with closing(sqlite3.connect(target)) as backup:
        titles = backup.execute("SELECT title FROM designs").fetchall()
    assert titles == [("fresh",)]
    assert [path.name for path in target.parent.iterdir()] == ["latest"]


@pytest.mark.postgres
def test_a_postgres_backup_is_json_with_revisions_comments_and_links(
    tmp_path: Path, postgres_url: str
) -> None:
    engine = make_engine(postgres_url)
    upgrade(engine)
    saved = save_design(engine, _design())
    save_revision(engine, saved.id, Design(title="second"), base_revision=1)
    add_comment(engine, saved.id, author="Bo", body="noted", phase="serving")

    written = backup_database(engine, tmp_path / "backup.json")

    document = json.loads(written.read_text(encoding="utf-8"))
    (design,) = document["designs"]
    assert document["format"] == "genai-design-whiteboard-backup"
    assert (design["id"], design["title"], design["latest_revision"]) == (saved.id, "second", 2)
    assert [r["number"] for r in design["revisions"]] == [1, 2]
    assert Design.model_validate(design["revisions"][0]["body"]) == _design()
    assert [c["body"] for c in design["comments"]] == ["noted"]
    assert list_designs(engine).total == 1
    engine.dispose()


@pytest.mark.postgres
def test_a_postgres_backup_holds_interviews_drafts_grants_and_llm_usage(
    tmp_path: Path, postgres_url: str
) -> None:
    # Every table the app writes is in the document, not only the designs (version 2).
    engine = make_engine(postgres_url)
    upgrade(engine)
    saved = save_design(engine, _design(), user="ada")
    grant_access(engine, saved.id, grantee="grace", role="reviewer", user="ada")
    key = new_key()
    DbDraftStore(engine).save(key, Draft(design=Design(title="unsaved"), interview=_interview()))
    DbInterviewStore(engine).save(_saved("bbbb2222", finished_at=1_700_003_000))
    budget = Budget(calls_per_hour=3, tokens_per_day=1_000, models=("m",))
    _standing, call_id = start_call(engine, "ada", model="m", budget=budget, tokens=40)
    assert call_id is not None

    document = json.loads(backup_database(engine, tmp_path / "b.json").read_text("utf-8"))

    assert document["version"] == 2
    (design,) = document["designs"]
    assert [(g["grantee"], g["role"]) for g in design["access"]] == [("grace", "reviewer")]
    (draft,) = document["drafts"]
    assert draft["key_sha256"] == key_hash(key)
    assert key not in json.dumps(document)  # the key itself is never written
    assert Design.model_validate(draft["design"]).title == "unsaved"
    interviews = {row["id"]: row for row in document["interviews"]}
    assert set(interviews) == {"aaaa1111", "bbbb2222"}  # under way (the draft's) and finished
    assert interviews["bbbb2222"]["scorecard"]["session_id"] == "bbbb2222"
    assert interviews["aaaa1111"]["finished_at"] is None
    (usage,) = document["llm_usage"]
    assert (usage["user_id"], usage["model"], usage["tokens"]) == ("ada", "m", 40)
    engine.dispose()
