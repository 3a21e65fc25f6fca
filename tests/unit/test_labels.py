"""Display helpers: every choice has a label, numbers read compactly, user text is made inert."""

from __future__ import annotations

from typing import get_args

import pytest

from playbook import labels
from playbook.design import (
    AnnIndex,
    Chunking,
    Engine,
    FailureMode,
    Mitigation,
    ModelKind,
    OfflineMetric,
    OnlineMetric,
    Phase,
    Precision,
    Rung,
)
from tests.hostile import live_parts


@pytest.mark.parametrize(
    ("choices", "table"),
    [
        (Rung, labels.RUNGS),
        (Rung, labels.RUNG_WHEN),
        (ModelKind, labels.MODEL_KINDS),
        (ModelKind, labels.MODEL_KINDS_SHORT),
        (Chunking, labels.CHUNKING),
        (AnnIndex, labels.INDEXES),
        (Engine, labels.ENGINES),
        (Precision, labels.PRECISIONS),
        (OfflineMetric, labels.OFFLINE_METRICS),
        (OnlineMetric, labels.ONLINE_METRICS),
        (FailureMode, labels.FAILURE_MODES),
        (Mitigation, labels.MITIGATIONS),
        (Phase, labels.PHASES),
    ],
)
def test_every_choice_of_the_model_has_a_display_label(choices: object, table: dict) -> None:
    assert set(table) == set(get_args(choices))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.5, "0.5"),
        (999, "999"),
        (1_500, "1.5k"),
        (100_000, "100k"),
        (2_500_000, "2.5M"),
        (1e9, "1B"),
    ],
)
def test_numbers_read_compactly(value: float, shown: str) -> None:
    assert labels.compact_number(value) == shown


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Contract QA v2", "contract-qa-v2"),
        ("../../etc/passwd", "etc-passwd"),
        ("日本語", "design"),
    ],
)
def test_titles_become_safe_file_names(title: str, stem: str) -> None:
    assert labels.slugify(title) == stem


@pytest.mark.parametrize(
    "hostile",
    [
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "# heading\n- list",
        ":red[styled] **bold**",
        "![img](https://example.com/x.png)",
    ],
)
def test_markdown_syntax_in_user_text_is_escaped(hostile: str) -> None:
    escaped = labels.escape_markdown(hostile)

    assert "\n" not in escaped
    written = escaped.replace("&#58;", "")  # a script scheme's colon, written as a reference
    for char in "[]()>*#!":
        assert written.count(char) == written.count("\\" + char)
    assert "<" not in escaped  # a character reference instead
    assert live_parts(escaped) == []  # what the page would render: nothing live
