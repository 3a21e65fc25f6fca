"""Comparing two designs: the decisions that differ with display names, and the key numbers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook import Design, retitle_design, update_design
from playbook.compare import (
    FIELD_LABELS,
    MISSING,
    KeyNumber,
    decisions,
    decisions_that_differ,
    key_numbers,
    numbers_that_differ,
    phase_decisions,
)
from playbook.design import Component, catalog_for
from playbook.estimates.cost import cost_report
from playbook.estimates.retrieval import retrieval_report
from playbook.estimates.serving import serving_report


def _numbers(design: Design) -> tuple[KeyNumber, ...]:
    catalog = catalog_for(design)
    return key_numbers(
        cost=cost_report(design, catalog),
        serving=serving_report(design, catalog),
        retrieval=retrieval_report(design, catalog) if design.uses_rag else None,
    )


def test_a_design_compared_with_itself_differs_in_nothing() -> None:
    design = Design()

    assert decisions_that_differ(design, design) == ()
    assert numbers_that_differ(_numbers(design), _numbers(design)) == ()


@pytest.mark.parametrize(
    ("phase", "changes", "path", "label", "left", "right"),
    [
        ("constraints", {"ttft_ms": 2_000}, "constraints.ttft_ms", "Time to first token, TTFT (ms)",
         "800", "2,000"),
        ("constraints", {"on_prem": True}, "constraints.on_prem", "On-prem only", "no", "yes"),
        ("technique", {"rungs": ("rag", "lora")}, "technique.rungs", "Rungs in use",
         "RAG (retrieval)", "RAG (retrieval), LoRA fine-tune"),
        ("serving", {"precision": "fp8"}, "serving.precision", "Weight precision", "BF16", "FP8"),
        ("evaluation", {"mitigations": {"hallucination": "citations_and_faithfulness_check"}},
         "evaluation.mitigations.hallucination", "Mitigation: Hallucination", "None yet",
         "Citations + faithfulness check"),
        ("model", {"notes": "ask about data residency"}, "model.notes", "Notes", MISSING,
         "ask about data residency"),
    ],
)  # fmt: skip
def test_one_changed_decision_is_the_one_row_with_its_display_name_and_values(
    phase: Any, changes: dict[str, Any], path: str, label: str, left: str, right: str
) -> None:
    before = Design()
    after = update_design(before, phase, **changes)

    rows = decisions_that_differ(before, after)

    assert [(r.path, r.label, r.left, r.right) for r in rows] == [(path, label, left, right)]


def test_a_component_on_one_side_only_shows_as_missing_on_the_other() -> None:
    cache = Component(
        id="answer_cache", name="Answer cache", kind="cache", phase="serving",
        connects_to=("llm",), justification="repeat questions under the TTFT",
    )  # fmt: skip
    with_cache = Design(components=(cache,))

    rows = decisions_that_differ(Design(), with_cache)

    assert {r.path for r in rows} == {
        "components.answer_cache.name", "components.answer_cache.kind",
        "components.answer_cache.phase", "components.answer_cache.connects_to",
        "components.answer_cache.justification",
    }  # fmt: skip
    assert all(r.left == MISSING and r.section == "Own component" for r in rows)
    assert next(r.right for r in rows if r.path.endswith(".name")) == "Answer cache"


def test_swapping_the_sides_swaps_left_and_right() -> None:
    a = update_design(Design(), "serving", replicas=3, engine="sglang")
    b = update_design(Design(), "model", kind="self_hosted")

    forward, backward = decisions_that_differ(a, b), decisions_that_differ(b, a)

    assert {(r.path, r.left, r.right) for r in forward} == {
        (r.path, r.right, r.left) for r in backward
    }


def test_every_phase_field_has_a_display_name() -> None:
    paths = [d.path for d in decisions(Design())]

    unnamed = [
        p for p in paths
        if p not in FIELD_LABELS and not p.endswith(".notes") and ".mitigations." not in p
    ]  # fmt: skip

    assert unnamed == []


def test_a_phase_s_decisions_hold_only_that_phase_and_no_notes() -> None:
    design = update_design(Design(), "retrieval", notes="chunk by section headings")

    rows = phase_decisions(design, "retrieval")

    assert rows
    assert all(r.path.startswith("retrieval.") and r.section == "Retrieval" for r in rows)
    assert "retrieval.notes" not in {r.path for r in rows}


def test_self_hosting_adds_serving_numbers_missing_on_the_hosted_side() -> None:
    hosted = Design()
    self_hosted = update_design(hosted, "model", kind="self_hosted")

    rows = {r.key: r for r in numbers_that_differ(_numbers(hosted), _numbers(self_hosted))}

    assert {"fits", "ttft", "itl", "usd_per_month"} <= set(rows)
    assert rows["ttft"].left == MISSING
    assert rows["ttft"].change == ""
    assert rows["usd_per_month"].change.endswith("%")


def test_dropping_rag_leaves_the_retrieval_numbers_missing_on_the_right() -> None:
    with_rag = update_design(Design(), "model", kind="self_hosted")
    without = update_design(with_rag, "technique", rungs=("prompt",))

    rows = {r.key: r for r in numbers_that_differ(_numbers(with_rag), _numbers(without))}

    assert {"chunks", "index_memory", "query_latency"} <= set(rows)
    assert rows["chunks"].right == MISSING


@pytest.mark.parametrize(
    ("left", "right", "change"),
    [(100.0, 125.0, "+25%"), (200.0, 50.0, "-75%"), (0.0, 10.0, "")],
)
def test_the_change_is_relative_to_the_left_value(left: float, right: float, change: str) -> None:
    def number(value: float) -> tuple[KeyNumber, ...]:
        return (KeyNumber(key="usd_per_month", label="Cost per month", value=value,
                          shown=f"${value:g}"),)  # fmt: skip

    rows = numbers_that_differ(number(left), number(right))

    assert [r.change for r in rows] == [change]


@given(title=st.text(max_size=200))
def test_a_retitled_design_differs_in_the_title_alone(title: str) -> None:
    before = Design()
    after = retitle_design(before, title=title)

    rows = decisions_that_differ(before, after)

    assert [r.path for r in rows] == ([] if title == before.title else ["title"])
