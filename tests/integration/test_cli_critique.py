"""`python -m playbook critique`: the rubric, and with --llm a real endpoint's critique."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playbook import Design, dump_design, update_design
from tests.integration.fake_openai import (
    FakeOpenAI,
    Reply,
    answer,
    error,
    hang,
    keep_alive,
    malformed,
    serve,
    slow_body,
)

ROOT = Path(__file__).resolve().parents[2]
CANARY = "sk-canary-cli-0c1d2e3f4a5b"
CRITIQUE = json.dumps(
    {
        "verdict": "Workable once the cost is fixed.",
        "findings": [
            {"phase": "model", "severity": "block", "component": "llm", "constraint": None,
             "message": "The model choice alone breaks the cost ceiling.",
             "fix": "Route the easy share to a small model."},
        ],
    }
)  # fmt: skip


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_"))}
    return subprocess.run(
        [sys.executable, "-m", "playbook", "critique", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def design_file(tmp_path: Path) -> Path:
    # On-prem with a hosted model: a design the rubric blocks, whatever the other defaults.
    path = tmp_path / "design.json"
    path.write_text(dump_design(update_design(Design(), "constraints", on_prem=True)), "utf-8")
    return path


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with serve(answer(CRITIQUE)) as state:
        yield state


def _env(server: FakeOpenAI) -> dict[str, str]:
    return {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": CANARY}


def test_without_llm_it_prints_the_rubric_and_exits_0(design_file: Path) -> None:
    done = _run(str(design_file))

    assert done.returncode == 0
    assert "Verdict: Not ready" in done.stdout
    assert "LLM critic" not in done.stdout


def test_with_llm_it_prints_the_models_findings_after_the_rubric(
    design_file: Path, server: FakeOpenAI
) -> None:
    done = _run(str(design_file), "--llm", env=_env(server))

    assert done.returncode == 0, done.stderr
    rubric, critique = done.stdout.split("LLM critic (gpt-4o-mini at 127.0.0.1:", 1)
    assert "Verdict: Not ready" in rubric
    assert "BLOCK Model [llm] (LLM)" in critique
    assert "breaks the cost ceiling" in critique
    assert "LLM verdict: Workable once the cost is fixed." in critique
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY}"
    assert server.requests[0].body["stream"] is False
    assert CANARY not in done.stdout + done.stderr


def test_the_model_option_names_the_model_asked(design_file: Path, server: FakeOpenAI) -> None:
    done = _run(str(design_file), "--llm", "--model", "qwen2.5:7b", env=_env(server))

    assert done.returncode == 0
    assert server.requests[0].body["model"] == "qwen2.5:7b"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (error(401, f"Incorrect API key provided: {CANARY}"), "refused the API key (HTTP 401)"),
        (error(500, "Internal error", retry_after="0"), "failed (HTTP 500)"),
        (error(429, "Slow down", retry_after="600"), "asks to wait 600 s"),
        (malformed(), "not chat-completions JSON"),
    ],
    ids=["401", "500", "429", "malformed"],
)
def test_an_endpoint_failure_prints_one_line_and_exits_1(
    design_file: Path, server: FakeOpenAI, reply: Reply, reason: str
) -> None:
    server.default = reply

    done = _run(str(design_file), "--llm", env=_env(server))

    assert done.returncode == 1
    assert "Verdict: Not ready" in done.stdout  # the rubric is printed first, whatever follows
    assert done.stderr.count("\n") == 1
    assert reason in done.stderr
    assert "Traceback" not in done.stderr
    assert CANARY not in done.stdout + done.stderr


def test_llm_without_an_endpoint_exits_2_saying_what_to_set(design_file: Path) -> None:
    done = _run(str(design_file), "--llm")

    assert done.returncode == 2
    assert "OPENAI_API_KEY" in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_a_base_url_that_is_not_http_exits_2(design_file: Path) -> None:
    done = _run(str(design_file), "--llm", env={"OPENAI_BASE_URL": "file:///etc/passwd"})

    assert done.returncode == 2
    assert "http://" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "reply",
    [keep_alive(0.2), slow_body(CRITIQUE, 0.05), hang(120)],
    ids=["keep-alives", "slow-body", "no-answer"],
)
def test_the_llm_call_ends_at_its_total_deadline_and_exits_1(
    design_file: Path, server: FakeOpenAI, reply: Reply
) -> None:
    server.default = reply
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_"))}
    command = [sys.executable, "-m", "playbook", "critique", str(design_file), "--llm"]
    env = {**clean, **_env(server), "LLM_TOTAL_S": "2"}
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        # Timed from the line printed just before the call, so start-up time does not count.
        for line in process.stdout:
            if line.startswith("LLM critic ("):
                break
        asked = time.monotonic()
        try:
            process.wait(timeout=60)
        finally:
            process.kill()
        elapsed = time.monotonic() - asked
        stderr = process.stderr.read()

    assert "at most 2 s" in line
    assert process.returncode == 1
    assert "within 2 s" in stderr
    assert elapsed < 2 + 3  # the total, and a generous margin on a shared machine


def test_a_total_deadline_that_is_not_a_number_exits_2(
    design_file: Path, server: FakeOpenAI
) -> None:
    done = _run(str(design_file), "--llm", env={**_env(server), "LLM_TOTAL_S": "a minute"})

    assert done.returncode == 2
    assert "LLM_TOTAL_S" in done.stderr
    assert server.requests == []
