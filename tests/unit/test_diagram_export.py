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
from diagrams.export import slide_sized
from playbook import Design, update_design

FINDINGS = [Finding("llm", "warning", "from the rubric")]


@pytest.mark.parametrize(("fmt", "text_of"), [("dot", design_dot), ("mermaid", design_mermaid)])
def test_text_exports_are_the_utf8_text_of_the_diagram(fmt: Any, text_of: Any) -> None:
    # A prompt-only design within its budgets, so the llm node carries only the rubric's flag.
    design = update_design(Design(title="Caf\u00e9 \U0001f680"), "technique", rungs=("prompt",))

    exported = export(design, fmt, findings=FINDINGS)

    assert exported.decode("utf-8") == text_of(design, findings=FINDINGS)
    assert "from the rubric" in exported.decode("utf-8")


def test_an_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="dot, svg, png, mermaid, excalidraw"):
        export(Design(), cast("Any", "pdf"))


@pytest.mark.parametrize("fmt", ["svg", "png", "excalidraw"])
def test_image_exports_without_graphviz_explain_how_to_install_it(
    fmt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")

    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        export(Design(), fmt)


def test_every_format_has_a_file_extension_and_media_type() -> None:
    assert set(FILE_TYPES) == set(EXPORT_FORMATS)
    assert all(extension and "/" in media for extension, media in FILE_TYPES.values())


def test_a_png_is_sized_for_a_1920_px_slide_on_its_long_side() -> None:
    source = design_dot(Design())

    sized = slide_sized(source)

    # 1920 px at 96 dpi is 20 inches; "!" lets Graphviz scale a smaller drawing up to it too.
    assert 'size="20,20!" dpi=96' in sized
    assert sized.replace('\tgraph [size="20,20!" dpi=96]\n', "") == source


def test_slide_sizing_refuses_text_that_is_not_a_graph() -> None:
    with pytest.raises(ValueError, match="not a DOT graph"):
        slide_sized("nothing here")
