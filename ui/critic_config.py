"""Where the LLM critic sends its requests (settings from the environment or `st.secrets`).

`OPENAI_API_KEY`, `OPENAI_BASE_URL` (any OpenAI-compatible server, e.g. a local vLLM, Ollama or
LM Studio) and `OPENAI_MODEL` are read on every run and never stored: the key lives only inside
the `Endpoint` (a `SecretStr`) for the length of one call, so it cannot reach session state, the
page, the database or an export. `StoredAnswer` is what the critique page keeps of an answer.
"""

from __future__ import annotations

import os
from typing import Final, NamedTuple

import streamlit as st

from playbook.critic import LlmAnswer
from playbook.llm import DEFAULT_MODEL, OPENAI_URL, Endpoint, LlmError, endpoint_from

SETTINGS: Final = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL")


class CriticConfig(NamedTuple):
    """The endpoint (None when not configured), what may be shown of it, and the default model."""

    endpoint: Endpoint | None
    where: str  # host and port only, safe to show
    model: str
    problem: str | None = None  # why the settings are unusable, if they are


def _setting(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    try:
        found = st.secrets.get(name)
    except FileNotFoundError:  # no secrets file, or one that does not parse
        return None
    return found if isinstance(found, str) and found else None


def load(*, model: str | None = None) -> CriticConfig:
    """Return the critic's configuration, with `model` (when given) instead of the default."""
    settings = {name: _setting(name) for name in SETTINGS}
    default_model = settings["OPENAI_MODEL"] or DEFAULT_MODEL
    try:
        endpoint = endpoint_from(settings, model=model or default_model)
    except LlmError as error:
        return CriticConfig(None, "", default_model, problem=error.message)
    if endpoint is None:
        return CriticConfig(None, "", default_model)
    where = endpoint.host() + (" (OpenAI)" if endpoint.base_url in (None, OPENAI_URL) else "")
    return CriticConfig(endpoint, where, default_model)


class StoredAnswer(NamedTuple):
    """The critic's last answer: for which design, from which model, as shown and as read.

    Defined here, not in the page: a page's classes are new objects on every run, so an
    instance kept in session state would fail `isinstance` on the next one.
    """

    design_key: str
    model: str
    shown: str  # sanitised Markdown of the answer
    answer: LlmAnswer
