"""The one adapter to an OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, LM Studio).

Nothing else imports `openai`, and this module imports it only inside the worker that calls the
API (it costs about 220 ms of every cold start; a page that never asks the model never pays).

Every call has a wall-clock deadline, `Limits.total_s`. The SDK's timeouts bound each read, not
the exchange: SSE keep-alive comments (`: ping`) every few seconds, a trickle of tokens or a body
sent a byte at a time would each keep a call alive forever. So the request runs in a worker
thread that hands each piece of the answer over a queue, and the caller waits on that queue
only until the deadline; then it gives up, closes the response and raises. Each attempt's reads
are also bounded by `read_s` (cut to the time left), so the abandoned worker ends soon after.

Retries are done here, not by the SDK (which is built with `max_retries=0`): the SDK would also
retry timeouts, tripling the wait on a hung server, and honour a `Retry-After` of up to two
minutes; here 408/409/429/5xx and refused connections are retried at most `max_retries` times,
and a server-asked wait is honoured only when it fits the deadline. Every failure becomes one
`LlmError` whose one-line message never holds the API key.
"""

from __future__ import annotations

import contextlib
import math
import queue
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from playbook.critic import Message, ResponseSchema

if TYPE_CHECKING:
    import openai

OPENAI_URL = "https://api.openai.com/v1"
ErrorKind = Literal[
    "config", "auth", "rate_limit", "server", "timeout", "connection", "cut", "malformed",
    "request",
]  # fmt: skip
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TOTAL_S: Final = 60.0
TOTAL_SETTING: Final = "LLM_TOTAL_S"
# Local servers (Ollama, LM Studio, vLLM without --api-key) ignore the key the SDK insists on.
NO_KEY = "no-key-needed"
_RETRIED_STATUS = frozenset({408, 409, 429})
# OpenAI echoes a masked key ("sk-abc1****wxyz") in 401 messages; proxies may echo a header.
_TOKEN_LIKE = re.compile(r"(?i)\b(?:sk-[\w\-*.]{4,}|bearer\s+[\w\-*.~+/=]{4,})")
CHARS_PER_TOKEN: Final = 4  # the usual rule of thumb, when the server reports no usage


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
    # The whole exchange by the wall clock: retries, waits, streaming and slow bodies included.
    total_s: float = Field(DEFAULT_TOTAL_S, gt=0, le=3600)
    max_retries: int = Field(2, ge=0, le=5)


LIMITS = Limits()


@dataclass
class Tally:
    """What one call used, filled in as it runs (also when it fails): pieces and tokens.

    Tokens are the server's own count when it reports one, else estimated from the characters
    sent and received (`CHARS_PER_TOKEN`), so a budget counts servers that report nothing.
    """

    pieces: int = 0  # answer pieces received (one per streamed token, roughly)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reported: bool = False  # the token counts are the server's

    @property
    def tokens(self) -> int:
        """Return the tokens the call used, prompt and answer together."""
        return self.prompt_tokens + self.completion_tokens


def estimate_tokens(text: str) -> int:
    """Return a token estimate for `text`: one per four characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def tally_for(messages: Sequence[Message]) -> Tally:
    """Return a tally that starts with the prompt's estimated tokens (known before the call)."""
    return Tally(prompt_tokens=sum(estimate_tokens(message.content) for message in messages))


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


def limits_from(settings: Mapping[str, str | None], *, base: Limits = LIMITS) -> Limits:
    """Return `base` with the total deadline `LLM_TOTAL_S` sets (seconds, 1 to 3600).

    A value that is not such a number raises `LlmError("config")` naming the setting.
    """
    raw = (settings.get(TOTAL_SETTING) or "").strip()
    if not raw:
        return base
    try:
        total = float(raw)
    except ValueError:
        total = math.nan
    if not 1 <= total <= 3600:  # NaN fails both comparisons
        raise LlmError("config", f"{TOTAL_SETTING} must be a number of seconds from 1 to 3600")
    # A read may not outlast the whole call; connecting gets at most half of it.
    return base.model_copy(
        update={
            "total_s": total,
            "read_s": min(base.read_s, total),
            "connect_s": min(base.connect_s, total / 2),
        }
    )


def chat(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None = None,
    limits: Limits = LIMITS,
    tally: Tally | None = None,
) -> str:
    """Return the model's whole answer to `messages` (one request, not streamed)."""
    return "".join(
        _call(endpoint, messages, schema=schema, limits=limits, stream=False, tally=tally)
    )


def stream_chat(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None = None,
    limits: Limits = LIMITS,
    tally: Tally | None = None,
) -> Iterator[str]:
    """Yield the model's answer to `messages` piece by piece, as the server streams it."""
    yield from _call(endpoint, messages, schema=schema, limits=limits, stream=True, tally=tally)


_DONE: Final = object()


def _call(
    endpoint: Endpoint,
    messages: Sequence[Message],
    *,
    schema: ResponseSchema | None,
    limits: Limits,
    stream: bool,
    tally: Tally | None,
) -> Iterator[str]:
    """Run the exchange in a worker thread; yield its pieces until it ends or the deadline."""
    deadline = time.monotonic() + limits.total_s
    run = _Run(endpoint, messages, schema, limits, deadline, stream, tally or Tally())
    worker = threading.Thread(target=run.work, name="llm-call", daemon=True)
    worker.start()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LlmError("timeout", run.unfinished())
            try:
                item = run.out.get(timeout=left)
            except queue.Empty:
                raise LlmError("timeout", run.unfinished()) from None
            if item is _DONE:
                return
            if isinstance(item, LlmError):
                raise item
            yield str(item)
    finally:
        run.stop()  # at the deadline, on an error, or when the caller stops reading


class _Run:
    """One exchange, run by a worker thread that puts str pieces, an LlmError, or `_DONE`."""

    def __init__(
        self,
        endpoint: Endpoint,
        messages: Sequence[Message],
        schema: ResponseSchema | None,
        limits: Limits,
        deadline: float,
        stream: bool,
        tally: Tally,
    ) -> None:
        self.endpoint, self.messages, self.schema = endpoint, messages, schema
        self.limits, self.deadline, self.stream, self.tally = limits, deadline, stream, tally
        self.out: queue.Queue[object] = queue.Queue()
        self.stopped = threading.Event()
        self.answered = False  # the server has begun its answer (headers received)
        self.tally.prompt_tokens = tally_for(messages).prompt_tokens
        self._lock = threading.Lock()
        self._closable: list[Any] = []

    def work(self) -> None:
        """Make the call; hand over the pieces, then `_DONE` or the error (unless stopped)."""
        import httpx2
        import openai

        try:
            client = openai.OpenAI(
                api_key=self.endpoint.api_key.get_secret_value(),
                base_url=self.endpoint.base_url or OPENAI_URL,
                timeout=httpx2.Timeout(self.limits.read_s, connect=self.limits.connect_s),
                max_retries=0,  # retried in `_open`, within the deadline (see the docstring)
            )
            self._keep(client)
            with client:
                answer = _open(client, self, openai, httpx2)
                self.answered = True
                if self.stream:
                    self._keep(answer)
                    with answer:
                        self._read_stream(answer)
                else:
                    self._read_whole(answer)
            self.out.put(_DONE)
        except LlmError as error:
            self.out.put(error)
        except (openai.OpenAIError, httpx2.HTTPError, ValueError, _CutError) as error:
            if not self.stopped.is_set():
                # `from None` in spirit: only the one-line message leaves this thread.
                self.out.put(_as_llm_error(error, self, openai, httpx2))
        except Exception as error:  # any other failure still reaches the caller, as one line
            self.out.put(LlmError("request", f"the call failed ({type(error).__name__})"))

    def _read_whole(self, completion: Any) -> None:
        text = _content(completion)
        self._count(getattr(completion, "usage", None), text)
        self.out.put(text)

    def _read_stream(self, chunks: Any) -> None:
        finished = False
        for chunk in chunks:
            if self.stopped.is_set():
                return
            choices = getattr(chunk, "choices", None) or ()
            finished = finished or any(getattr(c, "finish_reason", None) for c in choices)
            for text in _delta(chunk):
                self.tally.pieces += 1
                self._count(None, text)
                self.out.put(text)
            self._count(getattr(chunk, "usage", None), "")
        if not finished:
            raise _CutError  # the connection closed before the model said it was done

    def _count(self, usage: Any, text: str) -> None:
        if usage is not None and getattr(usage, "total_tokens", None):
            self.tally.prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
            self.tally.completion_tokens = int(usage.completion_tokens or 0)
            self.tally.reported = True
        elif not self.tally.reported:
            self.tally.completion_tokens += estimate_tokens(text)

    def _keep(self, closable: Any) -> None:
        with self._lock:
            self._closable.append(closable)
            if not self.stopped.is_set():
                return
        _close_quietly(closable)  # stopped while it was being opened

    def stop(self) -> None:
        """Abandon the exchange: close its response and client so the worker stops reading."""
        with self._lock:
            self.stopped.set()
            closables = list(reversed(self._closable))
        for closable in closables:
            _close_quietly(closable)

    def unfinished(self) -> str:
        """Return why the deadline passed: no answer at all, or an answer still coming."""
        host, total = self.endpoint.host(), self.limits.total_s
        if not self.answered:
            return f"no answer from {host} within {total:g} s (the time allowed for one call)"
        pieces = f" (stopped after {self.tally.pieces} tokens)" if self.stream else ""
        return f"{host} did not finish its answer within {total:g} s{pieces}"


class _CutError(Exception):
    """A streamed answer ended without the model saying it was done."""


def _close_quietly(closable: Any) -> None:
    # Closing from another thread may race with the worker's own close: best effort.
    with contextlib.suppress(Exception):
        closable.close()


def _open(client: openai.OpenAI, run: _Run, sdk: Any, http: Any) -> Any:
    """Send the request, retrying what may pass; fall back to plain text if `schema` is refused."""
    endpoint, limits, schema = run.endpoint, run.limits, run.schema
    request: dict[str, Any] = {
        "model": endpoint.model,
        "messages": [message.model_dump() for message in run.messages],
        "stream": run.stream,
    }
    if schema is not None:
        request["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": schema.name, "schema": schema.json_schema, "strict": True},
        }
    attempt = 0
    while True:
        left = run.deadline - time.monotonic()
        if left <= 0 or run.stopped.is_set():
            raise LlmError("timeout", run.unfinished())
        timeout = http.Timeout(min(limits.read_s, left), connect=min(limits.connect_s, left))
        try:
            return client.chat.completions.create(**request, timeout=timeout)
        except (sdk.BadRequestError, sdk.UnprocessableEntityError):
            # A server without structured outputs refuses `response_format`: ask in plain text
            # (the instructions describe the JSON too). Any other 400 comes back the same way.
            if "response_format" not in request:
                raise
            del request["response_format"]
        except (sdk.APIStatusError, sdk.APIConnectionError) as error:
            wait = _retry_wait(error, attempt, sdk)
            if wait is None or attempt == limits.max_retries:
                raise
            if time.monotonic() + wait > run.deadline:
                raise _as_llm_error(error, run, sdk, http, waited=wait) from None
            if run.stopped.wait(wait):
                raise
            attempt += 1


def _retry_wait(error: Exception, attempt: int, sdk: Any) -> float | None:
    """Return how long to wait before retrying `error`, or None when it is not worth a retry."""
    if isinstance(error, sdk.APITimeoutError):
        return None  # a server silent for read_s is hung; asking again only doubles the wait
    backoff = 0.5 * 2.0**attempt
    if isinstance(error, sdk.APIConnectionError):
        return backoff
    assert isinstance(error, sdk.APIStatusError)
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
    error: Exception, run: _Run, sdk: Any, http: Any, *, waited: float | None = None
) -> LlmError:
    """Return the one-line `LlmError` for an SDK, transport or decoding failure."""
    endpoint, limits = run.endpoint, run.limits
    host, key = endpoint.host(), endpoint.api_key.get_secret_value()
    cause = error.__cause__ or error.__context__
    if waited is not None and isinstance(error, sdk.APIStatusError):
        kind: ErrorKind = "rate_limit" if error.status_code == 429 else "server"
        return LlmError(
            kind,
            f"{host} answered HTTP {error.status_code} and asks to wait {waited:g} s, longer "
            f"than the {limits.total_s:g} s allowed: try again later",
        )
    if isinstance(error, sdk.APITimeoutError | http.TimeoutException):
        return LlmError("timeout", f"no answer from {host} within {limits.read_s:g} s")
    if isinstance(error, _CutError) or (
        isinstance(error, sdk.APIConnectionError | http.TransportError)
        and (run.answered or _cut_midway(error, cause, http))
    ):
        if run.stream:
            return LlmError(
                "cut",
                f"the answer from {host} stopped after {run.tally.pieces} tokens: "
                "connection closed",
            )
        return LlmError(
            "cut", f"{host} closed the connection before its answer was complete: try again"
        )
    if isinstance(error, sdk.APIConnectionError | http.TransportError):
        return LlmError("connection", f"could not connect to {host}: is the server running?")
    if isinstance(error, sdk.AuthenticationError | sdk.PermissionDeniedError):
        return LlmError(
            "auth",
            f"{host} refused the API key (HTTP {error.status_code}): check OPENAI_API_KEY",
        )
    if isinstance(error, sdk.RateLimitError):
        return LlmError(
            "rate_limit",
            f"{host} is rate-limiting requests (HTTP 429) after {limits.max_retries} retries: "
            "try again in a minute",
        )
    if isinstance(error, sdk.APIStatusError) and error.status_code >= 500:
        return LlmError(
            "server",
            f"{host} failed (HTTP {error.status_code}) after {limits.max_retries} retries",
        )
    if isinstance(error, sdk.APIStatusError):
        detail = redact(_server_message(error), secret=key)
        return LlmError(
            "request", f"{host} rejected the request (HTTP {error.status_code}): {detail}"
        )
    if isinstance(error, ValueError | ValidationError | sdk.APIResponseValidationError):
        return LlmError("malformed", f"{host} sent an answer that is not chat-completions JSON")
    return LlmError("request", f"the call to {host} failed ({type(error).__name__})")


def _cut_midway(error: Exception, cause: BaseException | None, http: Any) -> bool:
    """Return whether a transport failure came after the connection was made (not a refusal)."""
    for failure in (error, cause):
        if isinstance(failure, http.RemoteProtocolError | http.ReadError):
            return True
    return False


def _server_message(error: Any) -> str:
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
