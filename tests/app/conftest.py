"""AppTest fixtures: the real app, each test with its own SQLite file and a fake clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest

from ui import state

APP = Path(__file__).resolve().parents[2] / "app.py"


class FakeClock:
    """A time source the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(state, "clock_source", clock)
    return clock


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'designs.db'}")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def viewer_data(at: AppTest) -> list[dict[str, Any]]:
    """Return what each diagram viewer on the page was given: its SVG, height, picked node."""
    return [
        json.loads(viewer.proto.json)
        for viewer in at.get("bidi_component")
        if viewer.proto.component_name == "whiteboard.diagram_viewer"
    ]


def diagram_of(at: AppTest) -> str:
    """Return the SVG the diagram page's viewer draws (laid out by dot, sanitised)."""
    at.switch_page("pages/diagram.py").run()
    assert not at.exception, at.exception
    return str(viewer_data(at)[0]["svg"])


def has_node(svg: str, node_id: str) -> bool:
    """Whether the viewer's SVG draws the node `node_id`."""
    return f'data-node="{node_id}"' in svg


def open_expanders(at: AppTest, label: str = "Show the math") -> int:
    """Open every expander called `label` whose content is drawn only when opened (it has a
    key), as a click on each would, and rerun; return how many were opened."""
    keys = [
        key
        for expander in at.expander
        if expander.label == label and (key := user_key_from_element_id(expander.proto.id))
    ]
    for key in keys:
        at.session_state[key] = True
    at.run()
    return len(keys)
