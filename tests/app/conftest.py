"""AppTest fixtures: the real app, each test with its own SQLite file and a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def dot_of(at: AppTest) -> str:
    """Return the DOT source the diagram page handed to st.graphviz_chart."""
    at.switch_page("pages/diagram.py").run()
    assert not at.exception, at.exception
    return str(at.get("graphviz_chart")[0].proto.spec)
