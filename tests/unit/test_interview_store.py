"""Where finished interviews are kept: in memory, and as JSON files under a data directory."""

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
from ui.interview_store import (
    DEFAULT_DIR,
    JsonInterviewStore,
    MemoryInterviewStore,
    default_store,
)

MakeStore = Callable[[Path], InterviewStore]
STORES: list[MakeStore] = [lambda _: MemoryInterviewStore(), JsonInterviewStore]


def _saved(session_id: str, finished_at: float) -> SavedInterview:
    card = sample_card().model_copy(update={"session_id": session_id, "finished_at": finished_at})
    started = start_session(card.prompt_id, session_id=session_id, now=finished_at - 2_700)
    session = started.model_copy(update={"finished_at": finished_at})
    return SavedInterview(session=session, design=load_scenario(card.reference), scorecard=card)


@pytest.mark.parametrize("make", STORES, ids=["memory", "json"])
def test_a_saved_interview_loads_back_equal(make: MakeStore, tmp_path: Path) -> None:
    store, saved = make(tmp_path), _saved("aaaa1111", 1_700_000_000)

    store.save(saved)

    assert store.load("aaaa1111") == saved


@pytest.mark.parametrize("make", STORES, ids=["memory", "json"])
def test_interviews_are_listed_newest_first(make: MakeStore, tmp_path: Path) -> None:
    store = make(tmp_path)
    for session_id, finished in (("aaaa1111", 3), ("bbbb2222", 1), ("cccc3333", 2)):
        store.save(_saved(session_id, 1_700_000_000 + finished))

    listed = store.list()

    assert [item.session.id for item in listed] == ["aaaa1111", "cccc3333", "bbbb2222"]
    assert [item.session.id for item in store.list(limit=1)] == ["aaaa1111"]


@pytest.mark.parametrize("make", STORES, ids=["memory", "json"])
def test_saving_a_session_again_replaces_it(make: MakeStore, tmp_path: Path) -> None:
    store = make(tmp_path)
    store.save(_saved("aaaa1111", 1_700_000_000))

    store.save(_saved("aaaa1111", 1_700_000_999))

    assert [item.scorecard.finished_at for item in store.list()] == [1_700_000_999]


@pytest.mark.parametrize("make", STORES, ids=["memory", "json"])
def test_an_unknown_interview_is_not_found(make: MakeStore, tmp_path: Path) -> None:
    with pytest.raises(InterviewNotFoundError, match="dddd4444"):
        make(tmp_path).load("dddd4444")


@pytest.mark.parametrize("session_id", ["../../etc/passwd", "ABC", "a/b", ""])
def test_an_id_that_is_not_hex_never_becomes_a_path(session_id: str, tmp_path: Path) -> None:
    with pytest.raises(InterviewNotFoundError, match="is not an interview id"):
        JsonInterviewStore(tmp_path).load(session_id)


def test_an_unreadable_file_is_skipped_when_listing(tmp_path: Path) -> None:
    store = JsonInterviewStore(tmp_path)
    store.save(_saved("aaaa1111", 1_700_000_000))
    (tmp_path / "bbbb2222.json").write_text('{"session": "half a file', "utf-8")

    listed = store.list()

    assert [item.session.id for item in listed] == ["aaaa1111"]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_missing_directory_lists_nothing_and_is_created_on_save(tmp_path: Path) -> None:
    store = JsonInterviewStore(tmp_path / "not" / "yet")

    before = store.list()
    store.save(_saved("aaaa1111", 1_700_000_000))

    assert before == ()
    assert (tmp_path / "not" / "yet" / "aaaa1111.json").is_file()


def test_the_directory_comes_from_the_environment_with_a_default_under_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEW_DATA_DIR", raising=False)
    default = default_store().directory
    monkeypatch.setenv("INTERVIEW_DATA_DIR", str(tmp_path))

    configured = default_store().directory

    assert default == DEFAULT_DIR
    assert DEFAULT_DIR.parts[-2:] == ("data", "interviews")
    assert configured == tmp_path
