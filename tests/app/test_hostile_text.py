"""Every place that renders Markdown, run with a design whose every text holds a hostile corpus:
nothing from it renders as an image, a link, HTML, LaTeX, a directive or a hidden character."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db import create_share_link, save_design
from tests.app.conftest import APP, open_expanders
from tests.app.library_support import app_engine
from tests.hostile import hostile_design, live_parts
from ui.navigation import SECTIONS, SHARED_PAGE

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN_CALLS = {"markdown", "caption", "write"}
PAGES = [spec.path for specs in SECTIONS.values() for spec in specs if spec.path != SHARED_PAGE]


def call_sites() -> list[tuple[str, int]]:
    """Return (module, line) of every .markdown/.caption/.write call in pages/ and ui/."""
    found = []
    for path in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_CALLS
            ):
                found.append((str(path.relative_to(ROOT)), node.lineno))
    return found


def rendered_markdown(at: AppTest) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) of everything the run rendered that Streamlit reads as Markdown."""
    for kind in ("markdown", "caption", "title", "header", "subheader", "latex"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for kind in ("error", "warning", "info", "success", "toast"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for kind in ("metric", "expander", "tab", "button", "checkbox", "toggle", "selectbox",
                 "slider", "select_slider", "text_input", "text_area", "number_input",
                 "multiselect", "radio"):  # fmt: skip
        for element in getattr(at, kind, ()):
            yield f"{kind} label", str(getattr(element, "label", ""))


def _problems(at: AppTest) -> list[str]:
    return [
        f"{kind}: {part} in {text[:120]!r}"
        for kind, text in rendered_markdown(at)
        for part in live_parts(text)
    ]


@pytest.fixture
def hostile_app(app: AppTest) -> AppTest:
    app.session_state["design"] = hostile_design()
    app.run()
    return app


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


def test_the_scan_finds_the_call_sites_and_each_is_in_a_module_a_page_run_loads(
    hostile_app: AppTest,
) -> None:
    sites = call_sites()
    for page in PAGES:
        hostile_app.switch_page(page).run()

    modules = {module for module, _ in sites}
    assert len(sites) > 100
    loaded = {f"{name.replace('.', '/')}.py" for name in sys.modules if name.startswith("ui.")}
    assert {m for m in modules if m.startswith("ui/")} <= loaded
    assert {m for m in modules if m.startswith("pages/")} <= {*PAGES, SHARED_PAGE}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_renders_nothing_live_from_hostile_design_text(
    hostile_app: AppTest, page: str
) -> None:
    hostile_app.switch_page(page).run()
    closed = _problems(hostile_app)
    open_expanders(hostile_app)  # the math drawn only in an opened "Show the math"

    assert not hostile_app.exception, hostile_app.exception
    assert closed == []
    assert _problems(hostile_app) == []


def test_the_serving_page_shows_the_hostile_gpu_and_model_names_inert(
    hostile_app: AppTest,
) -> None:
    hostile_app.switch_page("pages/serving.py").run()

    shown = "\n".join(text for _, text in rendered_markdown(hostile_app))
    # The names are there (escaped), and nothing of them is live.
    assert "Re-login" in shown
    assert _problems(hostile_app) == []


def test_the_library_and_compare_render_a_saved_hostile_design_inert(
    hostile_app: AppTest, engine: Engine
) -> None:
    save_design(engine, hostile_design())

    for page in ("pages/library.py", "pages/compare.py"):
        hostile_app.switch_page(page).run()
        assert not hostile_app.exception, hostile_app.exception
        assert _problems(hostile_app) == []


def test_the_shared_view_renders_a_hostile_design_inert(engine: Engine) -> None:
    saved = save_design(engine, hostile_design())
    token = create_share_link(engine, saved.id).token
    visitor = AppTest.from_file(str(APP), default_timeout=30)
    visitor.query_params["share"] = token

    visitor.run()

    assert not visitor.exception, visitor.exception
    assert "Re-login" in "\n".join(text for _, text in rendered_markdown(visitor))
    assert _problems(visitor) == []
