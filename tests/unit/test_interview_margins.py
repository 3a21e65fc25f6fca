"""Follow-ups aimed at the design's own numbers: margins, the tightest, the words, the record."""

from __future__ import annotations

from typing import Any

import pytest

from playbook import Design, update_design
from playbook.analysis import analyze
from playbook.catalog import load_catalog
from playbook.estimates.base import GIB
from playbook.estimates.serving import sequence_bytes
from playbook.interview.followups import (
    FollowUp,
    FollowUpKind,
    Margin,
    MarginId,
    Pick,
    apply_followup,
    ask_words,
    changes_of,
    choose_followup,
    give_followup,
    margin_of,
    margin_story,
    margins,
    target,
    tightest,
)
from playbook.interview.scorecard import followup_results
from playbook.rubric import review_design

CATALOG = load_catalog()


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, phase, **changes)  # type: ignore[arg-type]
    return design


# Budgets and ceilings far away, so that one margin is clearly the tightest.
LOOSE = {
    "ttft_ms": 10_000,
    "itl_ms": 500,
    "total_response_s": 120.0,
    "cost_per_request_usd": 10.0,
    "cost_per_user_month_usd": 5_000.0,
    "knowledge_gap": False,
}
NO_RAG = {"rungs": ["prompt"]}
# Hosted GPT-4o (~12.3 ms a token) against a 13 ms ITL budget: ~5% of slack, the rest loose.
LATENCY_TIGHT = _design(constraints={**LOOSE, "itl_ms": 13}, technique=NO_RAG)
# Llama 3.1 70B in FP8 on two H100s: 70 GB of weights in 144 GiB usable, half the memory gone.
MEMORY_TIGHT = _design(
    constraints={**LOOSE, "peak_qps": 1.0, "concurrent_users": 20},
    technique=NO_RAG,
    model={"kind": "self_hosted", "open_model": "llama-3.1-70b"},
    serving={"gpus_per_replica": 2, "precision": "fp8", "replicas": 1},
)
# Hosted GPT-4o at ~$2.66 a user a month against a $6 ceiling: ~56% of slack, the rest loose.
COST_TIGHT = _design(constraints={**LOOSE, "cost_per_user_month_usd": 6.0}, technique=NO_RAG)


def test_a_margins_slack_is_the_share_of_its_limit_left() -> None:
    # ITL of 46 ms against a 50 ms budget: (50 - 46) / 50 = 0.08, 8% left.
    itl = Margin(id="itl", what="ITL", against="budget", value=46.0, limit=50.0, unit="ms")
    # 560 GiB of index against 512 GiB of RAM: (512 - 560) / 512 = -0.09375, already over.
    index = Margin(
        id="index_memory", what="vector index", against="RAM of one node", value=560.0,
        limit=512.0, unit="GiB",
    )  # fmt: skip

    assert itl.slack == pytest.approx(0.08)
    assert index.slack == pytest.approx(-0.09375)
    assert tightest((itl, index)) == index


def test_the_margins_read_the_analysis_figures() -> None:
    found = analyze(MEMORY_TIGHT, CATALOG)
    got = {m.id: m for m in margins(MEMORY_TIGHT, found)}
    t, fleet = found.timeline, found.capacity
    assert fleet is not None
    assert t.ttft_ms is not None
    assert t.total_ms is not None
    setup, fit = fleet.report.setup, fleet.report.fit

    assert set(got) == {
        "ttft",
        "itl",
        "total_response",
        "cost_per_request",
        "cost_per_user",
        "kv_sequences",
        "gpu_memory",
    }  # fmt: skip  (no RAG: no recall or index margin)
    assert (got["ttft"].value, got["ttft"].limit) == (t.ttft_ms, 10_000)
    assert got["total_response"].value == pytest.approx(t.total_ms / 1e3)
    assert got["cost_per_user"].value == found.bill.usd_per_user_month
    # Little's law: 1 request/s × the whole answer's seconds in flight, against the slots of one
    # replica (its KV space ÷ one full-context sequence).
    assert got["kv_sequences"].value == pytest.approx(1.0 * t.total_ms / 1e3)
    assert got["kv_sequences"].limit == fit.max_concurrency.value * 1
    # 0.9 × 80 GiB × 2 GPUs = 144 GiB usable; in use: 144 - KV space + in flight × a sequence.
    usable = setup.gpu_memory_utilization * setup.gpu.memory_bytes * 2 / GIB
    in_use = usable - fit.kv_space.value + t.total_ms / 1e3 * sequence_bytes(setup) / GIB
    assert got["gpu_memory"].limit == pytest.approx(144.0, rel=0.01)
    assert got["gpu_memory"].value == pytest.approx(in_use)


def test_retrieval_margins_set_recall_against_the_bar_and_the_index_against_one_node() -> None:
    design = _design(retrieval={"recall_at_k_target_pct": 95.0})
    got = {m.id: m for m in margins(design, analyze(design, CATALOG))}

    # Recall target 95% over the 90% bar: (95 - 90) / 95 = 5.26% of slack.
    assert got["recall"].slack == pytest.approx(5 / 95)
    # 100k documents of 1,000 tokens: ~1.2 GiB of HNSW against 512 GiB.
    assert got["index_memory"].limit == 512.0
    assert got["index_memory"].value == pytest.approx(1.216, abs=0.01)


@pytest.mark.parametrize(
    ("design", "margin", "kind"),
    [
        (LATENCY_TIGHT, "itl", "latency_halves"),  # a hosted API's ITL: only the budget moves
        (MEMORY_TIGHT, "gpu_memory", "prompts_double"),  # each sequence's KV doubles
        (COST_TIGHT, "cost_per_user", "traffic_10x"),  # ten times the requests, same users
    ],
)
def test_the_follow_up_targets_the_tightest_margin(
    design: Design, margin: MarginId, kind: FollowUpKind
) -> None:
    found = analyze(design, CATALOG)
    smallest = min(margins(design, found), key=lambda m: m.slack)

    aimed = target(design, found, phase="serving")

    assert aimed is not None
    assert (aimed[0].id, aimed[1]) == (margin, kind)
    assert smallest.id == margin


@pytest.mark.parametrize(
    ("design", "kind"),
    [(LATENCY_TIGHT, "latency_halves"), (MEMORY_TIGHT, "prompts_double"),
     (COST_TIGHT, "traffic_10x")],
)  # fmt: skip
def test_the_change_chosen_pushes_on_its_margin(design: Design, kind: FollowUpKind) -> None:
    found = analyze(design, CATALOG)
    aimed = target(design, found, phase="serving")
    assert aimed is not None
    changed = apply_followup(design, kind)

    after = margin_of(aimed[0].id, changed, analyze(changed, CATALOG))

    assert after is not None
    assert after.slack < aimed[0].slack


def test_a_margin_whose_pushes_were_given_yields_to_the_next() -> None:
    found = analyze(COST_TIGHT, CATALOG)

    aimed = target(COST_TIGHT, found, phase="serving", used=("traffic_10x",))

    assert aimed is not None
    assert aimed[0].id != "cost_per_user"


def test_the_follow_up_says_the_margin_and_the_change_with_their_numbers() -> None:
    itl = Margin(id="itl", what="ITL", against="budget", value=46.0, limit=50.0, unit="ms")
    design = _design(constraints={"avg_prompt_tokens": 1_500}, technique=NO_RAG)

    said = ask_words(itl, "prompts_double", changes_of(design, "prompts_double"))

    # 50 - 46 = 4 ms of slack; the prompt doubles from 1,500 to 3,000 tokens.
    assert said == (
        "Your ITL has 4.0 ms of slack against the 50 ms budget (46 ms); prompts double to "
        "3,000 tokens: what breaks?"
    )


def test_an_overrun_margin_is_said_as_over() -> None:
    cost = Margin(
        id="cost_per_request", what="cost per request", against="ceiling", value=0.0139,
        limit=0.01, unit="$",
    )  # fmt: skip

    # 0.0139 - 0.01 = 0.0039 over.
    assert cost.sentence() == (
        "your cost per request is $0.0039 over the $0.0100 ceiling ($0.0139)"
    )


def test_the_rules_pick_says_the_designs_own_number() -> None:
    found = analyze(COST_TIGHT, CATALOG)
    now = found.bill.usd_per_user_month

    pick = choose_followup(COST_TIGHT, phase="serving", found=found)

    assert pick is not None
    assert pick.margin is not None
    assert pick.said.startswith("Your cost per user a month has $")
    assert f"(${now:,.2f})" in pick.said
    assert "traffic grows 10× to 100 requests/s at peak and 2,000 concurrent users" in pick.said


def test_the_follow_up_records_its_margin_before_and_after_and_the_scorecard_at_the_end() -> None:
    pick = choose_followup(COST_TIGHT, phase="serving")
    assert pick is not None
    changed, followup = give_followup(COST_TIGHT, pick, phase="serving", at_s=900, catalog=CATALOG)
    # The candidate answers with a cheaper model at the grown traffic.
    adapted = update_design(changed, "model", hosted_model="gpt-4o-mini")

    (result,) = followup_results((followup,), adapted, review_design(adapted, CATALOG))

    before, after, end = result.margins
    assert before is not None
    assert after is not None
    assert end is not None
    assert before.id == after.id == end.id == "cost_per_user"
    # Ten times the requests over the same monthly users: ten times the bill per user.
    assert after.value == pytest.approx(10 * before.value, rel=0.02)
    assert after.slack < 0 < end.slack
    story = margin_story(before, after, end)
    assert story is not None
    assert story.startswith("cost per user a month against the $6.00 ceiling: ")
    assert "before → " in story
    assert "after the follow-up → " in story
    assert story.endswith("at the end")


def test_an_older_saved_follow_up_without_a_margin_still_loads_and_tells_no_story() -> None:
    saved = {
        "kind": "corpus_100m", "after_phase": "retrieval", "at_s": 10.0, "said": "Grow it.",
        "source": "rules", "changes": [], "new_findings": [], "number_changes": [],
    }  # fmt: skip

    followup = FollowUp.model_validate(saved)

    assert followup.margin is None
    assert margin_story(followup.margin, followup.margin_after, None) is None


def test_a_pick_from_the_interviewer_keeps_the_rules_margin() -> None:
    seen: dict[str, Any] = {}

    def interviewer(design: Design, phase: str, ask: Any) -> Pick:
        seen["ask"] = ask
        return Pick(kind=ask.kind, said="Traffic tenfold, same money. Now?", source="llm")

    pick = choose_followup(COST_TIGHT, phase="serving", interviewer=interviewer)

    assert pick is not None
    assert pick.source == "llm"
    assert pick.margin == seen["ask"].margin
    assert pick.margin is not None
    assert pick.margin.id == "cost_per_user"


def test_a_follow_up_with_its_margins_round_trips_through_json() -> None:
    pick = choose_followup(COST_TIGHT, phase="serving")
    assert pick is not None
    _, followup = give_followup(COST_TIGHT, pick, phase="serving", at_s=900, catalog=CATALOG)

    loaded = FollowUp.model_validate_json(followup.model_dump_json())

    assert loaded == followup
    assert loaded.margin is not None
    assert loaded.margin_after is not None
