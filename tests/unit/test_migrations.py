"""Migrating design JSON from older schema versions: version 0 (no `schema_version`, `name`
for the title, notes in one top-level object) becomes version 1; anything else is refused
with the field named, never with another exception."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook import Design, DesignError, design_from_data
from playbook.design import PHASES, SCHEMA_VERSION
from playbook.migrations import migrate_design_data

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def test_a_current_design_is_returned_unchanged() -> None:
    data = Design(title="Current").model_dump(mode="json")

    migrated = migrate_design_data(data)

    assert migrated == data


def test_the_input_is_not_modified() -> None:
    old = {"name": "Old", "notes": {"serving": "n"}, "serving": {"gpu": "l4"}}
    before = copy.deepcopy(old)

    migrate_design_data(old)

    assert old == before


def test_a_version_0_design_becomes_an_equal_version_1_design() -> None:
    old = {
        "name": "Before versions",
        "scenario": "customer-support",
        "notes": {"constraints": "budget is tight", "evaluation": "golden set first"},
        "constraints": {"ttft_ms": 1_000},
    }

    design = design_from_data(migrate_design_data(old))

    assert design.schema_version == SCHEMA_VERSION
    assert design.title == "Before versions"
    assert design.constraints.ttft_ms == 1_000
    assert design.constraints.notes == "budget is tight"
    assert design.evaluation.notes == "golden set first"
    assert design.technique.notes == ""


@pytest.mark.parametrize("empty", [{}, {"schema_version": 0}])
def test_an_empty_version_0_design_is_the_default_design(empty: dict[str, Any]) -> None:
    assert design_from_data(migrate_design_data(empty)) == Design()


@pytest.mark.parametrize("phase", PHASES)
def test_notes_of_every_phase_move_onto_that_phase(phase: str) -> None:
    migrated = migrate_design_data({"notes": {phase: f"about {phase}"}})

    assert migrated[phase] == {"notes": f"about {phase}"}
    assert "notes" not in migrated


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"schema_version": SCHEMA_VERSION + 1}, "is newer than this app understands"),
        ({"schema_version": -1}, "schema_version: must be one of 0 (or absent) to 1"),
        ({"schema_version": "1"}, "schema_version: must be one of 0 (or absent) to 1"),
        ({"schema_version": True}, "schema_version: must be one of 0 (or absent) to 1"),
        ({"schema_version": 1.0}, "schema_version: must be one of 0 (or absent) to 1"),
        ({"name": "a", "title": "b"}, "Design title: a version 0 design has `name` or `title`"),
        ({"notes": "flat text"}, "Notes: in a version 0 design, an object of phase to text"),
        ({"notes": {"deployment": "x"}}, "Notes: 'deployment' is not a phase; one of: constraints"),
        ({"notes": {"model": "x"}, "model": "hosted"}, "Model: must be an object, not str"),
        ({"notes": {"model": "x"}, "model": {"notes": "y"}}, "Model · Notes: given twice"),
    ],
)
def test_a_design_that_cannot_be_migrated_names_the_field(data: dict[str, Any], named: str) -> None:
    with pytest.raises(DesignError) as raised:
        migrate_design_data(data)

    assert named in str(raised.value)


@pytest.mark.parametrize("not_a_dict", [[], "design", 1, None])
def test_a_value_that_is_not_an_object_is_refused(not_a_dict: Any) -> None:
    with pytest.raises(DesignError, match="a design is a JSON object"):
        migrate_design_data(not_a_dict)


@given(data=st.dictionaries(st.sampled_from(["name", "notes", "title", "model"]), JSON_VALUES))
def test_any_version_0_shape_migrates_or_raises_design_error(data: dict[str, Any]) -> None:
    outcome: dict[str, Any] | DesignError
    try:
        outcome = migrate_design_data(data)
    except DesignError as refused:
        outcome = refused

    if isinstance(outcome, DesignError):
        assert outcome.problems
    else:
        assert outcome["schema_version"] == SCHEMA_VERSION
        assert {"name", "notes"}.isdisjoint(outcome)
