"""Review comments: on a phase or a component, by a named reviewer or from the rubric,
resolvable, and refused with the field named when a part is wrong; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from db import (
    CommentNotFoundError,
    DesignNotFoundError,
    add_comment,
    list_comments,
    resolve_comment,
    save_design,
    save_revision,
)
from playbook import Design


@pytest.fixture
def design_id(engine: Engine) -> int:
    """Return the id of a saved design with two revisions."""
    saved = save_design(engine, Design(title="Under review", author="Ana"))
    save_revision(engine, saved.id, Design(title="Under review v2"), base_revision=1)
    return saved.id


def test_a_comment_round_trips_with_every_part(engine: Engine, design_id: int) -> None:
    added = add_comment(
        engine, design_id, author="Bo", body="Why HNSW here?", phase="retrieval",
        component="vector_store", revision=1,
    )  # fmt: skip

    listed = list_comments(engine, design_id)

    assert listed == [added]
    assert (added.author, added.body, added.phase) == ("Bo", "Why HNSW here?", "retrieval")
    assert (added.component, added.revision, added.source) == ("vector_store", 1, "reviewer")
    assert not added.resolved
    assert added.created_at.tzinfo is not None


def test_comments_are_listed_oldest_first(engine: Engine, design_id: int) -> None:
    bodies = ["first", "second", "third"]

    for body in bodies:
        add_comment(engine, design_id, author="Bo", body=body, phase="serving")

    assert [comment.body for comment in list_comments(engine, design_id)] == bodies


def test_a_resolved_comment_is_kept_and_can_be_left_out(engine: Engine, design_id: int) -> None:
    done = add_comment(engine, design_id, author="Bo", body="fixed", phase="model")
    still_open = add_comment(engine, design_id, author="Bo", body="open", phase="model")

    resolve_comment(engine, done.id)
    resolve_comment(engine, done.id)  # twice is harmless

    assert [(c.id, c.resolved) for c in list_comments(engine, design_id)] == [
        (done.id, True), (still_open.id, False),
    ]  # fmt: skip
    assert list_comments(engine, design_id, include_resolved=False) == [still_open]


def test_a_rubric_finding_is_a_comment_with_its_source(engine: Engine, design_id: int) -> None:
    added = add_comment(
        engine, design_id, author="Rubric", body="No golden set", phase="evaluation",
        source="rubric",
    )  # fmt: skip

    assert list_comments(engine, design_id)[0].source == "rubric"
    assert added.source == "rubric"


def test_comment_text_is_stored_as_written_with_surrounding_space_trimmed(
    engine: Engine, design_id: int
) -> None:
    body = "  Robert'); DROP TABLE comments;-- **bold** <b>html</b> 日本語 🚀\nline two  "

    added = add_comment(engine, design_id, author=" Zoë ", body=body, phase="constraints")

    assert added.body == body.strip()
    assert added.author == "Zoë"
    assert list_comments(engine, design_id)[0].body == body.strip()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"author": ""}, "author: must not be empty"),
        ({"author": "   "}, "author: must not be empty"),
        ({"author": "a" * 201}, "author: at most 200"),
        ({"body": ""}, "body: must not be empty"),
        ({"body": "b" * 5_001}, "body: at most 5,000"),
        ({"phase": "deployment"}, "phase: 'deployment' is not one of: constraints, technique"),
        ({"source": "bot"}, "source: 'bot' is not one of: reviewer, rubric"),
        ({"component": ""}, "component: 1 to 200"),
        ({"revision": 3}, "revision: design .* has 1 to 2, not 3"),
        ({"revision": 0}, "revision: design .* has 1 to 2, not 0"),
    ],
)
def test_a_bad_part_is_refused_naming_the_field_and_nothing_is_added(
    engine: Engine, design_id: int, change: dict[str, Any], field: str
) -> None:
    comment: dict[str, Any] = {"author": "Bo", "body": "Looks fine", "phase": "technique"}

    with pytest.raises(ValueError, match=field):
        add_comment(engine, design_id, **{**comment, **change})

    assert list_comments(engine, design_id) == []


def test_the_longest_allowed_parts_are_accepted(engine: Engine, design_id: int) -> None:
    added = add_comment(engine, design_id, author="a" * 200, body="b" * 5_000, phase="serving")

    assert (len(added.author), len(added.body)) == (200, 5_000)


def test_commenting_on_a_missing_design_raises_not_found(engine: Engine) -> None:
    with pytest.raises(DesignNotFoundError):
        add_comment(engine, 77, author="Bo", body="hello", phase="model")


def test_listing_comments_of_a_missing_design_raises_not_found(engine: Engine) -> None:
    with pytest.raises(DesignNotFoundError):
        list_comments(engine, 77)


def test_resolving_an_unknown_comment_raises_not_found(engine: Engine) -> None:
    with pytest.raises(CommentNotFoundError, match="88"):
        resolve_comment(engine, 88)
