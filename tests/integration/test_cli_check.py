"""`python -m playbook check`: the rubric from a terminal, run in a subprocess as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from playbook import PHASES, Design, dump_design, update_design
from tests.unit.test_rubric import SOUND_HOSTED, SOUND_SELF_HOSTED

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = update_design(SOUND_SELF_HOSTED, "model", open_model="llama-3.1-70b")


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playbook", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _file(tmp_path: Path, design: Design) -> str:
    path = tmp_path / "design.json"
    path.write_text(dump_design(design), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("design", [SOUND_HOSTED, SOUND_SELF_HOSTED], ids=["hosted", "self_hosted"])
def test_a_sound_design_exits_0_with_a_ready_verdict(tmp_path: Path, design: Design) -> None:
    done = _check(_file(tmp_path, design))

    assert done.returncode == 0, done.stderr
    assert "Verdict: Ready: no findings" in done.stdout
    assert "4/4" in done.stdout


def test_a_blocking_design_exits_1_and_shows_the_rule_the_math_and_the_fix(
    tmp_path: Path,
) -> None:
    done = _check(_file(tmp_path, BLOCKING))

    assert done.returncode == 1
    assert "BLOCK serving.does_not_fit [llm]" in done.stdout
    assert "= parameters × bytes per parameter" in done.stdout
    assert "fix: " in done.stdout
    assert "Serving: 1/4" in done.stdout
    assert "Verdict: Not ready" in done.stdout


def test_a_design_with_only_warnings_exits_0(tmp_path: Path) -> None:
    design = update_design(SOUND_HOSTED, "evaluation", online_metrics=[])

    done = _check(_file(tmp_path, design))

    assert done.returncode == 0
    assert "WARN  evaluation.no_online_metric" in done.stdout


def test_json_output_parses_as_the_review(tmp_path: Path) -> None:
    done = _check(_file(tmp_path, BLOCKING), "--json")

    review = json.loads(done.stdout)

    assert done.returncode == 1
    assert review["blocking"] is True
    assert [s["phase"] for s in review["scores"]] == list(PHASES)
    assert review["findings"][0]["rule_id"] == "serving.does_not_fit"
    assert review["findings"][0]["numbers"][0]["formula"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a design is a JSON object"),
        ('{"constraints": {"ttft_ms": -1}}', "Time to first token, TTFT (ms): must be at least 50"),
        ('{"model": {"kind": "quantum"}}', "Model class: must be one of: Hosted API"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
    ids=["missing", "not-json", "not-object", "bad-number", "bad-choice", "binary"],
)
def test_a_bad_file_exits_2_with_one_line_naming_the_problem(
    tmp_path: Path, content: str | bytes | None, reason: str
) -> None:
    path = tmp_path / "design.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    done = _check(str(path))

    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert reason in done.stderr
    assert "Traceback" not in done.stderr


def test_a_directory_instead_of_a_file_exits_2_with_one_line(tmp_path: Path) -> None:
    done = _check(str(tmp_path))

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
