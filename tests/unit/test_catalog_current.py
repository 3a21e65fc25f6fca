"""The catalog as of today: current models with checked shapes, hosted prices and retirements."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from playbook.catalog import Catalog, find, load_catalog, offered, retirement_notice
from playbook.hf_config import parse_hf_config

CATALOG = load_catalog()
TODAY = date(2026, 12, 2)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "hf_configs"


def _hosted(model_id: str):  # type: ignore[no-untyped-def]
    return find(CATALOG.hosted_models, model_id)


@pytest.mark.parametrize(
    ("model_id", "retires_on", "successor"),
    [
        ("claude-3.5-sonnet", "2025-10-22", "claude-sonnet-5.5"),
        ("gemini-1.5-pro", "2025-09-24", "gemini-3.1-pro"),
        ("gemini-1.5-flash", "2025-09-24", "gemini-3.5-flash"),
        ("gpt-4o", "2027-01-14", "gpt-6-luna"),
        ("gpt-4o-mini", "2027-01-14", "gpt-6-luna"),
    ],
)
def test_old_hosted_models_carry_their_retirement_date_and_a_successor(
    model_id: str, retires_on: str, successor: str
) -> None:
    model = _hosted(model_id)

    assert (model.retires_on, model.successor) == (retires_on, successor)


def test_retired_models_are_not_offered_but_stay_listed_for_saved_designs() -> None:
    choices = {model.id for model in offered(CATALOG.hosted_models, TODAY)}

    assert {"claude-3.5-sonnet", "gemini-1.5-pro", "gemini-1.5-flash"}.isdisjoint(choices)
    # Announced but not yet shut down: still offered until its date.
    assert {"gpt-4o", "claude-sonnet-5.5", "gpt-5.4-mini"} <= choices
    assert "claude-3.5-sonnet" in {model.id for model in CATALOG.hosted_models}


def test_gpt_4o_is_hidden_from_the_day_it_shuts_down() -> None:
    before = {m.id for m in offered(CATALOG.hosted_models, date(2027, 1, 13))}
    on_the_day = {m.id for m in offered(CATALOG.hosted_models, date(2027, 1, 14))}

    assert "gpt-4o" in before
    assert "gpt-4o" not in on_the_day


def test_the_retirement_notice_names_the_date_and_the_successor() -> None:
    notice = retirement_notice(CATALOG, "claude-3.5-sonnet", TODAY)

    assert notice == (
        "Claude 3.5 Sonnet was retired on 2025-10-22; choose Claude Sonnet 5.5 instead"
    )
    assert retirement_notice(CATALOG, "claude-sonnet-5.5", TODAY) is None


@pytest.mark.parametrize(
    ("model_id", "price_in", "cached", "price_out"),
    [
        # $ per 1M tokens as published: OpenAI pricing page, Anthropic and Google model pages.
        ("gpt-5.5", 5.0, 0.5, 30.0),
        ("gpt-5.4-mini", 0.75, 0.075, 4.5),
        ("claude-sonnet-5.5", 2.0, 0.2, 10.0),
        ("claude-opus-5.5", 4.0, 0.2, 20.0),
        ("gemini-3.1-pro", 2.0, 0.2, 12.0),
    ],
)
def test_current_hosted_models_have_input_cached_input_output_and_batch_prices(
    model_id: str, price_in: float, cached: float, price_out: float
) -> None:
    model = _hosted(model_id)

    prices = (model.usd_per_1m_input, model.usd_per_1m_cached_input, model.usd_per_1m_output)
    assert prices == (price_in, cached, price_out)
    assert model.batch_discount_pct == 50
    assert model.retires_on is None


def test_every_provider_has_a_current_line_with_cached_input_prices() -> None:
    current = [m for m in offered(CATALOG.hosted_models, TODAY) if m.retires_on is None]

    providers = {m.provider for m in current}
    assert providers == {"OpenAI", "Anthropic", "Google"}
    assert all(m.usd_per_1m_cached_input is not None for m in current)


def test_a_successor_that_is_not_listed_is_refused() -> None:
    data = copy.deepcopy(CATALOG.model_dump(mode="json"))
    old = next(m for m in data["hosted_models"] if m["id"] == "claude-3.5-sonnet")
    old["successor"] = "claude-9"

    with pytest.raises(ValidationError, match="successor 'claude-9'"):
        Catalog.model_validate(data)


@pytest.mark.parametrize("gpu_id", ["mi325x", "rtx-pro-6000", "b200"])
def test_new_gpus_list_prices_from_two_or_more_providers_each_with_a_date(gpu_id: str) -> None:
    gpu = find(CATALOG.gpus, gpu_id)

    assert len({price.provider for price in gpu.prices}) >= 2
    assert all(price.as_of and price.source and price.usd_per_hour > 0 for price in gpu.prices)
    assert gpu.interconnect in {"nvlink", "pcie", "infinity_fabric"}
    assert gpu.interconnect_gbps
    assert gpu.interconnect_source


def test_the_rtx_pro_6000_price_is_the_median_of_its_providers() -> None:
    gpu = find(CATALOG.gpus, "rtx-pro-6000")

    # Hyperstack's Server Edition at $1.85 and CoreWeave's at $20.00 for 8 = $2.50:
    # (1.85 + 2.50) / 2 = 2.175.
    assert gpu.usd_per_hour == pytest.approx(2.175, abs=1e-9)


@pytest.mark.parametrize(
    ("model_id", "fixture"),
    [
        ("gpt-oss-120b", "gpt-oss-120b.json"),
        ("qwen3-30b-a3b", "qwen3-30b-a3b.json"),
        ("qwen3-32b", "qwen3-32b.json"),
        ("deepseek-v3.1", "deepseek-v3.json"),
        ("gemma-3-27b", "gemma-3-27b.json"),
        ("llama-4-scout", "llama-4-scout.json"),
    ],
)
def test_catalog_shapes_match_the_published_config(model_id: str, fixture: str) -> None:
    entry = find(CATALOG.open_models, model_id)
    data = json.loads((FIXTURES / fixture).read_text("utf-8"))

    parsed = parse_hf_config(data, model_id="parsed", source="fixture", as_of="2026-12-02")

    shape = (
        "layers", "attention_heads", "kv_heads", "head_dim", "attention", "kv_lora_rank",
        "qk_rope_head_dim", "sliding_window", "sliding_window_layers", "window_kind",
    )  # fmt: skip
    assert {k: getattr(entry, k) for k in shape} == {k: getattr(parsed, k) for k in shape}
    # Totals from the model cards; the vision towers of Llama 4 and Gemma 3 are not in the
    # text config, so allow 2 %.
    assert parsed.total_params == pytest.approx(entry.total_params, rel=0.02)
