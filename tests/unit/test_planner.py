"""Reverse planner: what it returns meets the targets, cheapest first, or says why nothing does."""

from __future__ import annotations

import pytest

from playbook import Design, update_design
from playbook.catalog import OpenModel, find, load_catalog
from playbook.design import catalog_for
from playbook.estimates.serving import Load, itl, ttft
from playbook.planner import Plan, Targets, configurations, plan, plan_for_design, row_setup

TARGETS = Targets(ttft_ms=1_000, itl_ms=40, qps=8, prompt_tokens=2_000, output_tokens=400)


def _models(*model_ids: str) -> list[OpenModel]:
    return [find(load_catalog().open_models, model_id) for model_id in model_ids]


@pytest.fixture(scope="module")
def result() -> Plan:
    return plan(_models("llama-3.1-70b", "qwen2.5-14b"), load_catalog(), TARGETS, top=15)


def test_every_configuration_returned_meets_the_targets_per_the_estimates(result: Plan) -> None:
    load = Load(qps=TARGETS.qps)

    setups = [row_setup(row, load_catalog(), TARGETS) for row in result.rows]

    assert setups
    for setup in setups:
        assert ttft(setup, load=load).value <= TARGETS.ttft_ms
        assert itl(setup, load=load).value <= TARGETS.itl_ms
    for row in result.rows:
        assert row.output_tokens_per_s == pytest.approx(TARGETS.qps * TARGETS.output_tokens)


def test_configurations_come_cheapest_first_priced_per_gpu_hour(result: Plan) -> None:
    gpus = load_catalog().gpus

    costs = [row.usd_per_hour for row in result.rows]

    assert costs == sorted(costs)
    for row in result.rows:
        assert row.usd_per_hour == pytest.approx(row.total_gpus * find(gpus, row.gpu).usd_per_hour)


def test_the_planner_tries_every_gpu_count_and_precision() -> None:
    catalog = load_catalog()

    setups = configurations(_models("llama-3.1-8b"), catalog, TARGETS)

    assert len(setups) == len(catalog.gpus) * 4 * 4 * 2


def test_an_impossible_target_returns_nothing_and_says_why() -> None:
    targets = TARGETS.model_copy(update={"ttft_ms": 1, "itl_ms": 0.1})

    result = plan(_models("llama-3.1-8b"), load_catalog(), targets)

    assert result.rows == ()
    assert "TTFT" in result.reason


def test_a_model_too_large_for_any_setup_says_it_does_not_fit() -> None:
    catalog = load_catalog()

    result = plan(_models("llama-3.1-405b"), catalog, TARGETS, gpus=[find(catalog.gpus, "l4")])

    assert result.rows == ()
    assert "room" in result.reason


def test_a_hosted_design_has_nothing_to_plan() -> None:
    design = Design()

    assert plan_for_design(design, catalog_for(design)) is None


def test_a_design_is_planned_at_its_own_targets_and_model() -> None:
    design = update_design(Design(), "model", kind="self_hosted", open_model="llama-3.1-70b")

    found = plan_for_design(design, catalog_for(design))

    assert found is not None
    assert found.rows
    assert {row.model for row in found.rows} == {"llama-3.1-70b"}
    assert all(row.ttft_ms <= design.constraints.ttft_ms for row in found.rows)
    assert all(row.itl_ms <= design.constraints.itl_ms for row in found.rows)
