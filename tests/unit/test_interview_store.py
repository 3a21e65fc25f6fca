"""The in-memory interview store (the fake); the database store is tested in tests/integration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook.interview import (
    InterviewNotFoundError,
    InterviewStore,
    SavedInterview,
    start_session,
)
from playbook.scenarios import load_scenario
from tests.unit.test_interview_export import sample_card
from ui.interview_store import MemoryInterviewStore

MakeStore = Callable[[Path], InterviewStore]
STORES: list[MakeStore] = [lambda _: MemoryInterviewStore()]


def _saved(session_id: str, finished_at: float) -> SavedInterview:
    card = sample_card().model_copy(update={"session_id": session_id, "finished_at": finished_at})
    started = start_session(card.prompt_id, session_id=session_id, now=finished_at - 2_700)
    session = started.model_copy(update={"finished_at": finished_at})
    return SavedInterview(session=session, design=load_scenario(card.reference), scorecard=card)


@pytest.mark.parametrize("make", STORES, ids=["memory"])
def test_a_saved_interview_loads_back_equal(make: MakeStore, tmp_path: Path) -> None:
    store, saved = make(tmp_path), _saved("aaaa1111", 1_700_000_000)

    store.save(saved)

    assert store.load("aaaa1111") == saved


@pytest.mark.parametrize("make", STORES, ids=["memory"])
def test_interviews_are_listed_newest_first(make: MakeStore, tmp_path: Path) -> None:
    store = make(tmp_path)
    for session_id, finished in (("aaaa1111", 3), ("bbbb2222", 1), ("cccc3333", 2)):
        store.save(_saved(session_id, 1_700_000_000 + finished))

    listed = store.list()

    assert [item.session.id for item in listed] == ["aaaa1111", "cccc3333", "bbbb2222"]
    assert [item.session.id for item in store.list(limit=1)] == ["aaaa1111"]


@pytest.mark.parametrize("make", STORES, ids=["memory"])
def test_saving_a_session_again_replaces_it(make: MakeStore, tmp_path: Path) -> None:
    store = make(tmp_path)
    store.save(_saved("aaaa1111", 1_700_000_000))

    store.save(_saved("aaaa1111", 1_700_000_999))

    assert [item.scorecard.finished_at for item in store.list()] == [1_700_000_999]


@pytest.mark.parametrize("make", STORES, ids=["memory"])
def test_an_unknown_interview_is_not_found(make: MakeStore, tmp_path: Path) -> None:
    with pytest.raises(InterviewNotFoundError, match="dddd4444"):
        make(tmp_path).load("dddd4444")
