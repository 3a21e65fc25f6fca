"""Refit the efficiency factors on the copied measurements and print the estimator's errors.

Per metric: the in-sample error (one fit on every row), the leave-one-source-out error (each
publication's rows predicted by a fit on the other publications' rows only) and the naive
roofline's, against issue 12's targets.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from playbook.catalog import Catalog
from playbook.estimates import calibration as cal
from playbook.estimates.serving import Efficiency, load_efficiency

EFFICIENCY_JSON = Path(__file__).resolve().parents[1] / "playbook" / "data" / "efficiency.json"
# Issue 12's targets for the median absolute error, in %.
TARGETS: dict[cal.Metric, float] = {"ttft": 10.0, "itl": 7.0, "throughput": 10.0}


def _worst(predictions: Sequence[cal.Prediction], count: int = 15) -> list[str]:
    lines = [f"{'row':60} {'metric':10} {'measured':>10} {'ours':>10} {'err %':>7}"]
    ranked = sorted(predictions, key=lambda p: -p.error("ours"))
    for p in ranked[:count]:
        lines.append(
            f"{p.row_id[:60]:60} {p.metric:10} {p.measured:10,.1f} {p.ours:10,.1f} "
            f"{p.error('ours'):7.1f}"
        )
    return lines


def _medians(predictions: Sequence[cal.Prediction], rows: set[str]) -> str:
    parts = []
    for metric in cal.METRICS:
        errors = [p.error("ours") for p in predictions if p.metric == metric and p.row_id in rows]
        if errors:
            parts.append(f"{metric} {statistics.median(errors):.1f} % (n={len(errors)})")
    return ", ".join(parts) or "-"


def _by_group(
    in_sample: Sequence[cal.Prediction],
    held_out: Sequence[cal.Prediction],
    groups: dict[str, set[str]],
) -> list[str]:
    """Return one line per group (a source or an engine): in-sample, then leave-one-source-out."""
    lines = []
    for name, rows in groups.items():
        lines.append(f"  {name:28} in-sample: {_medians(in_sample, rows)}")
        lines.append(f"  {'':28} left out:  {_medians(held_out, rows)}")
    return lines


def _groups(cases: Sequence[cal.Case], key: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for case in cases:
        name = case.source_id if key == "source" else case.setup.engine
        found.setdefault(name, set()).add(case.row_id)
    return found


def _summary(report: cal.CalibrationReport, held_out: dict[cal.Metric, float]) -> list[str]:
    lines = [
        f"{'metric':12} {'n':>4} {'in-sample %':>12} {'leave-one-source-out %':>23} "
        f"{'naive %':>8} {'target %':>9}"
    ]
    for metric in cal.METRICS:
        ours, rough = report.median_error(metric, "ours"), report.median_error(metric, "naive")
        out = held_out.get(metric, math.nan)
        met = out <= TARGETS[metric]
        lines.append(
            f"{metric:12} {report.count(metric):4} {ours:12.1f} {out:23.1f} {rough:8.1f} "
            f"{TARGETS[metric]:9g}  {'met' if met else 'MISSED'}"
        )
    return lines


def write(factors: Efficiency, cases: Sequence[cal.Case], loss: float) -> None:
    """Store the fitted factors with the date and the rows they were fitted on."""
    data = {
        "about": "Efficiency factors of playbook/estimates/serving, fitted by "
        "playbook.estimates.calibration.fit on playbook/data/calibration_measurements.json "
        "(refit and check: python -m bench --write).",
        "fitted_on": date.today().isoformat(),
        "objective": "per metric, the mean absolute log error capped at log 3, averaged over "
        "TTFT, ITL and output throughput",
        "loss": round(loss, 4),
        "rows": [case.row_id for case in cases],
        "factors": {name: round(value, 4) for name, value in factors.model_dump().items()},
    }
    EFFICIENCY_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def run(catalog: Catalog, *, store: bool) -> bool:
    """Refit, print the calibration report, and return whether every target was met."""
    cases, skipped = cal.cases(cal.load_rows(), catalog)
    factors = cal.fit(cases)
    report = cal.report(cases, skipped, factors)
    print("== Calibration: serving model vs published measurements ==")
    sources = dict.fromkeys(case.source_id for case in cases)
    print(f"rows used: {len(report.rows_used())} from {len(sources)} sources")
    for skip in skipped:
        what = f"{skip.row_id} [{skip.metric}]" if skip.metric else skip.row_id
        print(f"skipped {what}: {skip.reason}")
    print(f"fitted: {factors.describe('tensorrt_llm')}")
    stored = load_efficiency()
    rounded = {name: round(value, 4) for name, value in factors.model_dump().items()}
    if stored.model_dump() != rounded and not store:
        print(
            f"stored factors differ from this refit: {stored.describe()} (python -m bench --write)"
        )
    loso = cal.leave_one_source_out(cases)
    print("median absolute % error per source (in-sample; left out: predicted by a fit on the")
    print("other sources only):")
    print("\n".join(_by_group(report.predictions, loso, _groups(cases, "source"))))
    print("median absolute % error per engine:")
    print("\n".join(_by_group(report.predictions, loso, _groups(cases, "engine"))))
    print("the worst in-sample predictions:")
    print("\n".join(_worst(report.predictions)))
    print("the worst leave-one-source-out predictions:")
    print("\n".join(_worst(loso)))
    held_out = cal.median_errors(loso)
    print("median absolute % error over all rows (leave-one-source-out: each source's rows")
    print("predicted by a fit on the other sources' rows only)")
    lines = _summary(report, held_out)
    print("\n".join(lines))
    if store:
        write(factors, cases, cal.loss(cases, factors))
        print(f"wrote {EFFICIENCY_JSON}")
    return all(line.endswith("met") for line in lines[1:])
