"""The one adapter to an OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, LM Studio).

Nothing else imports `openai`. Every call has a deadline: each attempt's connect and read
timeouts are cut to the time left, so a hung server fails after `read_s` and a slow one after
`total_s`, never after the SDK's default 600 s. Retries are done here, not by the SDK (which is
built with `max_retries=0`): the SDK would also retry timeouts, tripling the wait on a hung server,
and honour a `Retry-After` of up to two minutes; here 408/409/429/5xx and refused connections are
retried at most `max_retries` times, and a server-asked wait is honoured only when it fits the
deadline. Every failure becomes one `LlmError` whose one-line message never holds the API key.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx2
import openai
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from playbook.critic import Message, ResponseSchema

OPENAI_URL = "https://api.openai.com/v1"
ErrorKind = Literal[
    "config", "auth", "rate_limit", "server", "timeout", "connection", "malformed", "request"
]  # fmt: skip
DEFAULT_MODEL = "gpt-4o-mini"
# Local servers (Ollama, LM Studio, vLLM without --api-key) ignore the key the SDK insists on.
NO_KEY = "no-key-needed"
_RETRIED_STATUS = frozenset({408, 409, 429})
# OpenAI echoes a masked key ("sk-abc1****wxyz") in 401 messages; proxies may echo a header.
_TOKEN_LIKE = re.compile(r"(?i)\b(?:sk-[\w\-*.]{4,}|bearer\s+[\w\-*.~+/=]{4,})")


class LlmError(Exception):
    """A call to the endpoint failed; `message` says why in one line, without the API key."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message


class Endpoint(BaseModel):
    """Where to send the request, with which key (kept out of reprs and logs) and model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_key: SecretStr
    model: str = Field(min_length=1, max_length=200)
    base_url: str | None = None  # None: OpenAI's own API

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and (
            not value.lower().startswith(("http://", "https://")) or not urlsplit(value).hostname
        ):
            raise ValueError("OPENAI_BASE_URL must be an http:// or https:// URL")
        return value

    def host(self) -> str:
        """Return the endpoint's host and port only: no path, user name or password."""
        parts = urlsplit(self.base_url or OPENAI_URL)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.hostname or 'an unnamed host'}{port}"


class Limits(BaseModel):
    """How long to wait and how often to retry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_s: float = Field(5.0, gt=0)
    read_s: float = Field(30.0, gt=0)  # silence longer than this means the server hung
    total_s: float = Field(60.0, gt=0)  # the whole exchange, retries and streaming included
    max_retries: int = Field(2, ge=0, le=5)


LIMITS = Limits()


def endpoint_from(
    settings: Mapping[str, str | None], *, model: str | None = None
) -> Endpoint | None:
    """Return the endpoint OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL describe.

    None when neither a key nor a base URL is set; a bad base URL raises `LlmError("config")`.
    """
    key = (settings.get("OPENAI_API_KEY") or "").strip()
    url = (settings.get("OPENAI_BASE_URL") or "").strip()
    if not key and not url:
        return None
    try:
        return Endpoint(
            api_key=SecretStr(key or NO_KEY),
            base_url=url or None,
            model=(model or settings.get("OPENAI_MODEL") or DEFAULT_MODEL).strip(),
        )
    except ValidationError as error:
        reasons = "; ".join(
            str(item["msg"]).removeprefix("Value error, ") for item in error.errors()
        )
        raise LlmError("config", reasons) from None


def chat(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None = None,
    limits: Limits = LIMITS,
) -> str:
    """Return the model's whole answer to `messages` (one request, not streamed)."""
    return "".join(_call(endpoint, messages, schema=schema, limits=limits, stream=False))


def stream_chat(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None = None,
    limits: Limits = LIMITS,
) -> Iterator[str]:
    """Yield the model's answer to `messages` piece by piece, as the server streams it."""
    yield from _call(endpoint, messages, schema=schema, limits=limits, stream=True)


def _call(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None,
    limits: Limits,
    stream: bool,
) -> Iterator[str]:
    deadline = time.monotonic() + limits.total_s
    try:
        with _client(endpoint, limits) as client:
            answer = _open(client, endpoint, messages, schema, limits, deadline, stream=stream)
            if not stream:
                yield _content(answer)
                return
            with answer:
                for chunk in answer:
                    if time.monotonic() > deadline:
                        raise LlmError("timeout", _unfinished(endpoint, limits))
                    yield from _delta(chunk)
    except (openai.OpenAIError, httpx2.HTTPError, ValueError) as error:
        # `from None`: the SDK's exception (and its request) stays out of any traceback shown.
        raise _as_llm_error(error, endpoint, limits) from None


def _client(endpoint: Endpoint, limits: Limits) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=endpoint.api_key.get_secret_value(),
        base_url=endpoint.base_url or OPENAI_URL,
        timeout=httpx2.Timeout(limits.read_s, connect=limits.connect_s),
        max_retries=0,  # retried in `_open`, within the deadline (see the module docstring)
    )


def _open(
    client: openai.OpenAI,
    endpoint: Endpoint,
    messages: Sequence[Message],
    schema: ResponseSchema | None,
    limits: Limits,
    deadline: float,
    *,
    stream: bool,
) -> Any:
    """Send the request, retrying what may pass; fall back to plain text if `schema` is refused."""
    request: dict[str, Any] = {
        "model": endpoint.model,
        "messages": [message.model_dump() for message in messages],
        "stream": stream,
    }
    if schema is not None:
        request["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": schema.name, "schema": schema.json_schema, "strict": True},
        }
    attempt = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LlmError("timeout", _unfinished(endpoint, limits))
        timeout = httpx2.Timeout(min(limits.read_s, left), connect=min(limits.connect_s, left))
        try:
            return client.chat.completions.create(**request, timeout=timeout)
        except (openai.BadRequestError, openai.UnprocessableEntityError):
            # A server without structured outputs refuses `response_format`: ask in plain text
            # (the instructions describe the JSON too). Any other 400 comes back the same way.
            if "response_format" not in request:
                raise
            del request["response_format"]
        except (openai.APIStatusError, openai.APIConnectionError) as error:
            wait = _retry_wait(error, attempt)
            if wait is None or attempt == limits.max_retries:
                raise
            if time.monotonic() + wait > deadline:
                raise _as_llm_error(error, endpoint, limits, waited=wait) from None
            time.sleep(wait)
            attempt += 1


def _retry_wait(error: Exception, attempt: int) -> float | None:
    """Return how long to wait before retrying `error`, or None when it is not worth a retry."""
    if isinstance(error, openai.APITimeoutError):
        return None  # a server silent for read_s is hung; asking again only doubles the wait
    backoff = 0.5 * 2.0**attempt
    if isinstance(error, openai.APIConnectionError):
        return backoff
    assert isinstance(error, openai.APIStatusError)
    if error.status_code not in _RETRIED_STATUS and error.status_code < 500:
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        try:
            asked = float(headers[name]) * scale
        except (KeyError, ValueError):
            continue  # absent, or an HTTP date: the backoff is close enough
        if not math.isnan(asked):
            return max(asked, 0.0)
    return backoff


def _content(completion: Any) -> str:
    choices = getattr(completion, "choices", None)
    if not choices or getattr(choices[0], "message", None) is None:
        raise ValueError("a completion without choices")
    return str(choices[0].message.content or "")


def _delta(chunk: Any) -> Iterator[str]:
    choices = getattr(chunk, "choices", None) or ()
    for choice in choices[:1]:
        text = getattr(choice.delta, "content", None) if choice.delta else None
        if text:
            yield str(text)


def _as_llm_error(
    error: Exception, endpoint: Endpoint, limits: Limits, *, waited: float | None = None
) -> LlmError:
    """Return the one-line `LlmError` for an SDK, transport or decoding failure."""
    host, key = endpoint.host(), endpoint.api_key.get_secret_value()
    if waited is not None and isinstance(error, openai.APIStatusError):
        kind: ErrorKind = "rate_limit" if error.status_code == 429 else "server"
        return LlmError(
            kind,
            f"{host} answered HTTP {error.status_code} and asks to wait {waited:g} s, longer "
            f"than the {limits.total_s:g} s allowed: try again later",
        )
    if isinstance(error, openai.APITimeoutError | httpx2.TimeoutException):
        return LlmError("timeout", f"no answer from {host} within {limits.read_s:g} s")
    if isinstance(error, openai.APIConnectionError | httpx2.TransportError):
        return LlmError("connection", f"could not connect to {host}: is the server running?")
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return LlmError(
            "auth",
            f"{host} refused the API key (HTTP {error.status_code}): check OPENAI_API_KEY",
        )
    if isinstance(error, openai.RateLimitError):
        return LlmError(
            "rate_limit",
            f"{host} is rate-limiting requests (HTTP 429) after {limits.max_retries} retries: "
            "try again in a minute",
        )
    if isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        return LlmError(
            "server",
            f"{host} failed (HTTP {error.status_code}) after {limits.max_retries} retries",
        )
    if isinstance(error, openai.APIStatusError):
        detail = redact(_server_message(error), secret=key)
        return LlmError(
            "request", f"{host} rejected the request (HTTP {error.status_code}): {detail}"
        )
    if isinstance(error, ValueError | ValidationError | openai.APIResponseValidationError):
        return LlmError("malformed", f"{host} sent an answer that is not chat-completions JSON")
    return LlmError("request", f"the call to {host} failed ({type(error).__name__})")


def _server_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)
    return "no reason given"


def redact(text: str, *, secret: str) -> str:
    """Return `text` on one line, at most 200 characters, with the secret and key-like words cut."""
    if secret:
        text = text.replace(secret, "[redacted]")
    text = _TOKEN_LIKE.sub("[redacted]", text)
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:199] + "…"


def _unfinished(endpoint: Endpoint, limits: Limits) -> str:
    return f"{endpoint.host()} did not finish its answer within {limits.total_s:g} s"
