"""Calibration: the fitted factors are physical and beat the naive roofline on the measurements."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from playbook.catalog import load_catalog
from playbook.estimates import calibration as cal
from playbook.estimates.serving import Efficiency, load_efficiency


def _physical(factors: Efficiency) -> bool:
    return (
        0 < factors.compute <= 1
        and 0 < factors.bandwidth <= 1
        and factors.step_overhead_ms >= 0
        and factors.request_overhead_ms >= 0
        and factors.allreduce_us >= 0
    )


@pytest.fixture(scope="module")
def cases() -> tuple[cal.Case, ...]:
    used, _ = cal.cases(cal.load_rows(), load_catalog())
    return used


def test_the_stored_factors_are_physical() -> None:
    assert _physical(load_efficiency())


def test_a_refit_gives_physical_factors_no_worse_than_the_stored_ones(
    cases: tuple[cal.Case, ...],
) -> None:
    refit = cal.fit(cases)

    assert _physical(refit)
    assert cal.loss(cases, refit) <= cal.loss(cases, load_efficiency()) + 1e-3


@pytest.mark.parametrize("metric", cal.METRICS)
def test_our_median_error_is_lower_than_the_naive_rooflines(
    cases: tuple[cal.Case, ...], metric: cal.Metric
) -> None:
    report = cal.report(cases, (), load_efficiency())

    ours, naive = report.median_error(metric, "ours"), report.median_error(metric, "naive")

    assert ours < naive


def test_rows_without_a_serving_setup_are_skipped_with_a_reason() -> None:
    used, skipped = cal.cases(cal.load_rows(), load_catalog())

    assert {s.row_id for s in skipped if s.metric is None} == {
        "pagedattention_opt13b_kv",
        "pagedattention_13b_a100_memory_split",
    }
    assert all(s.reason for s in skipped)
    assert len(used) >= 10


def test_the_stored_factors_name_rows_of_the_copied_measurements() -> None:
    text = resources.files("playbook").joinpath("data/efficiency.json").read_text("utf-8")

    stored = json.loads(text)

    assert set(stored["rows"]) <= {row["id"] for row in cal.load_rows()}
    assert stored["fitted_on"]


def test_the_fit_only_moves_when_it_improves() -> None:
    start = Efficiency(
        compute=0.5, bandwidth=0.5, step_overhead_ms=1, request_overhead_ms=10, allreduce_us=10
    )

    best = cal.fit([], start=start, objective=lambda _cases, e: abs(e.compute - 0.7))

    assert best.compute == pytest.approx(0.7, abs=1e-3)
    assert best.bandwidth == start.bandwidth
