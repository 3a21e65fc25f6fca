"""A first visit draws the Constraints page without loading the database layer or the interview.

A new browser session with no `?draft=` key has nothing to restore and, until something changes,
nothing to write, so SQLAlchemy, Alembic, `db` and the draft's model (which holds an interview,
and so the interview domain and the analysis) are not needed for its first page: about 0.4 s of
a cold start. They load with the first change, which writes the draft. Each case runs the app in
a fresh interpreter, since this process has loaded everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.app.conftest import APP

ROOT = APP.parent
# What a first visit must not load: the storage layer and the draft's model with what it pulls,
# and NumPy and Pillow, which st.set_page_config imports for an image favicon (ui/favicon.py).
DEFERRED = (
    "sqlalchemy", "alembic", "db", "playbook.drafts", "playbook.interview", "playbook.analysis",
    "ui.resources", "ui.interview", "openai", "numpy", "PIL",
)  # fmt: skip

_SCRIPT = """
import json, sys
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

# AppTest resets Streamlit's "pages/ folder" flag before every run, so its second run would run
# the page's file alone; the server clears the flag for good at the first st.navigation call,
# and every later run goes through app.py (and so through the draft's keep()), as here.
_init = PagesManager.__init__
def _init_after_navigation(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False
PagesManager.__init__ = _init_after_navigation

deferred = {deferred!r}
at = AppTest.from_file({app!r}, default_timeout=60)
{query}at.run()
first = {{
    "exception": [str(e.value) for e in at.exception],
    "loaded": [name for name in deferred if name in sys.modules],
    "title": at.title[0].value if at.title else None,
    "key": at.query_params["draft"],
}}
at.slider(key="constraints.accuracy_bar_pct").set_value(97.5).run()
from db import DbDraftStore, make_engine
stored = DbDraftStore(make_engine({url!r})).load(first["key"])
accuracy = None if stored is None else stored.draft.design.constraints.accuracy_bar_pct
print(json.dumps({{
    "first": first,
    "after_change": {{
        "exception": [str(e.value) for e in at.exception],
        "loaded": [name for name in deferred if name in sys.modules],
        "stored_accuracy": accuracy,
    }},
}}))
"""


def _visit(tmp_path: Path, *, draft_key: str | None = None) -> dict[str, Any]:
    """Open the app in a fresh interpreter, change one slider, and report what was loaded."""
    url = f"sqlite:///{tmp_path / 'designs.db'}"
    query = "" if draft_key is None else f"at.query_params['draft'] = {draft_key!r}\n"
    script = _SCRIPT.format(deferred=DEFERRED, app=str(APP), query=query, url=url)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_first_visit_draws_the_first_page_without_the_database_or_the_interview(
    tmp_path: Path,
) -> None:
    seen = _visit(tmp_path)

    first = seen["first"]
    assert first["exception"] == []
    assert first["title"] is not None  # the Constraints page was drawn, not an empty run
    assert len(first["key"]) == 43  # a new draft key is in the URL all the same
    assert first["loaded"] == []


def test_the_first_change_loads_the_store_and_writes_the_draft(tmp_path: Path) -> None:
    # Also guards the test above against passing vacuously: the same check sees them load.
    seen = _visit(tmp_path)

    after = seen["after_change"]
    assert after["exception"] == []
    assert {"sqlalchemy", "alembic", "db", "playbook.drafts"} <= set(after["loaded"])
    assert after["stored_accuracy"] == 97.5


def test_a_visit_with_a_key_of_no_stored_draft_reads_the_store_and_starts_blank(
    tmp_path: Path,
) -> None:
    key = "k" * 43

    seen = _visit(tmp_path, draft_key=key)

    assert seen["first"]["exception"] == []
    assert seen["first"]["key"] == key
    assert "db" in seen["first"]["loaded"]  # a key to restore: the store was asked for it
    assert seen["after_change"]["stored_accuracy"] == 97.5
