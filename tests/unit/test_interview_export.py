"""The scorecard as Markdown: every section present, and outside text escaped."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from playbook import update_design
from playbook.catalog import load_catalog
from playbook.clock import InterviewClock, report_clock, start_clock
from playbook.critic import plain
from playbook.interview import (
    Hint,
    Pick,
    Scorecard,
    add_followup,
    ask,
    build_scorecard,
    choose_followup,
    finish_session,
    get_prompt,
    give_followup,
    review_with_numbers,
    scorecard_markdown,
    start_session,
    take_hint,
)
from playbook.scenarios import load_scenario

CATALOG = load_catalog()
PROMPT = get_prompt("workplace-search")
REFERENCE = load_scenario(PROMPT.reference)
HOSTILE = "Evil [link](javascript:alert(1)) <img src=x onerror=alert(1)>\n# heading | cell $x$"


@cache
def sample_card() -> Scorecard:
    """Return a finished interview's scorecard with hostile text in its hint and follow-up."""
    session = start_session(PROMPT.id, session_id="0123abcd", now=1_700_000_000)
    session = ask(session, "accuracy", phase="constraints", at_s=42)
    session = take_hint(session, Hint(phase="model", text=HOSTILE, source="rubric"), at_s=600)
    changed, followup = give_followup(
        REFERENCE, Pick(kind="on_prem", said=HOSTILE, source="llm"), phase="model", at_s=610,
        catalog=CATALOG,
    )  # fmt: skip
    design = update_design(changed, "constraints", notes="unused")
    done = finish_session(
        add_followup(session, followup),
        report=report_clock(start_clock(InterviewClock(), now=0), now=1_500),
        now=1_700_001_500,
    )
    review = review_with_numbers(design, CATALOG)[0]
    return build_scorecard(done, prompt=PROMPT, design=design, review=review, reference=REFERENCE)


def test_the_markdown_has_the_verdict_the_phase_table_and_every_section() -> None:
    card = sample_card()

    text = scorecard_markdown(card)

    assert text.startswith("# Mock interview scorecard: One search box over the company")
    assert f"**Verdict: {card.verdict}**" in text
    # Three of the four numbers were never asked for: graded against the prompt, a warning.
    assert "| Constraints | 2/4 | 25:00 / 5:00 (over) | 1 | no | - |" in text
    for heading in ("## Findings by phase", "## Clarifying questions", "## Follow-ups",
                    "## Hints taken", "## Your design against the reference"):  # fmt: skip
        assert heading in text
    assert "- Accuracy bar: asked at 0:42 during Constraints" in text
    assert "- Not asked: latency budget, cost ceiling, scale" in text


def test_an_llm_follow_up_and_a_hint_are_exported_as_literal_text() -> None:
    text = scorecard_markdown(sample_card())

    assert f"  - Interviewer: {plain(HOSTILE)}" in text
    assert f"- Model at 10:00: {plain(HOSTILE)}" in text
    assert "](javascript:" not in text
    assert "<img" not in text


@given(title=st.text(max_size=80))
def test_any_design_title_is_exported_escaped_on_one_line(title: str) -> None:
    card = sample_card().model_copy(update={"design_title": title})

    text = scorecard_markdown(card)

    assert f"\n- Design: {plain(title)}\n" in text


def test_a_follow_up_on_a_margin_exports_how_the_margin_moved() -> None:
    session = start_session(PROMPT.id, session_id="0123abce", now=1_700_000_000)
    design = update_design(
        REFERENCE, "constraints", cost_per_user_month_usd=2.0, cost_per_request_usd=1.0
    )
    pick = choose_followup(design, phase="serving")
    assert pick is not None
    assert pick.margin is not None
    changed, followup = give_followup(design, pick, phase="serving", at_s=610, catalog=CATALOG)
    done = finish_session(
        add_followup(session, followup),
        report=report_clock(start_clock(InterviewClock(), now=0), now=1_500),
        now=1_700_001_500,
    )
    review = review_with_numbers(changed, CATALOG)[0]
    card = build_scorecard(done, prompt=PROMPT, design=changed, review=review, reference=REFERENCE)

    text = scorecard_markdown(card)

    (line,) = [x for x in text.splitlines() if x.startswith("  - Margin: ")]
    assert plain(pick.margin.what) in line
    assert "before → " in line
    assert line.endswith("at the end")
