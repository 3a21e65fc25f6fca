"""The LLM adapter against a real chat-completions server on 127.0.0.1, through the real SDK."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from pydantic import SecretStr

from playbook import critic, llm
from playbook.critic import Message
from tests.integration.fake_openai import (
    FakeOpenAI,
    Reply,
    answer,
    cut,
    error,
    hang,
    keep_alive,
    malformed,
    schema_refused,
    serve,
    slow_body,
    trickle,
)

CANARY = "sk-canary-7f3a9e1d2c4b"
MESSAGES = (Message(role="system", content="Be brief."), Message(role="user", content="Hi"))
FAST = llm.Limits(connect_s=1, read_s=1, total_s=5, max_retries=2)
CRITIQUE = json.dumps(
    {
        "verdict": "Sound, but the serving tier has no headroom.",
        "findings": [
            {"phase": "serving", "severity": "warn", "component": "llm", "constraint": None,
             "message": "One replica leaves no headroom for a node failure.",
             "fix": "Run two replicas."},
        ],
    }
)  # fmt: skip

Call = Callable[..., str]


def _whole(endpoint: llm.Endpoint, messages: tuple[Message, ...], **options: object) -> str:
    return llm.chat(endpoint, messages, **options)  # type: ignore[arg-type]


def _streamed(endpoint: llm.Endpoint, messages: tuple[Message, ...], **options: object) -> str:
    return "".join(llm.stream_chat(endpoint, messages, **options))  # type: ignore[arg-type]


BOTH = pytest.mark.parametrize("call", [_whole, _streamed], ids=["json", "stream"])


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with serve() as state:
        yield state


@pytest.fixture
def endpoint(server: FakeOpenAI) -> llm.Endpoint:
    return llm.Endpoint(api_key=SecretStr(CANARY), model="test-model", base_url=server.url)


@BOTH
def test_the_answer_arrives_and_the_key_is_sent_as_a_bearer_token(
    call: Call, server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(answer("A short critique."))

    text = call(endpoint, MESSAGES, limits=FAST)

    assert text == "A short critique."
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY}"
    assert server.requests[0].body["model"] == "test-model"
    assert server.requests[0].body["messages"][1] == {"role": "user", "content": "Hi"}


def test_a_streamed_answer_comes_in_several_pieces(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(answer("one two three four five six seven", chunk_chars=5))

    pieces = list(llm.stream_chat(endpoint, MESSAGES, limits=FAST))

    assert server.requests[0].body["stream"] is True
    assert len(pieces) == 7
    assert "".join(pieces) == "one two three four five six seven"


@BOTH
def test_structured_output_sends_the_strict_schema_and_reads_back_as_findings(
    call: Call, server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(answer(CRITIQUE))

    text = call(endpoint, MESSAGES, schema=critic.response_schema(), limits=FAST)
    read = critic.parse_answer(text)

    sent = server.requests[0].body["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"] == critic.response_schema().json_schema
    assert [(f.phase, f.severity, f.source) for f in read.findings] == [("serving", "warn", "llm")]
    assert read.verdict.startswith("Sound")


@BOTH
def test_a_server_without_structured_outputs_is_asked_again_in_plain_text(
    call: Call, server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(schema_refused(), answer(f"Here it is:\n```json\n{CRITIQUE}\n```"))

    text = call(endpoint, MESSAGES, schema=critic.response_schema(), limits=FAST)

    assert ["response_format" in request.body for request in server.requests] == [True, False]
    assert len(critic.parse_answer(text).findings) == 1


@BOTH
def test_a_429_with_retry_after_is_retried_then_answered(
    call: Call, server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(error(429, "Rate limit reached", retry_after="0"), answer("fine now"))

    text = call(endpoint, MESSAGES, limits=FAST)

    assert text == "fine now"
    assert len(server.requests) == 2


def test_a_retry_after_longer_than_the_deadline_fails_at_once(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(error(429, "Rate limit reached", retry_after="120"))

    with pytest.raises(llm.LlmError) as raised:
        llm.chat(endpoint, MESSAGES, limits=FAST)

    assert raised.value.kind == "rate_limit"
    assert "120 s" in raised.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "kind", "words", "requests"),
    [
        (error(401, f"Incorrect API key provided: {CANARY}"), "auth", "HTTP 401", 1),
        (error(403, "Forbidden"), "auth", "HTTP 403", 1),
        (error(404, f"The model does not exist (key {CANARY})"), "request", "does not exist", 1),
        (error(429, "Rate limit reached", retry_after="0"), "rate_limit", "HTTP 429", 3),
        (error(500, "Internal error"), "server", "HTTP 500", 3),
        (error(503, "Overloaded", retry_after="0"), "server", "HTTP 503", 3),
        (malformed(), "malformed", "not chat-completions JSON", 1),
        (hang(10), "timeout", "within 1 s", 1),
    ],
    ids=["401", "403", "404", "429", "500", "503", "malformed", "hung"],
)
@BOTH
def test_a_failure_is_one_line_naming_the_cause_without_the_key(
    call: Call,
    server: FakeOpenAI,
    endpoint: llm.Endpoint,
    reply: Reply,
    kind: str,
    words: str,
    requests: int,
) -> None:
    server.default = reply

    with pytest.raises(llm.LlmError) as raised:
        call(endpoint, MESSAGES, limits=FAST)

    message = raised.value.message
    assert raised.value.kind == kind
    assert words in message
    assert "\n" not in message
    assert CANARY not in message
    assert CANARY not in str(raised.value)
    assert len(server.requests) == requests


def test_a_hung_server_is_not_asked_again(server: FakeOpenAI, endpoint: llm.Endpoint) -> None:
    server.default = hang(10)
    limits = llm.Limits(connect_s=0.5, read_s=0.5, total_s=30, max_retries=2)

    with pytest.raises(llm.LlmError) as raised:
        llm.chat(endpoint, MESSAGES, limits=limits)

    assert raised.value.kind == "timeout"
    assert len(server.requests) == 1


def test_a_server_that_keeps_talking_past_the_deadline_is_cut_off(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(answer("x" * 100, chunk_chars=1, chunk_delay_s=0.05))
    limits = llm.Limits(connect_s=1, read_s=1, total_s=0.5, max_retries=0)

    with pytest.raises(llm.LlmError) as raised:
        "".join(llm.stream_chat(endpoint, MESSAGES, limits=limits))

    assert raised.value.kind == "timeout"
    assert "did not finish" in raised.value.message


def test_a_port_nobody_listens_on_gives_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = llm.Endpoint(
        api_key=SecretStr(CANARY), model="m", base_url=f"http://127.0.0.1:{port}/v1"
    )

    with pytest.raises(llm.LlmError) as raised:
        llm.chat(endpoint, MESSAGES, limits=llm.Limits(max_retries=0))

    assert raised.value.kind == "connection"
    assert f"127.0.0.1:{port}" in raised.value.message


def test_no_log_record_carries_the_key(
    server: FakeOpenAI, endpoint: llm.Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: openai, httpx2, httpcore, urllib3
    server.script(
        answer("fine"),
        error(429, "slow down", retry_after="0"),
        answer("fine"),
        error(401, f"Incorrect API key provided: {CANARY}"),
    )

    llm.chat(endpoint, MESSAGES, limits=FAST)
    "".join(llm.stream_chat(endpoint, MESSAGES, limits=FAST))
    with pytest.raises(llm.LlmError):
        llm.chat(endpoint, MESSAGES, limits=FAST)

    assert caplog.records  # the SDK did log at DEBUG
    for record in caplog.records:
        assert CANARY not in record.getMessage()
        assert CANARY not in repr(record.args)
        assert CANARY not in repr(record.__dict__)


def test_the_endpoint_hides_the_key_and_shows_only_host_and_port() -> None:
    endpoint = llm.Endpoint(
        api_key=SecretStr(CANARY), model="m", base_url="http://user:pw@gpu-box:8000/v1"
    )

    shown = [repr(endpoint), str(endpoint), endpoint.model_dump_json(), endpoint.host()]

    assert not any(CANARY in text for text in shown)
    assert endpoint.host() == "gpu-box:8000"


@pytest.mark.parametrize(
    ("settings", "host", "model", "key"),
    [
        ({"OPENAI_API_KEY": CANARY}, "api.openai.com", "gpt-4o-mini", CANARY),
        ({"OPENAI_API_KEY": CANARY, "OPENAI_MODEL": "gpt-4o"}, "api.openai.com", "gpt-4o", CANARY),
        ({"OPENAI_BASE_URL": "http://localhost:11434/v1"}, "localhost:11434", "gpt-4o-mini",
         llm.NO_KEY),
        ({"OPENAI_API_KEY": f" {CANARY}\n", "OPENAI_BASE_URL": "https://gpu-box/v1",
          "OPENAI_MODEL": "llama"}, "gpu-box", "llama", CANARY),
    ],
)  # fmt: skip
def test_the_endpoint_comes_from_the_three_settings(
    settings: dict[str, str], host: str, model: str, key: str
) -> None:
    endpoint = llm.endpoint_from(settings)

    assert endpoint is not None
    assert (endpoint.host(), endpoint.model) == (host, model)
    assert endpoint.api_key.get_secret_value() == key


def test_without_a_key_or_a_base_url_there_is_no_endpoint() -> None:
    assert llm.endpoint_from({"OPENAI_MODEL": "gpt-4o"}) is None


@pytest.mark.parametrize("url", ["ftp://example.com/v1", "javascript:alert(1)", "localhost:8000"])
def test_a_base_url_that_is_not_http_is_a_configuration_error(url: str) -> None:
    with pytest.raises(llm.LlmError) as raised:
        llm.endpoint_from({"OPENAI_API_KEY": CANARY, "OPENAI_BASE_URL": url})

    assert raised.value.kind == "config"
    assert "http://" in raised.value.message


@pytest.mark.parametrize(
    "text",
    [
        f"Incorrect API key provided: {CANARY}",
        "Incorrect API key provided: sk-abc1***********wxyz",
        "Authorization: Bearer abcdef123456 was refused",
    ],
)
def test_redaction_cuts_the_key_and_key_like_words(text: str) -> None:
    shown = llm.redact(text + "\nsecond line", secret=CANARY)

    assert CANARY not in shown
    assert "sk-abc1" not in shown
    assert "abcdef123456" not in shown
    assert "\n" not in shown


# A short total keeps these fast; reads alone (30 s) would never end any of them.
DEADLINE = llm.Limits(connect_s=1, read_s=30, total_s=2, max_retries=2)
MARGIN_S = 3.0  # generous: the machine is shared; the point is "seconds", not "minutes"


def _llm_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "llm-call"]


def _wait_for_workers_to_end(seconds: float) -> list[threading.Thread]:
    until = time.monotonic() + seconds
    while _llm_threads() and time.monotonic() < until:
        time.sleep(0.05)
    return _llm_threads()


@pytest.mark.parametrize(
    ("call", "reply"),
    [
        (_streamed, keep_alive(0.2)),  # SSE `: ping` comments
        (_whole, keep_alive(0.2)),  # spaces before the JSON
        (_streamed, trickle("x" * 1_000, 0.1)),
        (_whole, slow_body(CRITIQUE, 0.05)),
        (_streamed, hang(60)),
        (_whole, hang(60)),
    ],
    ids=[
        "stream-keep-alives", "json-keep-alives", "stream-trickle", "json-slow-body",
        "stream-no-answer", "json-no-answer",
    ],
)  # fmt: skip
def test_a_call_ends_at_its_total_deadline_whatever_the_server_sends(
    call: Call, server: FakeOpenAI, endpoint: llm.Endpoint, reply: Reply
) -> None:
    server.default = reply
    started = time.monotonic()

    with pytest.raises(llm.LlmError) as raised:
        call(endpoint, MESSAGES, limits=DEADLINE)

    elapsed = time.monotonic() - started
    assert raised.value.kind == "timeout"
    assert "within 2 s" in raised.value.message
    assert elapsed < DEADLINE.total_s + MARGIN_S
    assert len(server.requests) == 1  # a deadline is not retried
    # The abandoned worker is closed, not left reading keep-alives for ever.
    assert _wait_for_workers_to_end(DEADLINE.read_s / 2) == []


def test_a_stream_of_keep_alives_says_the_answer_did_not_finish(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.default = keep_alive(0.2)

    with pytest.raises(llm.LlmError) as raised:
        "".join(llm.stream_chat(endpoint, MESSAGES, limits=DEADLINE))

    assert raised.value.message == (
        f"{endpoint.host()} did not finish its answer within 2 s (stopped after 0 tokens)"
    )


def test_a_silent_server_says_there_was_no_answer(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.default = hang(60)

    with pytest.raises(llm.LlmError) as raised:
        llm.chat(endpoint, MESSAGES, limits=DEADLINE)

    assert raised.value.message.startswith(f"no answer from {endpoint.host()} within 2 s")


def test_a_trickle_says_how_many_tokens_came_before_the_deadline(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.default = trickle("y" * 1_000, 0.1)
    tally = llm.Tally()

    with pytest.raises(llm.LlmError) as raised:
        "".join(llm.stream_chat(endpoint, MESSAGES, limits=DEADLINE, tally=tally))

    # At most about 2 s / 0.1 s = 20 pieces of one character each (fewer when the machine is
    # busy); the message says how many arrived.
    assert 0 < tally.pieces <= 25
    assert f"(stopped after {tally.pieces} tokens)" in raised.value.message


def test_a_stream_cut_midway_says_it_was_cut_not_that_nobody_answered(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.default = cut("abcdefghij", after=5)
    received: list[str] = []

    with pytest.raises(llm.LlmError) as raised:
        received.extend(llm.stream_chat(endpoint, MESSAGES, limits=DEADLINE))

    assert received == ["a", "b", "c", "d", "e"]
    assert raised.value.kind == "cut"
    assert raised.value.message == (
        f"the answer from {endpoint.host()} stopped after 5 tokens: connection closed"
    )
    assert "could not connect" not in raised.value.message


def test_a_caller_that_stops_reading_closes_the_call(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.default = trickle("z" * 1_000, 0.05)

    pieces = llm.stream_chat(endpoint, MESSAGES, limits=llm.Limits(total_s=60, read_s=30))
    assert next(pieces) == "z"
    pieces.close()  # type: ignore[attr-defined]

    assert _wait_for_workers_to_end(5) == []


def test_the_tally_counts_the_servers_usage_or_estimates_it(
    server: FakeOpenAI, endpoint: llm.Endpoint
) -> None:
    server.script(answer("a" * 40), answer("b" * 40))
    whole, streamed = llm.Tally(), llm.Tally()

    llm.chat(endpoint, MESSAGES, limits=FAST, tally=whole)
    "".join(llm.stream_chat(endpoint, MESSAGES, limits=FAST, tally=streamed))

    # The plain completion reports usage (10 + 10 tokens); the stream reports none, so it is
    # estimated at 4 characters a token: "Be brief." (9) -> 3, "Hi" (2) -> 1; the answer in
    # 12-character pieces 12, 12, 12, 4 -> 3 + 3 + 3 + 1 = 10. Total 4 + 10 = 14.
    assert (whole.tokens, whole.reported) == (20, True)
    assert (streamed.prompt_tokens, streamed.completion_tokens) == (4, 10)
    assert streamed.reported is False


@pytest.mark.parametrize(
    ("value", "total"), [("", 60.0), ("2", 2.0), (" 90.5 ", 90.5)], ids=["unset", "2", "90.5"]
)
def test_the_total_deadline_is_configurable(value: str, total: float) -> None:
    limits = llm.limits_from({"LLM_TOTAL_S": value})

    assert limits.total_s == total
    assert limits.read_s <= limits.total_s


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan", "1e9"])
def test_a_total_deadline_out_of_range_names_the_setting(value: str) -> None:
    with pytest.raises(llm.LlmError) as raised:
        llm.limits_from({"LLM_TOTAL_S": value})

    assert raised.value.kind == "config"
    assert "LLM_TOTAL_S" in raised.value.message
