"""The LLM budget by value: calls per hour, tokens per day, when a refusal frees up, the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from playbook.llm_budget import (
    Budget,
    BudgetConfigError,
    Use,
    budget_from,
    model_problem,
    standing,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
BUDGET = Budget(calls_per_hour=3, tokens_per_day=1_000, models=("gpt-4o-mini", "gpt-4o"))


def _ago(minutes: float, tokens: int = 10) -> Use:
    return Use(NOW - timedelta(minutes=minutes), tokens)


def test_a_new_user_has_the_whole_budget() -> None:
    assert standing([], BUDGET, NOW) == (True, 0, 3, 0, 1_000, None, None, "")


def test_calls_and_tokens_so_far_are_counted_in_their_windows() -> None:
    # Calls: 5 and 50 minutes ago are in the hour, 90 minutes ago is not -> 2 used, 1 left.
    # Tokens: all three are in the 24 hours, 30 h ago is not -> 100 + 200 + 300 = 600, 400 left.
    uses = [_ago(5, 100), _ago(50, 200), _ago(90, 300), _ago(30 * 60, 5_000)]

    got = standing(uses, BUDGET, NOW)

    assert (got.allowed, got.calls_used, got.calls_left) == (True, 2, 1)
    assert (got.tokens_used, got.tokens_left) == (600, 400)


def test_the_calls_limit_refuses_until_the_oldest_call_of_the_hour_ages_out() -> None:
    # Three calls 10, 20 and 40 minutes ago with a limit of 3: the one 40 minutes ago leaves the
    # hour at 10:00 - 0:40 + 1:00 = 10:20, and then only two remain.
    uses = [_ago(10), _ago(20), _ago(40)]

    got = standing(uses, BUDGET, NOW)

    assert (got.allowed, got.limit) == (False, "calls_per_hour")
    assert got.retry_at == datetime(2026, 12, 2, 10, 20, tzinfo=UTC)
    assert got.calls_left == 0
    assert got.reason == (
        "The LLM budget is used up: 3 of 3 calls in the last hour (LLM_CALLS_PER_HOUR). "
        "The next call is allowed at 10:20 UTC."
    )


def test_with_more_calls_than_the_limit_enough_must_age_out() -> None:
    # Five calls (the limit was lowered to 3): 5, 15, 25, 35, 45 minutes ago. Three of the five
    # must go, so the third oldest (25 minutes ago) decides: 10:00 - 0:25 + 1:00 = 10:35.
    uses = [_ago(m) for m in (5, 15, 25, 35, 45)]

    assert standing(uses, BUDGET, NOW).retry_at == datetime(2026, 12, 2, 10, 35, tzinfo=UTC)


def test_the_tokens_limit_refuses_until_enough_tokens_age_out() -> None:
    # 1,100 tokens in the day: 600 (20 h ago), 300 (10 h ago), 200 (2 h ago). Once the 600 have
    # aged out (at 14:00 - 20:00 + 24:00 = 14:00 today) 500 remain, under 1,000.
    uses = [_ago(20 * 60, 600), _ago(10 * 60, 300), _ago(2 * 60, 200)]

    got = standing(uses, BUDGET, NOW)

    assert (got.allowed, got.limit, got.tokens_left) == (False, "tokens_per_day", 0)
    assert got.retry_at == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    assert "1,100 of 1,000 tokens in the last 24 hours (LLM_TOKENS_PER_DAY)" in got.reason


def test_a_retry_on_another_day_names_the_date() -> None:
    # 1,000 tokens 1 h ago: free again at 09:00 tomorrow.
    got = standing([_ago(60, 1_000)], BUDGET, NOW)

    assert got.reason.endswith("The next call is allowed at 2026-12-03 09:00 UTC.")


def test_when_both_limits_refuse_the_later_one_is_named() -> None:
    # Three calls 5, 10 and 15 minutes ago of 400 tokens each. Calls free up when the oldest
    # (09:45) leaves the hour, at 10:45; tokens (1,200 > 1,000) when that same call leaves the
    # day and 800 remain, at 09:45 tomorrow. The later one is the one that matters.
    uses = [_ago(5, 400), _ago(10, 400), _ago(15, 400)]

    got = standing(uses, BUDGET, NOW)

    assert got.limit == "tokens_per_day"
    assert got.retry_at == datetime(2026, 12, 3, 9, 45, tzinfo=UTC)


def test_a_limit_of_zero_turns_the_critic_off_with_no_retry_time() -> None:
    got = standing([], BUDGET.model_copy(update={"calls_per_hour": 0}), NOW)

    assert (got.allowed, got.limit, got.retry_at) == (False, "calls_per_hour", None)
    assert got.reason.startswith("The LLM budget allows no calls")


def test_a_call_started_by_a_replica_whose_clock_runs_ahead_still_counts() -> None:
    assert standing([_ago(-0.5)], BUDGET, NOW).calls_used == 1


@pytest.mark.parametrize("model", ["gpt-4o-mini", "gpt-4o"])
def test_an_allowed_model_passes(model: str) -> None:
    assert model_problem(model, BUDGET) is None


def test_a_model_not_on_the_list_is_refused_naming_the_list() -> None:
    problem = model_problem("o1-pro", BUDGET)

    assert problem == (
        "Model: 'o1-pro' is not one of the models allowed (gpt-4o-mini, gpt-4o); "
        "LLM_MODELS sets the list"
    )


def test_the_budget_defaults_allow_only_the_default_model() -> None:
    assert budget_from({}, default_model="llama3") == Budget(
        calls_per_hour=20, tokens_per_day=200_000, models=("llama3",)
    )


def test_the_budget_comes_from_its_three_settings() -> None:
    settings = {
        "LLM_CALLS_PER_HOUR": " 5 ",
        "LLM_TOKENS_PER_DAY": "1_000_000",
        "LLM_MODELS": "gpt-4o-mini, gpt-4o,,gpt-4o-mini",
    }

    assert budget_from(settings, default_model="x") == Budget(
        calls_per_hour=5, tokens_per_day=1_000_000, models=("gpt-4o-mini", "gpt-4o")
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("LLM_CALLS_PER_HOUR", "-1"), ("LLM_CALLS_PER_HOUR", "ten"), ("LLM_TOKENS_PER_DAY", "1e6"),
     ("LLM_TOKENS_PER_DAY", "²"), ("LLM_MODELS", "m" * 201)],
)  # fmt: skip
def test_a_bad_setting_is_refused_naming_it(name: str, value: str) -> None:
    with pytest.raises(BudgetConfigError, match=name):
        budget_from({name: value}, default_model="x")
