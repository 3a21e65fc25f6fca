"""Refit the efficiency factors on the copied measurements and print both models' errors."""

from __future__ import annotations

import json
import statistics
from datetime import date
from pathlib import Path

from playbook.catalog import Catalog
from playbook.estimates import calibration as cal
from playbook.estimates.serving import Efficiency, load_efficiency

EFFICIENCY_JSON = Path(__file__).resolve().parents[1] / "playbook" / "data" / "efficiency.json"
TARGET_ERROR_PCT = 25.0


def _table(report: cal.CalibrationReport) -> list[str]:
    lines = [f"{'row':48} {'metric':10} {'measured':>10} {'ours':>10} {'naive':>10} {'err %':>6}"]
    for p in report.predictions:
        lines.append(
            f"{p.row_id[:48]:48} {p.metric:10} {p.measured:10,.1f} {p.ours:10,.1f} "
            f"{p.naive:10,.1f} {p.error('ours'):6.1f}"
        )
    return lines


def _summary(report: cal.CalibrationReport, cross: dict[str, float]) -> tuple[list[str], bool]:
    lines = [f"{'metric':12} {'n':>3} {'ours %':>8} {'held-out %':>11} {'naive %':>8} {'ratio':>6}"]
    ok = True
    for metric in cal.METRICS:
        n = sum(1 for p in report.predictions if p.metric == metric)
        ours, rough = report.median_error(metric, "ours"), report.median_error(metric, "naive")
        met = ours <= TARGET_ERROR_PCT and rough >= 2 * ours
        ok &= met
        lines.append(
            f"{metric:12} {n:3} {ours:8.1f} {cross[metric]:11.1f} {rough:8.1f} "
            f"{rough / max(ours, 1e-9):6.1f}  {'met' if met else 'MISSED'} "
            f"(≤ {TARGET_ERROR_PCT:g} % and ≥ 2× better than naive)"
        )
    return lines, ok


def held_out_errors(cases: tuple[cal.Case, ...]) -> dict[str, float]:
    """Return the median error per metric when each row is predicted by a fit without it."""
    errors: dict[str, list[float]] = {metric: [] for metric in cal.METRICS}
    for index, case in enumerate(cases):
        factors = cal.fit(cases[:index] + cases[index + 1 :])
        for metric, value in cal.predict(case, factors).items():
            measured = case.measured[metric]
            errors[metric].append(abs(value - measured) / measured * 100)
    return {metric: statistics.median(values) for metric, values in errors.items()}


def write(factors: Efficiency, cases: tuple[cal.Case, ...], loss: float) -> None:
    """Store the fitted factors with the date and the rows they were fitted on."""
    data = {
        "about": "Efficiency factors of playbook/estimates/serving.py, fitted by "
        "playbook.estimates.calibration.fit on playbook/data/calibration_measurements.json "
        "(refit and check: python -m bench --write).",
        "fitted_on": date.today().isoformat(),
        "objective": "mean absolute log error over every measured TTFT, ITL and throughput",
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
    print(f"rows used ({len(report.rows_used())}): {', '.join(report.rows_used())}")
    for skip in skipped:
        what = f"{skip.row_id} [{skip.metric}]" if skip.metric else skip.row_id
        print(f"skipped {what}: {skip.reason}")
    print(f"fitted: {factors.describe()}")
    stored = load_efficiency()
    rounded = {name: round(value, 4) for name, value in factors.model_dump().items()}
    if stored.model_dump() != rounded and not store:
        print(
            f"stored factors differ from this refit: {stored.describe()} (python -m bench --write)"
        )
    print("\n".join(_table(report)))
    lines, ok = _summary(report, held_out_errors(cases))
    print("median absolute % error (held-out: each row predicted by a fit without it)")
    print("\n".join(lines))
    if store:
        write(factors, cases, cal.loss(cases, factors))
        print(f"wrote {EFFICIENCY_JSON}")
    return ok
