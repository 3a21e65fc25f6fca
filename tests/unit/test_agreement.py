"""Agreement: the planner, the analysis, the diagram, the report and the CLI give one number each.

A number shown twice is the same number: a planner row applied to the design gives the design
exactly that row's replicas, TTFT and ITL; the diagram, the Markdown report and
`python -m playbook estimate --design` print the analysis's figures.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any, cast

import pytest

from cli import main
from diagrams import design_dot, design_report
from playbook import Design, Phase, dump_design, update_design
from playbook.analysis import analyze, figures
from playbook.analysis.summary import headline
from playbook.design import catalog_for
from playbook.format import duration, money
from playbook.planner import PlanRow, plan_for_design


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


SELF_HOSTED_70B = {"kind": "self_hosted", "open_model": "llama-3.1-70b"}
DESIGNS = {
    "70B with RAG": _design(model=SELF_HOSTED_70B),
    "70B at 100 QPS": _design(
        model=SELF_HOSTED_70B, technique={"rungs": ["prompt"]}, constraints={"peak_qps": 100}
    ),
    "routing to GPT-4o": _design(model={"kind": "routing", "large_model": "gpt-4o"}),
}


def _apply(design: Design, row: PlanRow) -> Design:
    return update_design(
        design, "serving",
        gpu=row.gpu, gpus_per_replica=row.gpus_per_replica, replicas=row.replicas,
        precision=row.precision, kv_cache_precision=row.kv_precision,
    )  # fmt: skip


@pytest.mark.parametrize("name", DESIGNS)
def test_applying_any_planner_row_gives_the_design_exactly_that_rows_numbers(name: str) -> None:
    design = DESIGNS[name]
    catalog = catalog_for(design)
    plan = plan_for_design(design, catalog)
    assert plan is not None
    assert plan.rows

    for row in plan.rows:
        found = figures(_apply(design, row), catalog, by_class=False)

        assert found.capacity is not None
        assert found.capacity.replicas_needed == row.replicas
        assert found.timeline.model_ttft_ms == pytest.approx(row.ttft_ms, rel=1e-9)
        assert found.timeline.itl_ms == pytest.approx(row.itl_ms, rel=1e-9)
        mine = found.timeline.model_node  # the planner sizes this model (not a routed large one)
        ids = ("ttft", "itl", "replicas")
        assert [c.id for c in found.checks if not c.ok and c.id in ids and c.node == mine] == []


@pytest.mark.parametrize("name", DESIGNS)
def test_a_planner_row_applied_puts_its_latencies_on_the_diagram(name: str) -> None:
    design = DESIGNS[name]
    plan = plan_for_design(design, catalog_for(design))
    assert plan is not None
    row = plan.rows[0]
    applied = _apply(design, row)
    before = figures(applied, catalog_for(applied), by_class=False).timeline.before_model_ms

    dot = design_dot(applied)

    assert f"TTFT {duration(row.ttft_ms)}" in dot
    assert f"ITL {duration(row.itl_ms)}" in dot
    assert f"first token ≈ {duration(before + row.ttft_ms)}" in dot


@pytest.mark.parametrize("name", DESIGNS)
def test_the_report_and_the_diagram_print_the_analysis_figures(name: str) -> None:
    design = DESIGNS[name]
    catalog = catalog_for(design)
    found = analyze(design, catalog)

    report = design_report(design, catalog)
    dot = design_dot(design)

    unescaped = report.replace("\\", "")  # the report escapes Markdown's specials
    for check in found.checks:
        assert check.text in unescaped
    assert f"| **total** | {money(found.bill.usd_per_month)} |" in unescaped
    assert f"{money(found.bill.usd_per_request)}/request" in dot
    if found.timeline.ttft_ms is not None:
        assert f"first token ≈ {duration(found.timeline.ttft_ms)}" in dot


@pytest.mark.parametrize("name", DESIGNS)
def test_the_command_line_prints_the_analysis_figures(name: str, tmp_path: Path) -> None:
    design = DESIGNS[name]
    path = tmp_path / "design.json"
    path.write_text(dump_design(design), encoding="utf-8")
    out = io.StringIO()

    with contextlib.redirect_stdout(out):
        code = main(["estimate", "--design", str(path), "--json"])

    assert code == 0
    expected = headline(analyze(design, catalog_for(design)))
    assert json.loads(out.getvalue()) == json.loads(json.dumps(expected))


@pytest.mark.parametrize("name", DESIGNS)
def test_the_critique_says_what_the_verdicts_say(name: str) -> None:
    design = update_design(DESIGNS[name], "constraints", ttft_ms=100, itl_ms=5)
    found = analyze(design, catalog_for(design))

    messages = {f.rule_id: f.message for f in found.review.findings}

    for check_id, rule_id in (
        ("ttft", "serving.ttft_over_budget"),
        ("itl", "serving.itl_over_budget"),
    ):
        check = found.check(check_id)  # type: ignore[arg-type]
        if check is not None and not check.ok and found.timeline.state.ok:
            assert messages[rule_id] == check.text
