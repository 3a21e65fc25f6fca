"""Exports as bytes: DOT and Mermaid as text without Graphviz, images only through `dot`."""

from __future__ import annotations

from typing import Any, cast

import pytest

from diagrams import (
    EXPORT_FORMATS,
    FILE_TYPES,
    DotNotFoundError,
    Finding,
    design_dot,
    design_mermaid,
    export,
)
from playbook import Design

FINDINGS = [Finding("llm", "warning", "from the rubric")]


@pytest.mark.parametrize(("fmt", "text_of"), [("dot", design_dot), ("mermaid", design_mermaid)])
def test_text_exports_are_the_utf8_text_of_the_diagram(fmt: Any, text_of: Any) -> None:
    design = Design(title="Caf\u00e9 \U0001f680")

    exported = export(design, fmt, findings=FINDINGS)

    assert exported.decode("utf-8") == text_of(design, findings=FINDINGS)
    assert "from the rubric" in exported.decode("utf-8")


def test_an_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="dot, svg, png, mermaid"):
        export(Design(), cast("Any", "pdf"))


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_image_exports_without_graphviz_explain_how_to_install_it(
    fmt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")

    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        export(Design(), fmt)


def test_every_format_has_a_file_extension_and_media_type() -> None:
    assert set(FILE_TYPES) == set(EXPORT_FORMATS)
    assert all(extension and "/" in media for extension, media in FILE_TYPES.values())
