"""Drafts and interviews in the database, on SQLite and PostgreSQL: kept under a key's hash,
listed when unsaved, handed over, discarded; interviews under way and finished."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from db import DbDraftStore, DbInterviewStore, import_interview_files, upgrade
from db.drafts import prune_drafts
from db.migrate import alembic_config
from playbook import Design, update_design
from playbook.clock import InterviewClock, start_clock
from playbook.drafts import (
    Draft,
    DraftNotFoundError,
    OpenedFrom,
    design_digest,
    key_hash,
    new_key,
)
from playbook.interview import (
    InterviewNotFoundError,
    InterviewSession,
    SavedInterview,
    ask,
    start_session,
)
from playbook.scenarios import load_scenario
from tests.unit.test_interview_export import sample_card

EDITED = update_design(Design(title="Support bot, unsaved"), "constraints", ttft_ms=1_500)


def _interview(session_id: str = "aaaa1111") -> InterviewSession:
    started = start_session("contract-qa", session_id=session_id, now=1_700_000_000)
    return ask(started, "accuracy", phase="constraints", at_s=12.5)


def _saved(session_id: str, finished_at: float) -> SavedInterview:
    card = sample_card().model_copy(update={"session_id": session_id, "finished_at": finished_at})
    started = start_session(card.prompt_id, session_id=session_id, now=finished_at - 2_700)
    session = started.model_copy(update={"finished_at": finished_at})
    return SavedInterview(session=session, design=load_scenario(card.reference), scorecard=card)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())  # noqa: S608


def test_a_draft_loads_back_equal_with_its_interview_and_clock(engine: Engine) -> None:
    store, key = DbDraftStore(engine), new_key()
    draft = Draft(
        design=EDITED,
        opened=OpenedFrom(design_id=3, revision=2, base=4),
        saved_digest=design_digest(Design(title="Support bot")),
        clock=start_clock(InterviewClock(), now=1_700_000_000),
        interview=_interview(),
    )

    draft_id = store.save(key, draft)
    stored = store.load(key)

    assert stored is not None
    assert stored.id == draft_id
    assert stored.draft == draft


def test_only_the_key_s_hash_is_stored(engine: Engine) -> None:
    key = new_key()

    DbDraftStore(engine).save(key, Draft(design=EDITED))

    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM drafts")).mappings().one()
    assert row["key_sha256"] == key_hash(key)
    assert key not in json.dumps({k: str(v) for k, v in row.items()})


def test_saving_under_the_same_key_replaces_the_draft(engine: Engine) -> None:
    store, key = DbDraftStore(engine), new_key()
    first = store.save(key, Draft(design=EDITED))

    second = store.save(key, Draft(design=Design(title="Changed again")))

    stored = store.load(key)
    assert first == second
    assert stored is not None
    assert stored.draft.design.title == "Changed again"
    assert _count(engine, "drafts") == 1


def test_an_unknown_key_has_no_draft(engine: Engine) -> None:
    assert DbDraftStore(engine).load(new_key()) is None


def test_only_drafts_with_unsaved_work_are_listed_newest_first(engine: Engine) -> None:
    store = DbDraftStore(engine)
    clean = Design(title="Saved and untouched")
    store.save(new_key(), Draft(design=clean, saved_digest=design_digest(clean)))
    store.save(new_key(), Draft())  # a blank design: nothing to lose
    older = store.save(new_key(), Draft(design=EDITED))
    newer = store.save(new_key(), Draft(interview=_interview()))

    listed = store.list_unsaved()

    assert [item.id for item in listed] == [newer, older]
    assert listed[0].interview_prompt_id == "contract-qa"
    assert listed[1].title == "Support bot, unsaved"
    assert listed[1].interview_prompt_id is None
    assert [item.id for item in store.list_unsaved(limit=1)] == [newer]


def test_taking_a_draft_over_moves_it_to_the_new_key(engine: Engine) -> None:
    store, old, new = DbDraftStore(engine), new_key(), new_key()
    draft_id = store.save(old, Draft(design=EDITED))

    taken = store.take_over(draft_id, key=new)

    assert taken.draft.design == EDITED
    assert store.load(old) is None
    loaded = store.load(new)
    assert loaded is not None
    assert loaded.id == draft_id


def test_taking_over_a_discarded_draft_says_it_is_gone(engine: Engine) -> None:
    store = DbDraftStore(engine)
    draft_id = store.save(new_key(), Draft(design=EDITED))
    store.discard(draft_id)

    with pytest.raises(DraftNotFoundError, match="is gone"):
        store.take_over(draft_id, key=new_key())


def test_discarding_a_draft_deletes_its_interview_under_way_but_no_finished_one(
    engine: Engine,
) -> None:
    drafts, interviews = DbDraftStore(engine), DbInterviewStore(engine)
    running = drafts.save(new_key(), Draft(interview=_interview("aaaa1111")))
    done = _saved("bbbb2222", 1_700_000_000)
    interviews.save(done)
    finished = drafts.save(new_key(), Draft(interview=done.session))

    drafts.discard(running)
    drafts.discard(finished)

    assert _count(engine, "drafts") == 0
    assert [item.session.id for item in interviews.list()] == ["bbbb2222"]
    assert _count(engine, "interviews") == 1


def test_a_draft_that_drops_its_interview_abandons_it(engine: Engine) -> None:
    store, key = DbDraftStore(engine), new_key()
    store.save(key, Draft(interview=_interview()))
    assert _count(engine, "interviews") == 1

    store.save(key, Draft(design=EDITED))  # "Abandon this interview": the session is gone

    assert _count(engine, "interviews") == 0
    stored = store.load(key)
    assert stored is not None
    assert stored.draft.interview is None


def test_an_interview_under_way_is_kept_but_not_listed_as_finished(engine: Engine) -> None:
    DbDraftStore(engine).save(new_key(), Draft(interview=_interview()))

    assert DbInterviewStore(engine).list() == ()
    with pytest.raises(InterviewNotFoundError, match="has not finished"):
        DbInterviewStore(engine).load("aaaa1111")


def test_a_finished_interview_is_never_turned_back_into_one_under_way(engine: Engine) -> None:
    done = _saved("aaaa1111", 1_700_000_000)
    DbInterviewStore(engine).save(done)
    stale = done.session.model_copy(update={"finished_at": None})

    DbDraftStore(engine).save(new_key(), Draft(interview=stale))  # an old tab writes late

    assert DbInterviewStore(engine).load("aaaa1111") == done


def test_finished_interviews_load_back_equal_and_list_newest_first(engine: Engine) -> None:
    store = DbInterviewStore(engine)
    for session_id, finished in (("aaaa1111", 3), ("bbbb2222", 1), ("cccc3333", 2)):
        store.save(_saved(session_id, 1_700_000_000 + finished))
    store.save(_saved("bbbb2222", 1_700_000_009))  # saved again: replaced, not added

    listed = store.list()

    assert [item.session.id for item in listed] == ["bbbb2222", "aaaa1111", "cccc3333"]
    assert store.load("aaaa1111") == _saved("aaaa1111", 1_700_000_003)
    assert [item.session.id for item in store.list(limit=1)] == ["bbbb2222"]


def test_an_unreadable_interview_row_is_skipped_when_listing(engine: Engine) -> None:
    store = DbInterviewStore(engine)
    store.save(_saved("aaaa1111", 1_700_000_001))
    store.save(_saved("bbbb2222", 1_700_000_002))
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interviews SET scorecard = '{\"half' WHERE id = 'bbbb2222'")
        )

    assert [item.session.id for item in store.list()] == ["aaaa1111"]
    with pytest.raises(InterviewNotFoundError, match="unreadable"):
        store.load("bbbb2222")


def test_old_json_files_import_once_and_bad_ones_are_named(engine: Engine, tmp_path: Path) -> None:
    for session_id, finished in (("aaaa1111", 1), ("bbbb2222", 2)):
        saved = _saved(session_id, 1_700_000_000 + finished)
        (tmp_path / f"{session_id}.json").write_text(saved.model_dump_json(), "utf-8")
    (tmp_path / "cccc3333.json").write_text('{"session": "half a file', "utf-8")

    first = import_interview_files(engine, tmp_path)
    again = import_interview_files(engine, tmp_path)

    assert first.imported == ("aaaa1111", "bbbb2222")
    assert [name for name, _ in first.skipped] == ["cccc3333.json"]
    assert again.imported == first.imported
    assert [item.session.id for item in DbInterviewStore(engine).list()] == ["bbbb2222", "aaaa1111"]


def test_the_storage_migration_goes_down_and_up_again(engine: Engine) -> None:
    DbDraftStore(engine).save(new_key(), Draft(design=EDITED))

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003_llm")
    gone = set(inspect(engine).get_table_names())
    upgrade(engine)

    assert {"drafts", "interviews"}.isdisjoint(gone)
    assert {"drafts", "interviews"} <= set(inspect(engine).get_table_names())
    assert DbDraftStore(engine).list_unsaved() == ()


def test_another_user_s_drafts_and_interviews_stay_out_of_sight(engine: Engine) -> None:
    ana, bo = DbDraftStore(engine, owner="oidc:ana"), DbDraftStore(engine, owner="oidc:bo")
    key = new_key()
    draft_id = ana.save(key, Draft(design=EDITED))
    DbInterviewStore(engine, owner="oidc:ana").save(_saved("aaaa1111", 1_700_000_000))

    bo.discard(draft_id)  # not Bo's: nothing happens

    assert bo.load(key) is None  # even holding Ana's key
    assert bo.list_unsaved() == ()
    with pytest.raises(DraftNotFoundError):
        bo.take_over(draft_id, key=new_key())
    assert DbInterviewStore(engine, owner="oidc:bo").list() == ()
    with pytest.raises(InterviewNotFoundError):
        DbInterviewStore(engine, owner="oidc:bo").load("aaaa1111")
    assert [item.id for item in ana.list_unsaved()] == [draft_id]
    assert [i.session.id for i in DbInterviewStore(engine, owner="oidc:ana").list()] == ["aaaa1111"]


def test_pruning_deletes_old_drafts_and_their_unfinished_interviews_only(engine: Engine) -> None:
    store = DbDraftStore(engine)
    store.save(new_key(), Draft(design=EDITED, interview=_interview("0dd00001")))
    DbInterviewStore(engine).save(_saved("d0e00001", finished_at=1_700_003_000))
    fresh_key = new_key()
    store.save(fresh_key, Draft(design=EDITED))
    with engine.begin() as connection:  # the first draft was last touched 40 days ago
        connection.execute(
            text("UPDATE drafts SET updated_at = :when WHERE interview_id = '0dd00001'"),
            {"when": datetime.now(UTC) - timedelta(days=40)},
        )

    gone = prune_drafts(engine, older_than=timedelta(days=30))

    assert gone == 1
    assert _count(engine, "drafts") == 1
    assert store.load(fresh_key) is not None
    with engine.connect() as connection:
        left = connection.execute(text("SELECT id FROM interviews ORDER BY id")).scalars().all()
    assert left == ["d0e00001"]  # the abandoned one went with its draft; the result stays


def test_pruning_refuses_an_age_that_is_not_positive(engine: Engine) -> None:
    with pytest.raises(ValueError, match="older than"):
        prune_drafts(engine, older_than=timedelta(0))
