"""The critic's settings: the models allowed, the budget and the time limit, refused by name."""

from __future__ import annotations

import pytest

from playbook.llm_budget import Budget
from ui import critic_config

NAMES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "LLM_MODELS", "LLM_CALLS_PER_HOUR",
    "LLM_TOKENS_PER_DAY", "LLM_TOTAL_S",
)  # fmt: skip


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    return monkeypatch


def test_by_default_only_the_configured_model_is_allowed(settings: pytest.MonkeyPatch) -> None:
    settings.setenv("OPENAI_MODEL", "llama3")

    config = critic_config.load()

    assert config.endpoint is not None
    assert (config.model, config.endpoint.model) == ("llama3", "llama3")
    assert config.budget == Budget(calls_per_hour=20, tokens_per_day=200_000, models=("llama3",))
    assert config.limits.total_s == 60


def test_a_model_on_the_list_is_asked(settings: pytest.MonkeyPatch) -> None:
    settings.setenv("LLM_MODELS", "gpt-4o-mini,gpt-4o")

    config = critic_config.load(model="gpt-4o")

    assert config.endpoint is not None
    assert config.endpoint.model == "gpt-4o"
    assert config.problem is None


def test_a_model_off_the_list_gets_no_endpoint_and_a_reason(settings: pytest.MonkeyPatch) -> None:
    settings.setenv("LLM_MODELS", "gpt-4o-mini")

    config = critic_config.load(model="gpt-4-32k")

    assert config.endpoint is None
    assert config.problem is not None
    assert "'gpt-4-32k' is not one of the models allowed (gpt-4o-mini)" in config.problem


def test_a_default_model_off_the_list_gives_way_to_the_first_allowed(
    settings: pytest.MonkeyPatch,
) -> None:
    settings.setenv("OPENAI_MODEL", "gpt-4-32k")
    settings.setenv("LLM_MODELS", "gpt-4o-mini, gpt-4o")

    config = critic_config.load()

    assert config.endpoint is not None
    assert config.endpoint.model == "gpt-4o-mini"


@pytest.mark.parametrize(
    ("name", "value"),
    [("LLM_CALLS_PER_HOUR", "lots"), ("LLM_TOKENS_PER_DAY", "-3"), ("LLM_TOTAL_S", "0")],
)
def test_a_bad_budget_setting_gives_no_endpoint_and_names_the_setting(
    settings: pytest.MonkeyPatch, name: str, value: str
) -> None:
    settings.setenv(name, value)

    config = critic_config.load()

    assert config.endpoint is None
    assert config.problem is not None
    assert name in config.problem


def test_the_time_limit_and_the_budget_come_from_their_settings(
    settings: pytest.MonkeyPatch,
) -> None:
    settings.setenv("LLM_TOTAL_S", "30")
    settings.setenv("LLM_CALLS_PER_HOUR", "5")
    settings.setenv("LLM_TOKENS_PER_DAY", "1000")

    config = critic_config.load()

    assert config.limits.total_s == 30
    assert (config.budget.calls_per_hour, config.budget.tokens_per_day) == (5, 1_000)
