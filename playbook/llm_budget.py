"""The LLM key as a budget: per user, calls per hour and tokens per day, and the models allowed.

Pure: the uses so far, the budget and the time come in; a standing (allowed or refused, which
limit, when it frees up, what is left) goes out. Both windows roll: a call counts against the
hour after it started and its tokens against the 24 hours after it started, so a refused user
can call again as soon as enough old uses have aged out (`Standing.retry_at`). A call is
allowed while anything is left; its own tokens are known only after it, so the day's total can
end slightly over the limit, and the next call waits until it is back under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Final, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

HOUR: Final = timedelta(hours=1)
DAY: Final = timedelta(days=1)
DEFAULT_CALLS_PER_HOUR: Final = 20
DEFAULT_TOKENS_PER_DAY: Final = 200_000
CALLS_SETTING: Final = "LLM_CALLS_PER_HOUR"
TOKENS_SETTING: Final = "LLM_TOKENS_PER_DAY"
MODELS_SETTING: Final = "LLM_MODELS"
MAX_MODEL_NAME: Final = 200

LimitName = Literal["calls_per_hour", "tokens_per_day"]


class BudgetConfigError(ValueError):
    """A budget setting cannot be used; the message names the setting and what it takes."""


class Budget(BaseModel):
    """One user's allowance on the server's key, and the models anyone may ask."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calls_per_hour: int = Field(DEFAULT_CALLS_PER_HOUR, ge=0, le=100_000)
    tokens_per_day: int = Field(DEFAULT_TOKENS_PER_DAY, ge=0, le=10_000_000_000)
    models: tuple[str, ...] = Field(min_length=1)


class Use(NamedTuple):
    """One call on the key: when it started and the tokens it used (so far)."""

    at: datetime
    tokens: int


class Standing(NamedTuple):
    """Where a user stands against the budget at one moment."""

    allowed: bool
    calls_used: int  # calls started in the last hour
    calls_left: int
    tokens_used: int  # tokens of the calls started in the last 24 hours
    tokens_left: int
    limit: LimitName | None = None  # the limit that refuses, when refused
    retry_at: datetime | None = None  # when that limit lets a call through again
    reason: str = ""  # one line for the page, empty when allowed


def standing(uses: Iterable[Use], budget: Budget, now: datetime) -> Standing:
    """Return whether one more call may start at `now`, and what is used and left.

    When both limits refuse, the one that frees up later is named (the other is no help).
    """
    day = sorted(use for use in uses if use.at > now - DAY)  # later ones: another clock
    last_hour = [use for use in day if use.at > now - HOUR]
    calls, tokens = len(last_hour), sum(use.tokens for use in day)
    left = Standing(
        allowed=True,
        calls_used=calls,
        calls_left=max(budget.calls_per_hour - calls, 0),
        tokens_used=tokens,
        tokens_left=max(budget.tokens_per_day - tokens, 0),
    )
    refusals = [r for r in (_calls_refusal(last_hour, budget), _tokens_refusal(day, budget)) if r]
    if not refusals:
        return left
    # A limit of 0 (retry_at None) never frees up: it wins over any time.
    limit, retry_at = max(refusals, key=lambda r: r[1] or datetime.max.replace(tzinfo=now.tzinfo))
    return left._replace(
        allowed=False,
        limit=limit,
        retry_at=retry_at,
        reason=_reason(limit, left, budget, retry_at, now),
    )


def _calls_refusal(
    last_hour: list[Use], budget: Budget
) -> tuple[LimitName, datetime | None] | None:
    if len(last_hour) < budget.calls_per_hour:
        return None
    if budget.calls_per_hour == 0:
        return "calls_per_hour", None
    # With n calls in the hour and a limit of L, the oldest n - L + 1 must age out first.
    oldest_to_go = last_hour[len(last_hour) - budget.calls_per_hour]
    return "calls_per_hour", oldest_to_go.at + HOUR


def _tokens_refusal(day: list[Use], budget: Budget) -> tuple[LimitName, datetime | None] | None:
    used = sum(use.tokens for use in day)
    if used < budget.tokens_per_day:
        return None
    if budget.tokens_per_day == 0:
        return "tokens_per_day", None
    for use in day:  # oldest first: when enough have aged out, the total is under the limit
        used -= use.tokens
        if used < budget.tokens_per_day:
            return "tokens_per_day", use.at + DAY
    raise AssertionError("unreachable: with every use gone the total is 0")


def _reason(
    limit: LimitName, left: Standing, budget: Budget, retry_at: datetime | None, now: datetime
) -> str:
    if limit == "calls_per_hour":
        what = (
            f"{left.calls_used} of {budget.calls_per_hour} calls in the last hour ({CALLS_SETTING})"
        )
    else:
        what = (
            f"{left.tokens_used:,} of {budget.tokens_per_day:,} tokens in the last 24 hours "
            f"({TOKENS_SETTING})"
        )
    if retry_at is None:
        return f"The LLM budget allows no calls: {what}."
    return f"The LLM budget is used up: {what}. The next call is allowed at {when(retry_at, now)}."


def when(moment: datetime, now: datetime) -> str:
    """Return `moment` for a reader at `now`: the time today, else the date and time (UTC)."""
    if moment.date() == now.date():
        return moment.strftime("%H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def model_problem(model: str, budget: Budget) -> str | None:
    """Return why `model` may not be asked (one line, the name shown clipped), or None."""
    if model in budget.models:
        return None
    shown = model if len(model) <= 60 else model[:59] + "…"
    return (
        f"Model: {shown!r} is not one of the models allowed ({', '.join(budget.models)}); "
        f"{MODELS_SETTING} sets the list"
    )


def budget_from(settings: Mapping[str, str | None], *, default_model: str) -> Budget:
    """Return the budget LLM_CALLS_PER_HOUR, LLM_TOKENS_PER_DAY and LLM_MODELS describe.

    Unset settings take the defaults (20 calls an hour, 200,000 tokens a day, only
    `default_model`); a bad value raises `BudgetConfigError` naming the setting.
    """
    calls = _count(settings, CALLS_SETTING, DEFAULT_CALLS_PER_HOUR, 100_000)
    tokens = _count(settings, TOKENS_SETTING, DEFAULT_TOKENS_PER_DAY, 10_000_000_000)
    raw = settings.get(MODELS_SETTING) or ""
    models = tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    if any(len(name) > MAX_MODEL_NAME for name in models):
        raise BudgetConfigError(f"{MODELS_SETTING}: a model name is longer than {MAX_MODEL_NAME}")
    return Budget(calls_per_hour=calls, tokens_per_day=tokens, models=models or (default_model,))


def _count(settings: Mapping[str, str | None], name: str, default: int, most: int) -> int:
    raw = (settings.get(name) or "").strip().replace("_", "").replace(",", "")
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > most:
        raise BudgetConfigError(f"{name} must be a whole number from 0 to {most:,}, not {raw!r}")
    return int(raw)
