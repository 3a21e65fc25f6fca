"""Pure work on designs done once per design (or pair of designs), not on every rerun.

Each function here is keyed on the canonical hash of the designs it reads (like the analysis in
`ui.resources`) and returns an immutable value shared by every session of the process: Arrow
tables, tuples of frozen records. Nothing here reads the database: rows that another replica may
change are read fresh on every rerun by the pages; what is computed from a design is cached.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playbook import Design, sanitize
from playbook.analysis import design_hash
from playbook.compare import (
    KeyNumber,
    decisions_that_differ,
    key_numbers_of,
    numbers_that_differ,
    phase_decisions,
)
from playbook.design import Phase
from playbook.format import duration, money
from ui import resources, tables


def key_numbers(design: Design, key: str | None = None) -> tuple[KeyNumber, ...]:
    """Return the design's headline numbers from its one analysis (`key`: its hash, if known)."""
    return _key_numbers(key or design_hash(design), design)


@st.cache_resource(max_entries=128, show_spinner=False)
def _key_numbers(key: str, _design: Design) -> tuple[KeyNumber, ...]:
    del key  # the design's hash: `_design` itself is not hashed by Streamlit
    return key_numbers_of(resources.analysis(_design))


def decision_table(design: Design, phase: Phase, key: str | None = None) -> Any:
    """Return one phase's decisions as the table `ui.readonly.decision_table` draws."""
    return _decision_table(key or design_hash(design), phase, design)


@st.cache_resource(max_entries=256, show_spinner=False)
def _decision_table(key: str, phase: Phase, _design: Design) -> Any:
    del key  # with `phase`, the cache key: the design's hash
    return tables.arrow(
        [
            {"Decision": row.label, "Value": sanitize.cell(row.value)}
            for row in phase_decisions(_design, phase)
        ]
    )


def compare_tables(left: Design, right: Design) -> tuple[Any, Any]:
    """Return the decisions and the key numbers that differ between two designs, as the compare
    page's two tables (each None when nothing differs)."""
    return _compare_tables(design_hash(left), design_hash(right), left, right)


@st.cache_resource(max_entries=64, show_spinner=False)
def _compare_tables(
    left_key: str, right_key: str, _left: Design, _right: Design
) -> tuple[Any, Any]:
    del left_key, right_key  # the designs' hashes
    changed = [
        {"Part": row.section, "Decision": row.label, "Left": row.left, "Right": row.right}
        for row in decisions_that_differ(_left, _right)
    ]
    moved = [
        {"Number": row.label, "Left": row.left, "Right": row.right, "Change": row.change}
        for row in numbers_that_differ(key_numbers(_left), key_numbers(_right))
    ]
    return _cells(changed), _cells(moved)


def _cells(rows: list[dict[str, str]]) -> Any:
    if not rows:
        return None
    return tables.arrow(
        [{key: sanitize.cell(str(value)) for key, value in row.items()} for row in rows]
    )


def bill_table(design: Design, key: str | None = None) -> Any:
    """Return the monthly bill's lines as the table `ui.panels.cost_panel` draws."""
    return _bill_table(key or design_hash(design), design)


@st.cache_resource(max_entries=128, show_spinner=False)
def _bill_table(key: str, _design: Design) -> Any:
    del key  # the design's hash
    return tables.arrow(
        [
            {
                "line": line.name,
                "$ per month": money(line.usd_per_month),
                "once": money(line.one_off_usd) if line.one_off_usd else "",
            }
            for line in resources.analysis(_design).bill.lines
        ]
    )


def timeline_table(design: Design, key: str | None = None) -> Any:
    """Return the request timeline's stages as the table `ui.panels.timeline_panel` draws."""
    return _timeline_table(key or design_hash(design), design)


@st.cache_resource(max_entries=128, show_spinner=False)
def _timeline_table(key: str, _design: Design) -> Any:
    del key  # the design's hash
    t = resources.analysis(_design).timeline
    return tables.arrow(
        [
            {
                "stage": step.name + (" (beside the search)" if step.parallel_with else ""),
                "where": step.node,
                "time": duration(step.ms) if step.ms is not None else t.state.reason,
                "before first token": "yes" if step.before_first_token else "no",
            }
            for step in t.steps
        ]
    )


def link_targets(design: Design) -> tuple[tuple[str, str], ...]:
    """Return (id, label) of every node a comment (or an own component) can name: the
    diagram's, built once per design rather than on every rerun of a comment thread."""
    return _link_targets(design_hash(design), design)


@st.cache_resource(max_entries=128, show_spinner=False)
def _link_targets(key: str, _design: Design) -> tuple[tuple[str, str], ...]:
    del key  # the design's hash
    from diagrams.graph import link_targets as targets  # networkx: loaded where it is used

    return tuple(targets(_design))
