"""`python -m playbook scenario ...` and `diagram ...`, run as a user would, from the repo root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from diagrams import design_dot
from playbook import parse_design
from playbook.scenarios import load_scenario, scenario_names

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "playbook" / "data" / "scenarios" / "support-bot.json"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playbook", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    """Return the one-line error of a run that must exit 2 without a traceback."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def test_scenario_list_prints_each_name_with_its_title() -> None:
    done = _run("scenario", "list")

    lines = done.stdout.strip().splitlines()

    assert done.returncode == 0
    assert len(lines) >= 5
    listed = {line.split()[0]: line for line in lines}
    assert {"code-assistant", "document-qa"} <= set(listed)
    for name in scenario_names():
        assert load_scenario(name).title in listed[name]


def test_scenario_list_json_gives_name_title_and_summary() -> None:
    done = _run("scenario", "list", "--json")

    rows = json.loads(done.stdout)

    assert done.returncode == 0
    assert [row["name"] for row in rows] == list(scenario_names())
    assert all(row["title"] and row["pitch"] and row["numbers"] for row in rows)


def test_scenario_show_prints_json_that_parses_into_the_design() -> None:
    done = _run("scenario", "show", "document-qa")

    design = parse_design(done.stdout)

    assert done.returncode == 0
    assert design == load_scenario("document-qa")


def test_scenario_show_of_an_unknown_name_exits_2_listing_the_names() -> None:
    done = _run("scenario", "show", "chatbot-9000")

    message = _refused(done)

    assert "chatbot-9000" in message
    for name in scenario_names():
        assert name in message


def test_diagram_writes_dot_that_graphviz_accepts(tmp_path: Path, dot_binary: str) -> None:
    out = tmp_path / "support-bot.dot"

    done = _run("diagram", str(REFERENCE), "--format", "dot", "-o", str(out))

    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8") == design_dot(load_scenario("support-bot"))
    laid_out = subprocess.run(
        [dot_binary, "-Tsvg", str(out)], capture_output=True, timeout=60, check=False
    )
    assert laid_out.returncode == 0, laid_out.stderr
    assert b"<svg" in laid_out.stdout


def test_diagram_writes_an_svg(tmp_path: Path, dot_binary: str) -> None:
    out = tmp_path / "support-bot.svg"

    done = _run("diagram", str(REFERENCE), "--format", "svg", "-o", str(out))

    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "<svg" in text
    assert "Router" in text


def test_diagram_writes_a_png(tmp_path: Path, dot_binary: str) -> None:
    out = tmp_path / "support-bot.png"

    done = _run("diagram", str(REFERENCE), "--format", "png", "-o", str(out))

    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_diagram_writes_mermaid_text(tmp_path: Path) -> None:
    out = tmp_path / "support-bot.mmd"

    done = _run("diagram", str(REFERENCE), "--format", "mermaid", "-o", str(out))

    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8").startswith("flowchart LR")


def test_diagram_writes_an_excalidraw_scene(tmp_path: Path, dot_binary: str) -> None:
    out = tmp_path / "support-bot.excalidraw"

    done = _run("diagram", str(REFERENCE), "--format", "excalidraw", "-o", str(out))

    assert done.returncode == 0, done.stderr
    scene = json.loads(out.read_text("utf-8"))
    assert scene["type"] == "excalidraw"
    assert any(e["type"] == "arrow" for e in scene["elements"])


def test_svg_without_graphviz_exits_2_with_how_to_install_it(tmp_path: Path) -> None:
    out = tmp_path / "support-bot.svg"
    no_dot = {**os.environ, "PATH": str(tmp_path)}  # an empty directory: no `dot` on PATH

    done = _run("diagram", str(REFERENCE), "--format", "svg", "-o", str(out), env=no_dot)

    assert "install Graphviz" in _refused(done)
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a design is a JSON object"),
        ('{"constraints": {"ttft_ms": -5}}', "Time to first token, TTFT (ms): must be at least 50"),
        ('{"model": {"kind": "oracle"}}', "Model class: must be one of: Hosted API"),
        ('{"surprise": true}', "surprise"),
    ],
)
def test_a_bad_design_file_exits_2_naming_the_problem(
    tmp_path: Path, content: str, named: str
) -> None:
    bad, out = tmp_path / "bad.json", tmp_path / "out.dot"
    bad.write_text(content, "utf-8")

    done = _run("diagram", str(bad), "--format", "dot", "-o", str(out))

    assert named in _refused(done)
    assert not out.exists()


def test_a_missing_design_file_exits_2(tmp_path: Path) -> None:
    done = _run("diagram", str(tmp_path / "nowhere.json"), "-o", str(tmp_path / "out.dot"))

    assert "cannot read" in _refused(done)


def test_an_unknown_format_exits_2_listing_the_formats(tmp_path: Path) -> None:
    done = _run("diagram", str(REFERENCE), "--format", "pdf", "-o", str(tmp_path / "out.pdf"))

    message = _refused(done)

    for fmt in ("dot", "svg", "png", "mermaid", "excalidraw"):
        assert fmt in message
