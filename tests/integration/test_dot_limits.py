"""Graphviz's `dot` runs with a deadline, and the upload limit the server enforces matches the
one the import form states."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from diagrams import DiagramTooLargeError, DotFailedError, DotTimeoutError, design_dot, render
from diagrams.dot import run_dot
from playbook import Design
from ui.library_list import MAX_IMPORT_MB

ROOT = Path(__file__).resolve().parents[2]


def test_dot_past_its_deadline_is_stopped_with_a_clear_message(dot_binary: str) -> None:
    with pytest.raises(DotTimeoutError) as caught:
        run_dot(design_dot(Design()), fmt="svg", timeout_s=0.001)

    assert "did not finish laying out the diagram within 0.001 s" in str(caught.value)
    assert isinstance(caught.value, DiagramTooLargeError)  # every page already explains those


def test_render_uses_the_deadline(dot_binary: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("diagrams.dot.DOT_TIMEOUT_S", 0.001)

    with pytest.raises(DotTimeoutError):
        render(design_dot(Design()), fmt="svg")


def test_a_dot_error_is_reported_with_its_first_line(dot_binary: str) -> None:
    with pytest.raises(DotFailedError, match=r"Graphviz's dot failed: .*syntax"):
        run_dot("digraph { a -> }", fmt="svg", timeout_s=20)


def test_a_design_renders_within_the_deadline(dot_binary: str) -> None:
    assert render(design_dot(Design()), fmt="svg").lstrip().startswith(b"<?xml")


def test_the_server_refuses_uploads_larger_than_the_import_form_states() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))

    assert config["server"]["maxUploadSize"] == MAX_IMPORT_MB
