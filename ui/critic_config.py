"""Where the LLM critic sends its requests, how long a call may take, and each user's budget.

Settings come from the environment or `st.secrets`: `OPENAI_API_KEY`, `OPENAI_BASE_URL` (any
OpenAI-compatible server, e.g. a local vLLM, Ollama or LM Studio), `OPENAI_MODEL`, and the
budget on the server's key: `LLM_MODELS` (the models anyone may ask, comma-separated or a TOML
list), `LLM_CALLS_PER_HOUR`, `LLM_TOKENS_PER_DAY` per user, `LLM_TOTAL_S` per call. They are read
on every run and never stored: the key lives only inside the `Endpoint` (a `SecretStr`) for the
length of one call, so it cannot reach session state, the page, the database or an export.

The budget's service: `standing` reads where a user stands, `begin_call` decides and records a
call in one transaction (the ledger in `db.llm_usage` is shared by every replica), `end_call`
records the tokens it used. `StoredAnswer` is what the critique page keeps of an answer.
"""

from __future__ import annotations

import os
from typing import Final, NamedTuple

import streamlit as st

from db import llm_usage
from playbook.critic import LlmAnswer
from playbook.llm import (
    DEFAULT_MODEL,
    LIMITS,
    OPENAI_URL,
    TOTAL_SETTING,
    Endpoint,
    Limits,
    LlmError,
    Tally,
    endpoint_from,
    limits_from,
)
from playbook.llm_budget import (
    CALLS_SETTING,
    MODELS_SETTING,
    TOKENS_SETTING,
    Budget,
    BudgetConfigError,
    Standing,
    budget_from,
    model_problem,
)
from ui.resources import engine

SETTINGS: Final = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL",
    MODELS_SETTING, CALLS_SETTING, TOKENS_SETTING, TOTAL_SETTING,
)  # fmt: skip


class CriticConfig(NamedTuple):
    """The endpoint (None when not configured or refused), what may be shown of it, the model
    asked, the call's limits and the per-user budget."""

    endpoint: Endpoint | None
    where: str  # host and port only, safe to show
    model: str
    problem: str | None = None  # why the settings (or the model asked) are unusable
    limits: Limits = LIMITS
    budget: Budget = Budget(models=(DEFAULT_MODEL,))


def _setting(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    try:
        found = st.secrets.get(name)
    except FileNotFoundError:  # no secrets file, or one that does not parse
        return None
    if isinstance(found, list | tuple) and all(isinstance(item, str) for item in found):
        found = ",".join(found)  # LLM_MODELS = ["gpt-4o-mini", "gpt-4o"]
    elif isinstance(found, int | float) and not isinstance(found, bool):
        found = str(found)  # LLM_CALLS_PER_HOUR = 20
    return found if isinstance(found, str) and found else None


def load(*, model: str | None = None) -> CriticConfig:
    """Return the critic's configuration, asking `model` (when given) instead of the default.

    A model that is not on the allowed list gives no endpoint and says why in `problem`.
    """
    settings = {name: _setting(name) for name in SETTINGS}
    configured = (settings["OPENAI_MODEL"] or DEFAULT_MODEL).strip()
    try:
        budget = budget_from(settings, default_model=configured)
        limits = limits_from(settings)
    except (BudgetConfigError, LlmError) as error:
        text = error.message if isinstance(error, LlmError) else str(error)
        return CriticConfig(None, "", configured, problem=text)
    default_model = configured if configured in budget.models else budget.models[0]
    asked = (model or default_model).strip()
    try:
        endpoint = endpoint_from(settings, model=asked)
    except LlmError as error:
        return CriticConfig(None, "", default_model, error.message, limits, budget)
    if endpoint is None:
        return CriticConfig(None, "", default_model, None, limits, budget)
    if problem := model_problem(asked, budget):
        return CriticConfig(None, "", default_model, problem, limits, budget)
    where = endpoint.host() + (" (OpenAI)" if endpoint.base_url in (None, OPENAI_URL) else "")
    return CriticConfig(endpoint, where, asked, None, limits, budget)


def standing(user_id: str, config: CriticConfig) -> Standing:
    """Return where `user_id` stands against the budget now."""
    return llm_usage.current_standing(engine(), user_id, config.budget)


def begin_call(user_id: str, config: CriticConfig, tally: Tally) -> tuple[Standing, int | None]:
    """Record a call by `user_id` if the model and the budget allow it; return the standing and
    the call's id (None: refused, nothing recorded, no call may be made)."""
    if config.endpoint is None or model_problem(config.endpoint.model, config.budget):
        raise ValueError("begin_call needs an endpoint with an allowed model")
    return llm_usage.start_call(
        engine(), user_id, model=config.endpoint.model, budget=config.budget,
        tokens=tally.prompt_tokens,
    )  # fmt: skip


def end_call(call_id: int, tally: Tally, *, answered: bool) -> None:
    """Record the tokens call `call_id` used, answered or not."""
    llm_usage.finish_call(
        engine(), call_id, tokens=tally.tokens, outcome="answered" if answered else "failed"
    )


class StoredAnswer(NamedTuple):
    """The critic's last answer: for which design, from which model, as shown and as read.

    Defined here, not in the page: a page's classes are new objects on every run, so an
    instance kept in session state would fail `isinstance` on the next one.
    """

    design_key: str
    model: str
    shown: str  # sanitised Markdown of the answer
    answer: LlmAnswer
