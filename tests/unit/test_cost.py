"""Cost estimates: self-hosted against hosted per token, the monthly bill and the routing saving."""

from __future__ import annotations

from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook import Phase, update_design
from playbook.catalog import find, load_catalog
from playbook.design import Design
from playbook.estimates.cost import (
    AVERAGE_TO_PEAK,
    SECONDS_PER_MONTH,
    cost_report,
    fleet_usd_per_month,
    hosted_usd_per_1m_output,
    hosted_usd_per_request,
    monthly_requests,
    self_hosted_usd_per_1m_output,
)
from playbook.estimates.serving import Load, ServingSetup, operating_point


def _setup(**changes: object) -> ServingSetup:
    catalog = load_catalog()
    fields: dict[str, object] = {
        "model": find(catalog.open_models, "llama-3.1-8b"),
        "gpu": find(catalog.gpus, "h100-sxm"),
        "precision": find(catalog.precisions, "bf16"),
        "kv_precision": find(catalog.precisions, "bf16"),
        "prompt_tokens": 1_500,
        "output_tokens": 300,
    }
    return ServingSetup.model_validate(fields | changes)


def test_self_hosted_cost_per_token_is_gpu_dollars_over_tokens_per_hour() -> None:
    setup = _setup(tensor_parallel=2)
    tokens_per_s = operating_point(setup).output_tokens_per_s

    estimate = self_hosted_usd_per_1m_output(setup)

    expected = 2 * setup.gpu.usd_per_hour / (tokens_per_s * 3600) * 1e6
    assert estimate.value == pytest.approx(expected)
    assert "3,600" in estimate.formula


@settings(max_examples=30, deadline=None)
@given(low=st.integers(1, 200), high=st.integers(1, 200))
def test_a_busier_replica_never_makes_a_token_dearer(low: int, high: int) -> None:
    setup = _setup()
    low, high = min(low, high), max(low, high)

    prices = [
        self_hosted_usd_per_1m_output(setup, load=Load(concurrency=c)).value for c in (low, high)
    ]

    assert prices[1] <= prices[0] * (1 + 1e-9)


def test_a_hosted_request_costs_its_input_and_output_tokens_at_list_price() -> None:
    hosted = find(load_catalog().hosted_models, "gpt-4o")

    request = hosted_usd_per_request(hosted, prompt_tokens=1_000, output_tokens=500)
    per_1m = hosted_usd_per_1m_output(hosted, prompt_tokens=1_000, output_tokens=500)

    expected = (1_000 * hosted.usd_per_1m_input + 500 * hosted.usd_per_1m_output) / 1e6
    assert request.value == pytest.approx(expected)
    assert per_1m.value == pytest.approx(expected / 500 * 1e6)


def test_monthly_requests_use_the_stated_average_to_peak_ratio() -> None:
    design = update_design(Design(), "constraints", peak_qps=20)

    requests = monthly_requests(design.constraints)

    assert requests.value == pytest.approx(20 * AVERAGE_TO_PEAK * SECONDS_PER_MONTH)
    assert any("peak" in line for line in requests.assumptions)


# Without RAG and without an LLM judge the bill is the model's line alone.
BARE = {"technique": {"rungs": ("prompt",)}, "evaluation": {"llm_as_judge": False}}


def _bare(**phases: dict[str, object]) -> Design:
    design = Design()
    for phase, changes in {**BARE, **phases}.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def test_a_hosted_design_pays_per_request_and_is_judged_against_both_ceilings() -> None:
    design = _bare(constraints={"cost_per_request_usd": 0.001})
    c = design.constraints
    hosted = find(load_catalog().hosted_models, design.model.hosted_model)

    report = cost_report(design, load_catalog())

    expected = hosted_usd_per_request(
        hosted, prompt_tokens=c.avg_prompt_tokens, output_tokens=c.avg_output_tokens
    ).value
    assert report.usd_per_request == pytest.approx(expected)
    assert report.usd_per_user_month == pytest.approx(report.usd_per_month / c.monthly_active_users)
    assert not report.within_request_ceiling
    assert len(report.verdicts) == 2


def test_a_self_hosted_design_pays_for_its_gpus_all_month() -> None:
    design = _bare(model={"kind": "self_hosted"}, serving={"replicas": 3, "gpus_per_replica": 2})

    report = cost_report(design, load_catalog())

    gpu = find(load_catalog().gpus, design.serving.gpu)
    assert report.usd_per_month == pytest.approx(6 * gpu.usd_per_hour * 730)


def test_a_design_without_a_router_has_no_routing_comparison() -> None:
    assert cost_report(Design(), load_catalog()).routing is None


def test_the_fleet_bill_counts_every_gpu_of_every_replica() -> None:
    setup = _setup(tensor_parallel=4, replicas=2)

    assert fleet_usd_per_month(setup).value == pytest.approx(8 * setup.gpu.usd_per_hour * 730)
