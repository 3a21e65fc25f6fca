"""Revisions never overwrite: every save is a new revision, a stale base is a conflict on top,
and delete is soft; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text

from db import (
    DesignNotFoundError,
    RevisionNotFoundError,
    delete_design,
    duplicate_design,
    latest_revision,
    list_designs,
    list_revisions,
    load_design,
    restore_design,
    save_design,
    save_revision,
)
from db.models import RevisionRow
from playbook import Design, DesignError, update_design


def _design(title: str = "Support bot", ttft_ms: int = 800) -> Design:
    design = Design(title=title, scenario="customer-support", author="Ana")
    return update_design(design, "constraints", ttft_ms=ttft_ms)


def test_a_new_design_starts_at_revision_one_saved_by_its_author(engine: Engine) -> None:
    saved = save_design(engine, _design())

    history = list_revisions(engine, saved.id)

    assert (saved.revision, saved.deleted, saved.author) == (1, False, "Ana")
    assert [(r.number, r.author, r.title) for r in history] == [(1, "Ana", "Support bot")]
    assert latest_revision(engine, saved.id) == 1


def test_the_author_argument_names_who_saved_instead_of_the_design_author(engine: Engine) -> None:
    saved = save_design(engine, _design(), author="Bo")

    history = list_revisions(engine, saved.id)

    assert saved.author == "Bo"
    assert history[0].author == "Bo"
    assert load_design(engine, saved.id).author == "Ana"


def test_every_save_is_a_new_revision_and_each_loads_back_unchanged(engine: Engine) -> None:
    versions = [_design(f"take {n}", ttft_ms=500 + 100 * n) for n in range(4)]
    saved = save_design(engine, versions[0])

    results = [
        save_revision(engine, saved.id, version, base_revision=n, author="Ana")
        for n, version in enumerate(versions[1:], start=1)
    ]

    assert [result.revision for result in results] == [2, 3, 4]
    assert not any(result.conflict for result in results)
    assert [load_design(engine, saved.id, revision=n) for n in (1, 2, 3, 4)] == versions
    assert load_design(engine, saved.id) == versions[-1]
    assert [r.number for r in list_revisions(engine, saved.id)] == [4, 3, 2, 1]
    assert [r.title for r in list_revisions(engine, saved.id)] == [
        "take 3", "take 2", "take 1", "take 0",
    ]  # fmt: skip


def test_a_save_updates_the_listed_title_revision_and_time(engine: Engine) -> None:
    saved = save_design(engine, _design("before"))

    result = save_revision(engine, saved.id, _design("after"), base_revision=1)

    listed = list_designs(engine).items
    assert listed == (result.summary,)
    assert (listed[0].title, listed[0].revision) == ("after", 2)
    assert listed[0].updated_at > saved.updated_at
    assert result.message == "Saved as revision 2."


def test_a_save_from_a_stale_base_is_kept_on_top_with_a_conflict_notice(engine: Engine) -> None:
    saved = save_design(engine, _design("original"))
    save_revision(engine, saved.id, _design("Bo's change"), base_revision=1, author="Bo")

    mine = save_revision(engine, saved.id, _design("my change"), base_revision=1, author="Ana")

    assert (mine.revision, mine.conflict) == (3, True)
    assert mine.message.startswith("Saved as revision 3 on top of 2, which Bo saved after you")
    assert "opened 1" in mine.message
    assert load_design(engine, saved.id, revision=2).title == "Bo's change"
    assert load_design(engine, saved.id, revision=3).title == "my change"


def test_a_conflict_notice_names_everyone_who_saved_in_between(engine: Engine) -> None:
    saved = save_design(engine, _design())
    for n, who in enumerate(["Bo", "Cy", "Bo"], start=1):
        save_revision(engine, saved.id, _design(f"by {who}"), base_revision=n, author=who)

    mine = save_revision(engine, saved.id, _design("mine"), base_revision=1, author="Ana")

    assert mine.revision == 5
    assert "which Bo and Cy saved after you opened 1" in mine.message
    assert "revisions 2-4 were saved in between" in mine.message


@pytest.mark.parametrize("base", [0, -1, 3])
def test_a_base_revision_that_does_not_exist_is_refused(engine: Engine, base: int) -> None:
    saved = save_design(engine, _design())
    save_revision(engine, saved.id, _design(), base_revision=1)

    with pytest.raises(ValueError, match=r"base_revision: design \d+ has revisions 1 to 2"):
        save_revision(engine, saved.id, _design(), base_revision=base)

    assert latest_revision(engine, saved.id) == 2


def test_saving_a_revision_of_a_missing_design_raises_not_found(engine: Engine) -> None:
    with pytest.raises(DesignNotFoundError, match="404"):
        save_revision(engine, 404, _design(), base_revision=1)


def test_loading_a_missing_revision_names_the_revisions_there_are(engine: Engine) -> None:
    saved = save_design(engine, _design())

    with pytest.raises(RevisionNotFoundError, match=r"has no revision 7 \(it has 1 to 1\)") as e:
        load_design(engine, saved.id, revision=7)

    assert isinstance(e.value, DesignNotFoundError)
    assert e.value.revision == 7


@pytest.mark.parametrize(
    "call",
    [latest_revision, list_revisions, delete_design, restore_design],
    ids=lambda call: call.__name__,
)
def test_calls_on_a_missing_design_raise_not_found(
    engine: Engine, call: Callable[[Engine, int], object]
) -> None:
    with pytest.raises(DesignNotFoundError, match="31337"):
        call(engine, 31337)


def test_revision_rows_are_only_ever_added(engine: Engine) -> None:
    saved = save_design(engine, _design("v1"))
    with engine.connect() as connection:
        first_body = connection.scalar(select(RevisionRow.body))

    for n in range(1, 4):
        save_revision(engine, saved.id, _design(f"v{n + 1}"), base_revision=1 if n == 3 else n)

    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(RevisionRow))
        body_now = connection.scalar(select(RevisionRow.body).where(RevisionRow.number == 1))
    assert count == 4
    assert body_now == first_body


def test_duplicating_copies_the_newest_revision_under_a_new_title(engine: Engine) -> None:
    saved = save_design(engine, _design("original", ttft_ms=600))
    save_revision(engine, saved.id, _design("original", ttft_ms=900), base_revision=1)

    copy = duplicate_design(engine, saved.id, title="copy", author="Bo")

    loaded = load_design(engine, copy.id)
    assert copy.id != saved.id
    assert (copy.title, copy.revision, copy.author) == ("copy", 1, "Bo")
    assert loaded.constraints.ttft_ms == 900
    assert load_design(engine, saved.id).title == "original"


def test_duplicating_with_a_title_too_long_names_the_field(engine: Engine) -> None:
    saved = save_design(engine, _design())

    with pytest.raises(DesignError, match="title"):
        duplicate_design(engine, saved.id, title="x" * 201)

    assert list_designs(engine).total == 1


def test_a_deleted_design_leaves_the_list_and_comes_back_on_restore(engine: Engine) -> None:
    kept, gone = save_design(engine, _design("kept")), save_design(engine, _design("gone"))

    delete_design(engine, gone.id)
    delete_design(engine, gone.id)  # twice is harmless
    after_delete = list_designs(engine)
    with_deleted = list_designs(engine, include_deleted=True)
    only_deleted = list_designs(engine, only_deleted=True)
    restore_design(engine, gone.id)
    after_restore = list_designs(engine)

    assert [item.id for item in after_delete.items] == [kept.id]
    assert after_delete.total == 1
    assert [(item.id, item.deleted) for item in with_deleted.items] == [
        (gone.id, True), (kept.id, False),
    ]  # fmt: skip
    assert [item.id for item in only_deleted.items] == [gone.id]
    assert [item.id for item in after_restore.items] == [gone.id, kept.id]
    assert load_design(engine, gone.id).title == "gone"


def test_a_deleted_design_still_loads_and_keeps_its_revisions(engine: Engine) -> None:
    saved = save_design(engine, _design("v1"))
    save_revision(engine, saved.id, _design("v2"), base_revision=1)

    delete_design(engine, saved.id)

    assert load_design(engine, saved.id, revision=1).title == "v1"
    assert [r.number for r in list_revisions(engine, saved.id)] == [2, 1]


def test_saving_a_deleted_design_keeps_the_work_and_says_it_is_deleted(engine: Engine) -> None:
    saved = save_design(engine, _design())
    delete_design(engine, saved.id)

    result = save_revision(engine, saved.id, _design("late edit"), base_revision=1)

    assert result.summary.deleted
    assert "restore it" in result.message
    assert load_design(engine, saved.id).title == "late edit"


def test_deleting_keeps_every_row(engine: Engine) -> None:
    saved = save_design(engine, _design())

    delete_design(engine, saved.id)

    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT COUNT(*) FROM designs WHERE deleted_at IS NOT NULL")
        ).scalar()
    assert rows == 1
