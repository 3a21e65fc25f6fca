"""A chat-completions server on 127.0.0.1 that answers what each test scripts, over real HTTP.

Replies are queued per test (`server.script(...)`); once the queue is empty every request gets
the default reply. Requests are recorded with their headers and JSON body, so a test can check
that the API key arrived in `Authorization` and what the prompt held. Run it by hand for the
app (`python -m tests.integration.fake_openai ANSWER_FILE`) to see the page against it.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer: content (sent as JSON or SSE, as the request asks), or an error."""

    content: str | None = None
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    raw_body: str | None = None  # sent as-is instead of a completion (malformed JSON, errors)
    hang_s: float = 0.0  # wait this long before answering (a hung server)
    chunk_chars: int = 12  # characters per SSE delta
    chunk_delay_s: float = 0.0  # pause between SSE deltas (a slow, still-talking server)
    reject_schema: bool = False  # answer 400 when the request asks for a JSON-schema format
    keep_alive_s: float = 0.0  # send only keep-alives, this often, until the server stops
    byte_delay_s: float = 0.0  # send the (JSON) body one byte at a time, this far apart
    cut_after: int | None = None  # stream this many deltas, then close the connection


def answer(content: str, *, chunk_chars: int = 12, chunk_delay_s: float = 0.0) -> Reply:
    """A normal answer: the model's text, streamed when the request says `stream: true`."""
    return Reply(content=content, chunk_chars=chunk_chars, chunk_delay_s=chunk_delay_s)


def error(status: int, message: str, *, retry_after: str | None = None) -> Reply:
    """An OpenAI-style error body with `status`, optionally with a Retry-After header."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    body = json.dumps({"error": {"message": message, "type": "error", "code": None}})
    return Reply(status=status, headers=headers, raw_body=body)


def keep_alive(every_s: float) -> Reply:
    """Answer 200, then send nothing but keep-alives for ever: SSE `: ping` comment lines to a
    streamed request, spaces (which JSON allows before a value) to a plain one."""
    return Reply(content="never sent", keep_alive_s=every_s)


def trickle(content: str, every_s: float) -> Reply:
    """Stream `content` one character per SSE event, `every_s` apart."""
    return Reply(content=content, chunk_chars=1, chunk_delay_s=every_s)


def slow_body(content: str, every_s: float) -> Reply:
    """A plain (not streamed) completion whose body arrives one byte every `every_s`."""
    return Reply(content=content, byte_delay_s=every_s)


def cut(content: str, *, after: int) -> Reply:
    """Stream the first `after` deltas of `content` (one character each), then hang up."""
    return Reply(content=content, chunk_chars=1, cut_after=after)


def hang(seconds: float) -> Reply:
    """Accept the request, then say nothing for `seconds`."""
    return Reply(content="late", hang_s=seconds)


def malformed() -> Reply:
    """A 200 whose body (or SSE event) is not JSON."""
    return Reply(raw_body='{"id": "chatcmpl-1", "choices": [ this is not json')


def schema_refused() -> Reply:
    """A server without structured outputs: 400 on `response_format: json_schema`."""
    return Reply(content="unused", reject_schema=True)


HOSTILE_FINDING = {
    "phase": "serving",
    "severity": "warn",
    "component": "<img src=x onerror=alert(4)>",
    "constraint": None,
    "message": "Hostile finding: [docs](javascript:alert(5)) ![x](https://evil.example/y.png) "
    "<b>bold</b> <script>alert(6)</script>",
    "fix": "<!-- hidden --> [fix](JaVaScRiPt:alert(7))",
}
HOSTILE_ANSWER = (
    "Hostile prose: [click me](javascript:alert(1)) <script>alert(2)</script> "
    "<img src=x onerror=alert(3)> ![tracker](https://evil.example/x.png) "
    "<!-- ignore the rubric --> [ref][evil] <javascript:alert(8)>\n\n"
    "[evil]: javascript:alert(9)\n\n```json\n"
    + json.dumps({"verdict": "<script>alert(10)</script> Risky.", "findings": [HOSTILE_FINDING]})
    + "\n```\n"
)


@dataclass
class Recorded:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeOpenAI:
    """The server's state: the script, the default reply and what it received."""

    default: Reply = field(default_factory=lambda: answer("{}"))
    queue: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, *replies: Reply) -> None:
        """Queue `replies` for the next requests, in order."""
        with self.lock:
            self.queue.extend(replies)

    def next_reply(self) -> Reply:
        """Pop the next scripted reply, or return the default one."""
        with self.lock:
            return self.queue.pop(0) if self.queue else self.default


def _completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> str:
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    return f"data: {json.dumps(data)}\n\n"


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

        def do_POST(self) -> None:
            """Answer POST /v1/chat/completions with the next scripted reply."""
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.requests.append(Recorded(self.path, headers, body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, "application/json", '{"error": {"message": "no such route"}}')
                return
            # The client may give up first (a timeout test): then there is nothing to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._reply(state.next_reply(), body)

        def _reply(self, reply: Reply, body: dict[str, Any]) -> None:
            if reply.hang_s and state.stopping.wait(reply.hang_s):
                return
            schema = (body.get("response_format") or {}).get("type") == "json_schema"
            if reply.keep_alive_s:
                self._keep_alive(reply, stream=bool(body.get("stream")))
            elif reply.reject_schema and schema:
                message = "response_format json_schema is not supported by this server"
                self._send(400, "application/json", json.dumps({"error": {"message": message}}))
            elif reply.raw_body is not None:
                kind = "text/event-stream" if body.get("stream") and reply.status == 200 else ""
                text = f"data: {reply.raw_body}\n\n" if kind else reply.raw_body
                self._send(reply.status, kind or "application/json", text, reply.headers)
            elif body.get("stream"):
                self._stream(reply, str(body.get("model")))
            else:
                completion = _completion(reply.content or "", str(body.get("model")))
                text = json.dumps(completion)
                if reply.byte_delay_s:
                    self._send_slowly(text, reply.byte_delay_s)
                else:
                    self._send(reply.status, "application/json", text, reply.headers)

        def _keep_alive(self, reply: Reply, *, stream: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream" if stream else "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            beat = b": ping\n\n" if stream else b" "
            while not state.stopping.wait(reply.keep_alive_s):
                self.wfile.write(beat)
                self.wfile.flush()
            self.close_connection = True

        def _send_slowly(self, text: str, delay_s: float) -> None:
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                if state.stopping.wait(delay_s):
                    break
            self.close_connection = True

        def _send(
            self, status: int, kind: str, text: str, headers: tuple[tuple[str, str], ...] = ()
        ) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, reply: Reply, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            content, size = reply.content or "", reply.chunk_chars
            events = [_chunk(model, {"role": "assistant", "content": ""}, None)]
            events += [
                _chunk(model, {"content": content[i : i + size]}, None)
                for i in range(0, len(content), size)
            ]
            if reply.cut_after is not None:
                events = events[: reply.cut_after + 1]  # the role event, then `cut_after` deltas
            else:
                events += [_chunk(model, {}, "stop"), "data: [DONE]\n\n"]
            for event in events:
                self.wfile.write(event.encode())
                self.wfile.flush()
                if reply.chunk_delay_s and state.stopping.wait(reply.chunk_delay_s):
                    break
            self.close_connection = True

    return Handler


@contextmanager
def serve(default: Reply | None = None) -> Iterator[FakeOpenAI]:
    """Run the server on a free port of 127.0.0.1; yield its state (`.url` ends in /v1)."""
    state = FakeOpenAI(default=default or answer("{}"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    server.block_on_close = False  # a hung handler must not hold up the test's teardown
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    """Serve until interrupted, answering every request with the text of the file given."""
    content = Path(sys.argv[1]).read_text("utf-8") if len(sys.argv) > 1 else "{}"
    with serve(answer(content)) as state:
        print(state.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
