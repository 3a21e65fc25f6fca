"""Pure work on designs done once per design (or pair of designs), not on every rerun.

Each function here is keyed on the canonical hash of the designs it reads (like the analysis in
`ui.resources`) and returns an immutable value shared by every session of the process: Arrow
tables, tuples of frozen records. Nothing here reads the database: rows that another replica may
change are read fresh on every rerun by the pages; what is computed from a design is cached.

The memo is a plain bounded map, not `st.cache_resource`: a hit of Streamlit's cache hashes its
arguments and inspects the function's signature, 50-100 µs a call here, against well under
1 µs for a dict lookup; a page makes several of these calls on every rerun.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from playbook import Design, sanitize
from playbook.analysis import DesignAnalysis, design_hash
from playbook.compare import (
    KeyNumber,
    decisions_that_differ,
    key_numbers_of,
    numbers_that_differ,
    phase_decisions,
)
from playbook.design import Phase
from playbook.format import duration, money
from playbook.labels import PHASES as PHASE_NAMES
from playbook.labels import escape_markdown
from playbook.rubric import Review
from ui import resources, tables

T = TypeVar("T")
SEVERITY_NAMES = {"block": "Blocking", "warn": "Warning", "info": "Note"}


class Memo(Generic[T]):
    """A bounded map from a key to a value computed once, shared by every session (thread-safe;
    the least recently used entry goes first). Only for immutable values of pure work."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the value for `key`, computing it (outside the lock) when it is not kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # two sessions may both compute a missing value: the same value
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._items.clear()


_ANALYSES: Memo[DesignAnalysis] = Memo(64)
_KEY_NUMBERS: Memo[tuple[KeyNumber, ...]] = Memo(128)
_DECISION_TABLES: Memo[Any] = Memo(256)
_COMPARE_TABLES: Memo[tuple[Any, Any]] = Memo(64)
_BILL_TABLES: Memo[Any] = Memo(128)
_TIMELINE_TABLES: Memo[Any] = Memo(128)
_LINK_TARGETS: Memo[tuple[tuple[str, str], ...]] = Memo(128)
_CRITIQUE_LINES: Memo[tuple[str, tuple[tuple[str, str], ...]]] = Memo(128)
_METRIC_CELLS: Memo[tuple[tuple[str, str], ...]] = Memo(128)
# The critique page's escaped lines of a rubric finding, by (design key, index in the review).
FINDING_LINES: Memo[tuple[str, str]] = Memo(4096)


def analysis(design: Design) -> DesignAnalysis:
    """Return `resources.analysis(design)`, the design's one analysis, without the 0.1-0.3 ms a
    hit of Streamlit's cache costs: the pages read it several times a rerun."""
    return _ANALYSES.get(design_hash(design), lambda: resources.analysis(design))


def review(design: Design) -> Review:
    """Return the rubric's review of the design: its one analysis's."""
    return analysis(design).review


def key_numbers(design: Design) -> tuple[KeyNumber, ...]:
    """Return the design's headline numbers from its one analysis."""
    return _KEY_NUMBERS.get(design_hash(design), lambda: key_numbers_of(resources.analysis(design)))


def metric_cells(design: Design) -> tuple[tuple[str, str], ...]:
    """Return the headline numbers as (label escaped for Markdown, value shown) pairs."""
    return _METRIC_CELLS.get(
        design_hash(design),
        lambda: tuple((escape_markdown(n.label), n.shown) for n in key_numbers(design)),
    )


def critique_lines(design: Design) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Return the rubric's verdict and each finding's severity and Markdown line (most severe
    first), as the read-only critique draws them: the design's text escaped once per design."""
    return _CRITIQUE_LINES.get(design_hash(design), lambda: _critique_lines(design))


def _critique_lines(design: Design) -> tuple[str, tuple[tuple[str, str], ...]]:
    review = resources.review(design)
    lines = tuple(
        (
            finding.severity,
            f"**{SEVERITY_NAMES[finding.severity]} · {PHASE_NAMES[finding.phase]}**: "
            f"{escape_markdown(finding.message)}  \nFix: {escape_markdown(finding.fix)}",
        )
        for finding in review.findings
    )
    return f"**Verdict:** {escape_markdown(review.verdict)}", lines


def decision_table(design: Design, phase: Phase) -> Any:
    """Return one phase's decisions as the table `ui.readonly.decision_table` draws."""
    return _DECISION_TABLES.get(
        (design_hash(design), phase),
        lambda: tables.arrow(
            [
                {"Decision": row.label, "Value": sanitize.cell(row.value)}
                for row in phase_decisions(design, phase)
            ]
        ),
    )


def compare_tables(left: Design, right: Design) -> tuple[Any, Any]:
    """Return the decisions and the key numbers that differ between two designs, as the compare
    page's two tables (each None when nothing differs)."""
    return _COMPARE_TABLES.get(
        (design_hash(left), design_hash(right)), lambda: _compare_tables(left, right)
    )


def _compare_tables(left: Design, right: Design) -> tuple[Any, Any]:
    changed = [
        {"Part": row.section, "Decision": row.label, "Left": row.left, "Right": row.right}
        for row in decisions_that_differ(left, right)
    ]
    moved = [
        {"Number": row.label, "Left": row.left, "Right": row.right, "Change": row.change}
        for row in numbers_that_differ(key_numbers(left), key_numbers(right))
    ]
    return _cells(changed), _cells(moved)


def _cells(rows: list[dict[str, str]]) -> Any:
    if not rows:
        return None
    return tables.arrow(
        [{key: sanitize.cell(str(value)) for key, value in row.items()} for row in rows]
    )


def bill_table(design: Design) -> Any:
    """Return the monthly bill's lines as the table `ui.panels.cost_panel` draws."""
    return _BILL_TABLES.get(design_hash(design), lambda: _bill_table(design))


def _bill_table(design: Design) -> Any:
    return tables.arrow(
        [
            {
                "line": line.name,
                "$ per month": money(line.usd_per_month),
                "once": money(line.one_off_usd) if line.one_off_usd else "",
            }
            for line in resources.analysis(design).bill.lines
        ]
    )


def timeline_table(design: Design) -> Any:
    """Return the request timeline's stages as the table `ui.panels.timeline_panel` draws."""
    return _TIMELINE_TABLES.get(design_hash(design), lambda: _timeline_table(design))


def _timeline_table(design: Design) -> Any:
    t = resources.analysis(design).timeline
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
    return _LINK_TARGETS.get(design_hash(design), lambda: _link_targets(design))


def _link_targets(design: Design) -> tuple[tuple[str, str], ...]:
    from diagrams.graph import link_targets as targets  # networkx: loaded where it is used

    return tuple(targets(design))
