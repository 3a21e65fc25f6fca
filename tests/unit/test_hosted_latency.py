"""Hosted models are judged on published latencies, with their source and date, or on a stated
default that every view says is one."""

from __future__ import annotations

from datetime import date

import pytest

from diagrams.annotate import annotate
from diagrams.report import design_report
from playbook.analysis import analyze
from playbook.analysis.summary import headline, lines
from playbook.analysis.timeline import (
    DEFAULT_HOSTED_TOKENS_PER_S,
    DEFAULT_HOSTED_TTFT_MS,
    HOSTED_DEFAULT_NOTE,
    hosted_latency,
)
from playbook.catalog import HostedModel, find, load_catalog, offered
from playbook.codec import design_from_data
from playbook.design import Design

CATALOG = load_catalog()
TODAY = date(2026, 12, 2)  # the catalog's hosted prices and latencies were read on this day
CURRENT = offered(CATALOG.hosted_models, TODAY)


def _hosted(model_id: str, **constraints: object) -> Design:
    # No retrieval, and input/output guardrails: the path is gateway, input guardrails, the
    # model, output guardrails.
    return design_from_data(
        {
            "constraints": {"avg_output_tokens": 250, **constraints},
            "technique": {"rungs": ["prompt"]},
            "model": {"kind": "hosted", "hosted_model": model_id},
            "evaluation": {"mitigations": {"prompt_injection": "input_output_guardrails"}},
        }
    )


def _routed(large_model: str) -> Design:
    return design_from_data(
        {
            "technique": {"rungs": ["prompt"]},
            "model": {
                "kind": "routing", "small_model": "llama-3.1-8b", "large_model": large_model,
                "small_share_pct": 75,
            },
        }
    )  # fmt: skip


def test_a_hosted_timeline_adds_the_published_first_token_to_the_stages_before_it() -> None:
    # GPT-5.4 in the catalog: 912 ms to the first token, 44.8 output tokens/s.
    #   first token = gateway 5 ms + input guardrails 30 ms + GPT-5.4 912 ms = 947 ms
    #   ITL         = 1,000 ÷ 44.8 = 22.3214 ms
    #   whole answer = 947 + (250 - 1) × 22.3214 + output guardrails 30
    #                = 947 + 5,558.04 + 30 = 6,535.04 ms
    found = analyze(_hosted("gpt-5.4"), CATALOG)

    t = found.timeline

    assert t.before_model_ms == pytest.approx(35.0)
    assert t.model_ttft_ms == pytest.approx(912.0)
    assert t.ttft_ms == pytest.approx(947.0)
    assert t.itl_ms == pytest.approx(22.3214, abs=1e-4)
    assert t.total_ms == pytest.approx(6_535.04, abs=0.01)


def test_the_first_token_verdict_uses_the_published_figure_against_the_budget() -> None:
    # 947 ms end to end (above) against budgets on either side of it.
    within = analyze(_hosted("gpt-5.4", ttft_ms=950), CATALOG).check("ttft")
    over = analyze(_hosted("gpt-5.4", ttft_ms=940), CATALOG).check("ttft")

    assert within is not None
    assert within.ok
    assert within.figure == pytest.approx(947.0)
    assert over is not None
    assert not over.ok


def test_the_first_token_stage_names_its_source_and_date() -> None:
    found = analyze(_hosted("gpt-5.4"), CATALOG)

    step = found.timeline.step("hosted_first_token")

    assert step is not None
    assert step.estimate is not None
    (source,) = step.estimate.sources
    assert "https://www.jonathanwrede.de/" in source
    assert source.endswith("(as of 2026-12-02)")
    assert HOSTED_DEFAULT_NOTE not in step.estimate.assumptions


def test_a_routed_hosted_large_model_uses_its_own_published_figure() -> None:
    # Gemini 2.5 Flash-Lite: 321 ms to the first token, 191.9 tokens/s; no retrieval and no
    # guardrails before it, so only the 5 ms gateway:
    #   first token = 5 + 321 = 326 ms;  ITL = 1,000 ÷ 191.9 = 5.2110 ms
    found = analyze(_routed("gemini-2.5-flash-lite"), CATALOG)

    large = found.timeline.large

    assert large is not None
    assert large.model_ttft_ms == pytest.approx(321.0)
    assert large.ttft_ms == pytest.approx(326.0)
    assert large.itl_ms == pytest.approx(5.2110, abs=1e-4)
    assert [h.node for h in found.timeline.hosted] == ["large_llm"]
    assert found.timeline.hosted[0].as_of == "2026-12-02"


@pytest.mark.parametrize("model", CURRENT, ids=lambda m: m.id)
def test_every_current_hosted_model_has_a_dated_published_latency_or_says_it_is_on_the_default(
    model: HostedModel,
) -> None:
    fields = (model.ttft_ms, model.output_tokens_per_s, model.latency_source, model.latency_as_of)
    found = analyze(_hosted(model.id), CATALOG)
    (basis,) = found.timeline.hosted
    step = found.timeline.step("hosted_first_token")
    assert step is not None
    assert step.estimate is not None

    if all(f is not None for f in fields):
        assert date.fromisoformat(str(model.latency_as_of)) <= TODAY
        assert "https://" in str(model.latency_source)
        assert (basis.ttft_ms, basis.output_tokens_per_s) == (
            model.ttft_ms, model.output_tokens_per_s,
        )  # fmt: skip
        assert step.estimate.sources == (f"{model.latency_source} (as of {model.latency_as_of})",)
    else:
        assert fields == (None, None, None, None), "a latency without its source and date"
        assert (basis.ttft_ms, basis.output_tokens_per_s) == (
            DEFAULT_HOSTED_TTFT_MS, DEFAULT_HOSTED_TOKENS_PER_S,
        )  # fmt: skip
        assert basis.source is None
        assert step.estimate.assumptions == (HOSTED_DEFAULT_NOTE,)
        assert step.estimate.sources == ()


def test_the_current_models_with_published_figures_are_the_ones_found() -> None:
    measured = {m.id: (m.ttft_ms, m.output_tokens_per_s) for m in CURRENT if m.ttft_ms}

    assert measured == {
        "gpt-4o": (390, 81),  # Artificial Analysis; retires 2027-01-14
        "gpt-5.5": (1_158, 44.0),
        "gpt-5.4": (912, 44.8),
        "gemini-3.1-pro": (7_608, 122.2),
        "gemini-2.5-flash-lite": (321, 191.9),
    }


def test_a_figure_without_its_source_is_judged_on_the_default() -> None:
    undated = find(CATALOG.hosted_models, "gpt-5.4").model_copy(
        update={"latency_source": None, "latency_as_of": None}
    )

    basis = hosted_latency(undated, "llm")

    assert (basis.ttft_ms, basis.source, basis.note) == (
        DEFAULT_HOSTED_TTFT_MS, None, HOSTED_DEFAULT_NOTE,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("model_id", "said"),
    [
        ("gpt-5.4", "published median, https://www.jonathanwrede.de/"),
        ("gpt-6-luna", HOSTED_DEFAULT_NOTE),
    ],
)
def test_the_command_line_prints_the_source_and_date_or_the_default(
    model_id: str, said: str
) -> None:
    found = analyze(_hosted(model_id), CATALOG)

    printed = "\n".join(lines(found))
    data = headline(found)

    assert said in printed
    assert ("(as of 2026-12-02)" in printed) == (model_id == "gpt-5.4")
    assert [h["as_of"] for h in data["hosted_latency"]] == [
        "2026-12-02" if model_id == "gpt-5.4" else None
    ]


def test_the_report_and_the_diagram_say_where_the_latency_comes_from() -> None:
    measured, assumed = _hosted("gpt-5.4"), _hosted("gpt-6-luna")

    report = design_report(measured, CATALOG, analysis=analyze(measured, CATALOG))
    default_report = design_report(assumed, CATALOG, analysis=analyze(assumed, CATALOG))
    shown = annotate(measured, CATALOG, analyze(measured, CATALOG)).numbers["llm"]
    default_shown = annotate(assumed, CATALOG, analyze(assumed, CATALOG)).numbers["llm"]

    assert "jonathanwrede.de" in report
    assert "(as of 2026-12-02\\)" in report
    assert "no published latency in the catalog for this model" in default_report
    assert "latency: published median, as of 2026-12-02" in shown
    assert "latency assumed: no published figure" in default_shown
