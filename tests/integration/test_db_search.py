"""Finding saved designs: search by title, scenario and author, filters, date, and paging
through a few thousand of them; on SQLite and PostgreSQL. Timing is in bench/db.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from db import list_designs, save_design
from db.bulk import save_designs
from playbook import Design

SCENARIOS = ("customer-support", "code-review", "contracts-qa")
AUTHORS = ("Ana", "Bo", "Chloé")


def _many(count: int) -> list[Design]:
    return [
        Design(
            title=f"Design {n:04d}",
            scenario=SCENARIOS[n % len(SCENARIOS)],
            author=AUTHORS[n % len(AUTHORS)],
        )
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def library(module_engine: Engine) -> tuple[Engine, list[int]]:
    """Return an engine on a database with 3,000 designs, and their ids in save order.

    The tests using it only read: the designs are saved once per module and backend.
    """
    return module_engine, save_designs(module_engine, _many(3_000))


def _every_match(engine: Engine, **filters: Any) -> tuple[list[int], set[int]]:
    """Page through every match 500 at a time; return the ids in order, and the totals seen."""
    ids: list[int] = []
    totals: set[int] = set()
    while True:
        page = list_designs(engine, limit=500, offset=len(ids), **filters)
        totals.add(page.total)
        ids.extend(item.id for item in page.items)
        if len(page.items) < 500:
            return ids, totals


def test_paging_through_thousands_visits_each_design_once_newest_first(
    library: tuple[Engine, list[int]],
) -> None:
    engine, ids = library

    pages = [list_designs(engine, limit=50, offset=offset) for offset in range(0, 3_050, 50)]

    seen = [item.id for page in pages for item in page.items]
    assert seen == ids[::-1]
    assert {page.total for page in pages} == {3_000}
    assert pages[-1].items == ()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("design 0042", {42}),
        ("DESIGN 004", set(range(40, 50))),
        ("code-review", {n for n in range(3_000) if n % 3 == 1}),
        ("chloé", {n for n in range(3_000) if n % 3 == 2}),
        ("CHLOÉ", {n for n in range(3_000) if n % 3 == 2}),
        ("no such thing", set()),
    ],
)
def test_a_query_matches_part_of_the_title_scenario_or_author_ignoring_case(
    library: tuple[Engine, list[int]], query: str, expected: set[int]
) -> None:
    engine, ids = library

    found, totals = _every_match(engine, query=query)

    assert found == [ids[n] for n in sorted(expected, reverse=True)]
    assert totals == {len(expected)}


def test_filters_combine_with_the_query_and_page_like_the_list(
    library: tuple[Engine, list[int]],
) -> None:
    engine, ids = library
    expected = [ids[n] for n in range(3_000) if n % 3 == 0 and f"{n:04d}".startswith("1")]
    filters = {"query": "design 1", "author": "Ana", "scenario": SCENARIOS[0]}

    first = list_designs(engine, limit=100, **filters)
    second = list_designs(engine, limit=100, offset=100, **filters)
    everything, totals = _every_match(engine, **filters)

    assert first.total == len(expected) == 333
    assert totals == {333}
    assert [item.id for item in first.items + second.items] == expected[::-1][:200]
    assert everything == expected[::-1]


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_like_wildcards_in_a_query_match_only_themselves(engine: Engine, wildcard: str) -> None:
    plain = save_design(engine, Design(title="plain title"))
    special = save_design(engine, Design(title=f"100{wildcard} sure"))

    found = list_designs(engine, query=wildcard)

    assert [item.id for item in found.items] == [special.id]
    assert plain.id not in {item.id for item in found.items}


def test_since_keeps_the_designs_saved_at_or_after_it(engine: Engine) -> None:
    old, new = save_design(engine, Design(title="old")), save_design(engine, Design(title="new"))
    last_year = datetime.now(UTC) - timedelta(days=365)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE designs SET updated_at = :when WHERE id = :id"),
            {"when": last_year, "id": old.id},
        )

    recent = list_designs(engine, since=datetime.now(UTC) - timedelta(days=1))
    everything = list_designs(engine, since=last_year - timedelta(seconds=1))

    assert [item.id for item in recent.items] == [new.id]
    assert [item.id for item in everything.items] == [new.id, old.id]


def test_a_since_in_another_time_zone_means_the_same_moment(engine: Engine) -> None:
    saved = save_design(engine, Design(title="now"))
    after = saved.updated_at + timedelta(seconds=1)
    tokyo = after.astimezone(datetime.now(UTC).astimezone().tzinfo)

    assert list_designs(engine, since=tokyo).total == 0
    assert list_designs(engine, since=saved.updated_at).total == 1


def test_an_overlong_query_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="query: at most 200"):
        list_designs(engine, query="x" * 201)
