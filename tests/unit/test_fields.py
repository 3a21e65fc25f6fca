"""Field metadata lives once, beside each field of the design; nothing else restates a label."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from playbook.compare import FIELD_LABELS
from playbook.design import Component, Design
from playbook.fields import described_fields, field_bounds, field_meta, nested_model

ROOT = Path(__file__).resolve().parents[2]
PARTS: list[type[BaseModel]] = [
    Design,
    *(part for name in Design.model_fields if (part := nested_model(Design, name)) is not None),
]
# The design's own model and GPU entries are catalog entries; their labels sit with their
# bounds in playbook.design (CUSTOM_MODEL_FIELDS, CUSTOM_GPU_FIELDS).
DESCRIBED_PARTS = [part for part in PARTS if part.__module__ == "playbook.design"]
WIDGETS = {
    "slider",
    "stepped_slider",
    "number",
    "select",
    "multiselect",
    "toggle",
    "text",
    "long_text",
}


def _fields() -> list[tuple[type[BaseModel], str]]:
    return [(part, name) for part in DESCRIBED_PARTS for name in part.model_fields]


@pytest.mark.parametrize(("part", "name"), _fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_field_of_the_design_has_a_label(part: type[BaseModel], name: str) -> None:
    described = field_meta(part, name)

    assert described is not None, f"{part.__name__}.{name} has no meta(...)"
    assert described.label.strip()
    assert "_" not in described.title or name == "schema_version"


def _literal_values(annotation: object) -> set[str]:
    if get_origin(annotation) is Literal:
        return {str(value) for value in get_args(annotation)}
    return {value for arg in get_args(annotation) for value in _literal_values(arg)}


@pytest.mark.parametrize(("part", "name"), _fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_enumerated_field_names_each_of_its_choices(part: type[BaseModel], name: str) -> None:
    values = _literal_values(part.model_fields[name].annotation)
    if name in ("schema_version", "kind") and part in (Design, Component):
        return  # a file-format version; component kinds are named by the diagram's styles
    described = field_meta(part, name)
    assert described is not None

    # A dict edited key by key (mitigations) names its keys as `items`, its values as choices.
    assert values <= set(described.choices) | set(described.items), f"{part.__name__}.{name}"


@pytest.mark.parametrize(("part", "name"), _fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_number_has_a_stated_range_and_every_text_a_length(
    part: type[BaseModel], name: str
) -> None:
    annotation = part.model_fields[name].annotation
    bounds = field_bounds(part, name)

    if annotation in (int, float):
        assert bounds.low is not None, f"{part.__name__}.{name}"
        assert bounds.high is not None, f"{part.__name__}.{name}"
    if annotation is str:
        assert bounds.max_length is not None, f"{part.__name__}.{name}"


def test_the_compare_view_reads_its_labels_from_the_fields() -> None:
    assert FIELD_LABELS["retrieval.chunk_overlap_tokens"] == "Chunk overlap (tokens)"
    for part_name in ("constraints", "serving", "evaluation"):
        part = nested_model(Design, part_name)
        assert part is not None
        for field, described in described_fields(part).items():
            assert FIELD_LABELS[f"{part_name}.{field}"] == described.title


def _titles() -> set[str]:
    # Titles short or generic enough to be ordinary words elsewhere are not searched for.
    found = {
        described.title
        for part in DESCRIBED_PARTS
        for name, described in described_fields(part).items()
        if described.title != name  # a file-format key such as schema_version
    }
    return {title for title in found if len(title) > 12}


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def test_no_module_restates_a_field_label_as_a_string() -> None:
    titles = _titles()
    found = []
    for path in [*_sources("pages", "ui", "playbook"), ROOT / "diagrams" / "report.py"]:
        if path.name in ("design.py",) and path.parent.name == "playbook":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in titles:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")

    assert found == []


def test_no_page_passes_a_literal_label_for_a_design_field() -> None:
    found = []
    for path in _sources("pages", "ui"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WIDGETS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "widgets"
            ):
                continue
            label = node.args[2] if len(node.args) > 2 else None
            label = next((k.value for k in node.keywords if k.arg == "label"), label)
            if isinstance(label, ast.Constant) and isinstance(label.value, str):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {label.value!r}")

    assert found == []
