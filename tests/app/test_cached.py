"""`ui.cached`: a design's tables and numbers are computed once, and are what the pages drew."""

from __future__ import annotations

from playbook import Design, sanitize, update_design
from playbook.compare import decisions_that_differ, key_numbers_of, phase_decisions
from ui import cached, resources

SELF_HOSTED = update_design(Design(title="Cached"), "model", kind="self_hosted")


def test_the_memo_computes_each_value_once_and_drops_the_least_recently_used() -> None:
    memo: cached.Memo[int] = cached.Memo(2)
    calls: list[str] = []

    def compute(key: str) -> int:
        calls.append(key)
        return len(calls)

    first = memo.get("a", lambda: compute("a"))
    again = memo.get("a", lambda: compute("a"))
    memo.get("b", lambda: compute("b"))
    memo.get("a", lambda: compute("a"))  # "a" is now the most recently used
    memo.get("c", lambda: compute("c"))  # a third key: "b" goes
    memo.get("b", lambda: compute("b"))

    assert (first, again) == (1, 1)
    assert calls == ["a", "b", "c", "b"]


def test_a_design_s_tables_are_built_once_and_hold_what_the_domain_says() -> None:
    table = cached.decision_table(SELF_HOSTED, "serving")
    rows = table.to_pylist()

    assert cached.decision_table(SELF_HOSTED, "serving") is table
    assert rows == [
        {"Decision": row.label, "Value": sanitize.cell(row.value)}
        for row in phase_decisions(SELF_HOSTED, "serving")
    ]


def test_the_key_numbers_are_the_analysis_s() -> None:
    found = cached.key_numbers(SELF_HOSTED)

    assert found == key_numbers_of(resources.analysis(SELF_HOSTED))
    assert cached.key_numbers(SELF_HOSTED) is found


def test_the_compare_tables_list_the_differing_decisions_and_none_for_no_difference() -> None:
    changed, moved = cached.compare_tables(Design(), SELF_HOSTED)
    same = cached.compare_tables(SELF_HOSTED, SELF_HOSTED)

    labels = [row["Decision"] for row in changed.to_pylist()]
    assert labels == [row.label for row in decisions_that_differ(Design(), SELF_HOSTED)]
    assert moved is not None
    assert moved.num_rows > 0
    assert same == (None, None)


def test_the_timeline_table_has_a_row_per_stage() -> None:
    table = cached.timeline_table(SELF_HOSTED)

    steps = resources.analysis(SELF_HOSTED).timeline.steps
    assert [row["where"] for row in table.to_pylist()] == [step.node for step in steps]


def test_the_analysis_is_the_one_resources_computes() -> None:
    found = cached.analysis(SELF_HOSTED)

    assert found is cached.analysis(SELF_HOSTED)
    assert found == resources.analysis(SELF_HOSTED)
    assert cached.review(SELF_HOSTED) is found.review
