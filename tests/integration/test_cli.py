"""`python -m playbook`: run as a user would, in a subprocess from the repository root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "weights_gib": float,
    "kv_bytes_per_token": float,
    "kv_cache_gib": float,
    "max_concurrency": int,
    "fits": bool,
    "ttft_ms": float,
    "itl_ms": float,
    "output_tokens_per_s": float,
    "usd_per_1m_output_tokens": float,
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playbook", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_estimate_json_has_every_required_number_with_a_sane_type() -> None:
    done = _run("estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--json")

    data = json.loads(done.stdout)

    assert done.returncode == 0
    for key, kind in REQUIRED.items():
        assert isinstance(data[key], kind), key
    assert data["fits"] is True
    assert 0 < data["ttft_ms"] < 10_000
    assert 0 < data["itl_ms"] < 1_000
    assert data["max_concurrency"] > 0


def test_estimate_json_of_a_setup_that_does_not_fit_lists_fixes() -> None:
    done = _run("estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--json")

    data = json.loads(done.stdout)

    assert done.returncode == 0
    assert data["fits"] is False
    assert data["fixes"]


def test_estimate_without_json_shows_the_math() -> None:
    done = _run("estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--concurrency", "8")

    assert done.returncode == 0
    assert "Inter-token latency" in done.stdout
    assert "    = " in done.stdout


def test_catalog_json_parses() -> None:
    done = _run("catalog", "--json")

    data = json.loads(done.stdout)

    assert done.returncode == 0
    assert data["open_models"]
    assert data["gpus"]


def test_plan_json_returns_rows() -> None:
    done = _run(
        "plan",
        "--model",
        "llama-3.1-8b",
        "--ttft-ms",
        "800",
        "--itl-ms",
        "50",
        "--qps",
        "5",
        "--top",
        "3",
        "--json",
    )

    data = json.loads(done.stdout)

    assert done.returncode == 0
    assert 1 <= len(data["rows"]) <= 3


def test_an_unknown_model_exits_2_listing_the_valid_ids_without_a_traceback() -> None:
    done = _run("estimate", "--model", "gpt-5-open", "--gpu", "h100-sxm", "--json")

    assert done.returncode == 2
    assert "llama-3.1-8b" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_a_bad_number_exits_2_with_one_line() -> None:
    done = _run(
        "plan", "--model", "llama-3.1-8b", "--ttft-ms", "fast", "--itl-ms", "50", "--qps", "5"
    )

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
