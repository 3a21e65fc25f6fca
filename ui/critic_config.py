"""Where the LLM critic sends its requests, how long a call may take, and each user's budget.

Settings come from the environment or `st.secrets`: `OPENAI_API_KEY`, `OPENAI_BASE_URL` (any
OpenAI-compatible server, e.g. a local vLLM, Ollama or LM Studio), `OPENAI_MODEL`, and the
budget on the server's key: `LLM_MODELS` (the models anyone may ask, comma-separated or a TOML
list), `LLM_CALLS_PER_HOUR`, `LLM_TOKENS_PER_DAY` per user, `LLM_TOTAL_S` per call. They are read
on every run and never stored: the key lives only inside the `Endpoint` (a `SecretStr`) for the
length of one call, so it cannot reach session state, the page, the database or an export.

The budget itself is kept by `ui.critic_budget`. `StoredAnswer` is what the critique page keeps
of an answer.
"""

from __future__ import annotations

import os
from typing import Final, NamedTuple

import streamlit as st

from playbook.critic import LlmAnswer
from playbook.llm import (
    DEFAULT_MODEL,
    LIMITS,
    OPENAI_URL,
    TOTAL_SETTING,
    Endpoint,
    Limits,
    LlmError,
    endpoint_from,
    limits_from,
)
from playbook.llm_budget import (
    CALLS_SETTING,
    MODELS_SETTING,
    TOKENS_SETTING,
    Budget,
    BudgetConfigError,
    budget_from,
    model_problem,
)

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


def _settings() -> dict[str, str | None]:
    """Return every setting: the environment's, else the secrets file's, else None."""
    found = {name: os.environ.get(name) or None for name in SETTINGS}
    try:
        for name in [name for name, value in found.items() if value is None]:
            found[name] = _plain(st.secrets.get(name))
    except FileNotFoundError:  # no secrets file, or one that does not parse: no more to read
        # Stopped at the first: without a file, each read of st.secrets looks for one again.
        pass
    return found


def _plain(found: object) -> str | None:
    if isinstance(found, list | tuple) and all(isinstance(item, str) for item in found):
        found = ",".join(found)  # LLM_MODELS = ["gpt-4o-mini", "gpt-4o"]
    elif isinstance(found, int | float) and not isinstance(found, bool):
        found = str(found)  # LLM_CALLS_PER_HOUR = 20
    return found if isinstance(found, str) and found else None


def load(*, model: str | None = None) -> CriticConfig:
    """Return the critic's configuration, asking `model` (when given) instead of the default.

    A model that is not on the allowed list gives no endpoint and says why in `problem`.
    """
    settings = _settings()
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


class StoredAnswer(NamedTuple):
    """The critic's last answer: for which design, from which model, as shown and as read.

    Defined here, not in the page: a page's classes are new objects on every run, so an
    instance kept in session state would fail `isinstance` on the next one.
    """

    design_key: str
    model: str
    shown: str  # sanitised Markdown of the answer
    answer: LlmAnswer
