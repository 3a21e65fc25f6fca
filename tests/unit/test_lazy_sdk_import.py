"""The OpenAI SDK (about 220 ms of a cold start) loads only when a call is made, not on import."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("openai", "httpx2")


def _modules_pages_import() -> set[str]:
    """Return every module that app.py and the page scripts import at their top level."""
    found: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                # `from ui import interview_view` imports the submodule too
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _loaded_after_importing(modules: list[str]) -> list[str]:
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as error:\n"
        "        if error.name != name:\n"  # a name imported from a module, not a module
        "            raise\n"
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_what_the_pages_import_does_not_load_the_sdk() -> None:
    modules = sorted(_modules_pages_import())
    assert "ui.interview_view" in modules  # the sidebar every page draws: the old culprit

    assert _loaded_after_importing(modules) == []


def test_the_llm_adapter_the_interview_and_the_cli_do_not_load_the_sdk_on_import() -> None:
    modules = [
        "playbook.llm", "playbook.critic", "playbook.interview",
        "playbook.interview.interviewer", "ui.interview", "ui.critic_config",
        "cli", "cli.critique",
    ]  # fmt: skip

    assert _loaded_after_importing(modules) == []


def test_the_check_itself_sees_the_sdk_when_it_is_loaded() -> None:
    # Guards the test above against passing vacuously (say, if the SDK were not installed).
    assert _loaded_after_importing(["openai"]) == ["openai", "httpx2"]
