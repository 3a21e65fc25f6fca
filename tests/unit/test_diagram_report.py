"""The Markdown design report: every phase, the numbers with their formulas, the diagram."""

from __future__ import annotations

import pytest

from diagrams import Finding, design_mermaid, design_report
from playbook import Design, add_custom_entry, retitle_design, update_design
from playbook.design import catalog_for
from playbook.estimates.cost import cost_report
from playbook.estimates.retrieval import retrieval_report
from playbook.labels import PHASES, escape_markdown

HOSTILE = "**bold** <script>alert(1)</script> [link](javascript:alert(1)) # heading\n- item"


def _report(design: Design, **options: list[Finding]) -> str:
    return design_report(design, catalog_for(design), **options)


def test_the_report_has_a_section_per_phase_in_order() -> None:
    report = _report(Design())

    positions = [report.index(f"## {i} · {name}") for i, name in enumerate(PHASES.values(), 1)]

    assert positions == sorted(positions)
    assert report.startswith("# Untitled design\n")


def test_the_report_shows_the_phase_1_numbers_and_the_key_estimates_with_formulas() -> None:
    design = update_design(Design(), "constraints", ttft_ms=650, peak_qps=12)
    catalog = catalog_for(design)

    report = _report(design)

    # Row names are the labels the Constraints page shows, read from the design's fields.
    assert "| Time to first token, TTFT | 650 ms |" in report
    assert "| Peak requests per second | 12 QPS |" in report
    chunks = retrieval_report(design, catalog).chunks
    assert escape_markdown(chunks.formula) in report
    assert escape_markdown(chunks.worked) in report
    monthly = cost_report(design, catalog).estimates[-1]
    assert f"**{escape_markdown(monthly.name)}**" in report


def test_the_report_ends_with_the_diagram_as_a_mermaid_block_and_names_the_image_exports() -> None:
    design = Design(title="Shown")

    report = _report(design)

    assert f"```mermaid\n{design_mermaid(design)}```" in report
    assert "SVG" in report
    assert "PNG" in report


@pytest.mark.parametrize(
    "field",
    ["title", "scenario", "author", "notes", "justification", "component"],
)
def test_user_text_reaches_the_report_only_escaped(field: str) -> None:
    design = Design()
    if field in ("title", "scenario", "author"):
        design = retitle_design(design, **{field: HOSTILE})
    elif field == "notes":
        design = update_design(design, "serving", notes=HOSTILE)
        design = update_design(design, "model", kind="self_hosted")
    elif field == "justification":
        design = update_design(design, "technique", justification=HOSTILE)
    else:
        entry = {"id": "x", "name": HOSTILE[:80], "kind": "tool", "phase": "model"}
        design = add_custom_entry(design, "components", entry)

    report = _report(design)

    assert "<script>" not in report
    assert "](javascript" not in report
    assert "\n- item" not in report
    assert escape_markdown(HOSTILE[:80] if field == "component" else HOSTILE) in report


def test_the_report_lists_each_flag_with_its_component() -> None:
    design = update_design(Design(), "constraints", cost_per_request_usd=0.001)

    report = _report(design, findings=[Finding("retriever", "warning", "rubric: check recall")])

    flags = report[report.index("## Flags") : report.index("## Key estimates")]
    assert "**error** · LLM: " in flags
    assert "ceiling" in flags
    assert "**warning** · Retriever: rubric: check recall" in flags


def test_a_design_without_rag_or_gpus_says_so_instead_of_listing_settings() -> None:
    design = update_design(Design(), "technique", rungs=["prompt"])

    report = _report(design)

    assert "Not used: the technique has no RAG rung." in report
    assert "Not used: every model is hosted." in report
    assert "| Chunking |" not in report
