"""The draft as a value: its key, the digest that decides when to write, and what is unsaved."""

from __future__ import annotations

import re

from playbook import Design, update_design
from playbook.clock import InterviewClock, start_clock
from playbook.drafts import (
    KEY_PATTERN,
    Draft,
    design_digest,
    draft_digest,
    draft_title,
    has_unsaved_design,
    has_unsaved_work,
    interview_under_way,
    key_hash,
    new_key,
)
from playbook.interview import start_session

EDITED = update_design(Design(title="Bot"), "constraints", ttft_ms=1_500)


def test_a_new_key_is_43_url_safe_characters_and_never_repeats() -> None:
    keys = {new_key() for _ in range(200)}

    assert len(keys) == 200
    assert all(re.fullmatch(KEY_PATTERN, key) and len(key) == 43 for key in keys)


def test_the_key_is_stored_as_its_sha256() -> None:
    # SHA-256("abc"), the FIPS 180-2 test vector.
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    assert key_hash("abc") == expected


def test_equal_drafts_have_equal_digests_and_any_change_moves_it() -> None:
    clock = start_clock(InterviewClock(), now=100.0)
    one = Draft(design=EDITED, clock=clock)
    same = Draft.model_validate_json(one.model_dump_json())

    assert draft_digest(one) == draft_digest(same)
    assert draft_digest(one) != draft_digest(one.model_copy(update={"design": Design()}))
    assert draft_digest(one) != draft_digest(one.model_copy(update={"clock": InterviewClock()}))


def test_a_blank_design_is_not_unsaved_and_an_edited_one_is() -> None:
    assert not has_unsaved_design(Draft())
    assert has_unsaved_design(Draft(design=EDITED))


def test_a_design_equal_to_its_last_save_is_not_unsaved() -> None:
    saved = Draft(design=EDITED, saved_digest=design_digest(EDITED))

    assert not has_unsaved_design(saved)
    assert has_unsaved_design(saved.model_copy(update={"design": Design()}))  # reset after a save


def test_an_interview_under_way_is_unsaved_work_and_a_finished_one_is_not() -> None:
    running = start_session("contract-qa", session_id="aaaa1111", now=1.0)
    finished = running.model_copy(update={"finished_at": 2.0})

    assert interview_under_way(Draft(interview=running))
    assert has_unsaved_work(Draft(interview=running))
    assert not has_unsaved_work(Draft(interview=finished))


def test_a_blank_title_is_listed_as_untitled() -> None:
    assert draft_title(Draft(design=Design(title="  "))) == "Untitled design"
