"""Saved designs keep up: price fingerprints, retirements and price changes since saving."""

from __future__ import annotations

from datetime import date

import pytest

from playbook import Design, DesignError, design_from_data, update_design
from playbook.catalog import SavedPrice, find, load_catalog
from playbook.codec import refuse_retired_choice
from playbook.design import catalog_for
from playbook.drift import catalog_at, catalog_drift, price_fingerprint, stamp_prices
from playbook.estimates.cost import cost_report

CATALOG = load_catalog()
TODAY = date(2026, 12, 2)


def _hosted(model_id: str) -> Design:
    return update_design(Design(), "model", kind="hosted", hosted_model=model_id)


def _holding(model_id: str) -> Design:
    """Return a design saved while `model_id` could still be chosen (loaded, not chosen now)."""
    data = Design().model_dump(mode="json")
    data["model"] = {**data["model"], "kind": "hosted", "hosted_model": model_id}
    return design_from_data(data)


def test_the_fingerprint_holds_the_prices_of_the_hosted_model_in_use() -> None:
    prices = price_fingerprint(_hosted("claude-sonnet-5.5"))

    assert prices == (
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_input", value=2.0),
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_cached_input", value=0.2),
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_output", value=10.0),
    )


def test_a_self_hosted_design_is_fingerprinted_by_its_gpu_price() -> None:
    design = update_design(Design(), "model", kind="self_hosted", open_model="qwen3-8b")
    design = update_design(design, "serving", gpu="h100-sxm")

    gpu = find(CATALOG.gpus, "h100-sxm")
    assert price_fingerprint(design) == (
        SavedPrice(id="h100-sxm", field="usd_per_hour", value=gpu.usd_per_hour),
    )


def test_a_design_s_own_gpu_is_not_fingerprinted() -> None:
    own = find(CATALOG.gpus, "h100-sxm").model_copy(update={"id": "our-h100", "name": "Ours"})
    data = Design().model_dump(mode="json")
    data["custom_gpus"] = [own.model_dump(mode="json")]
    data["model"] |= {"kind": "self_hosted"}
    data["serving"] |= {"gpu": "our-h100"}

    assert price_fingerprint(design_from_data(data)) == ()


def test_stamping_keeps_every_decision_and_adds_the_prices() -> None:
    design = _hosted("gpt-5.4-mini")

    stamped = stamp_prices(design)

    # The stamp is bookkeeping: the stamped design is the same design, and hashes the same.
    assert stamped == design
    assert hash(stamped) == hash(design)
    assert stamped.model_dump()["saved_prices"] != ()
    assert stamped != update_design(design, "model", hosted_model="gpt-5.4")
    assert {p.field for p in stamped.saved_prices} == {
        "usd_per_1m_input", "usd_per_1m_cached_input", "usd_per_1m_output"
    }  # fmt: skip


def test_nothing_drifts_when_prices_are_unchanged_and_the_model_is_current() -> None:
    design = stamp_prices(_hosted("gpt-5.4"))

    assert catalog_drift(design, design.saved_prices, CATALOG, today=TODAY) == []


def test_a_price_change_says_what_it_was_and_what_it_is_now() -> None:
    design = _hosted("gpt-5.4")
    saved = (SavedPrice(id="gpt-5.4", field="usd_per_1m_output", value=20.0),)

    (drift,) = catalog_drift(design, saved, CATALOG, today=TODAY)

    assert (drift.kind, drift.entry_id, drift.was, drift.now) == ("price", "gpt-5.4", 20.0, 15.0)
    assert drift.message == "GPT-5.4 output price per 1M tokens: $20.00 when saved, $15.00 now."


def test_a_gpu_price_change_is_reported_per_gpu_hour() -> None:
    design = update_design(Design(), "model", kind="self_hosted")
    now = find(CATALOG.gpus, "h100-sxm").usd_per_hour
    saved = (SavedPrice(id="h100-sxm", field="usd_per_hour", value=now + 1),)

    (drift,) = catalog_drift(design, saved, CATALOG, today=TODAY)

    assert drift.message == (
        f"H100 SXM price per GPU-hour: ${now + 1:,.2f} when saved, ${now:,.2f} now."
    )


def test_a_retired_model_is_reported_with_its_successor_and_that_price() -> None:
    design = _holding("claude-3.5-sonnet")

    (drift,) = catalog_drift(design, (), CATALOG, today=TODAY)

    assert drift.kind == "retired"
    assert drift.message == (
        "Claude 3.5 Sonnet was retired on 2025-10-22; Claude Sonnet 5.5 replaces it at "
        "$2.00 / $10.00 per 1M input / output tokens."
    )


def test_a_model_with_an_announced_shutdown_is_reported_as_retiring() -> None:
    design = update_design(Design(), "model", kind="routing", large_model="gpt-4o")

    (drift,) = catalog_drift(design, (), CATALOG, today=TODAY)

    assert drift.kind == "retiring"
    assert drift.message.startswith("GPT-4o retires on 2027-01-14; GPT-6 Luna replaces it")


def test_costing_at_the_saved_prices_gives_the_bill_as_it_was() -> None:
    # Prompting only and no LLM judge: the bill is the model's tokens alone.
    design = update_design(
        update_design(_hosted("gpt-5.4"), "technique", rungs=("prompt",)),
        "evaluation",
        llm_as_judge=False,
    )
    saved = (
        SavedPrice(id="gpt-5.4", field="usd_per_1m_input", value=5.0),
        SavedPrice(id="gpt-5.4", field="usd_per_1m_output", value=15.0),
    )
    catalog = catalog_for(design)

    then = cost_report(design, catalog_at(catalog, saved)).usd_per_month
    now = cost_report(design, catalog).usd_per_month

    # Per request: 1,500 prompt + 300 output tokens. Input $5 → $2.50 saves
    # 1,500 × $2.50 / 1M = $0.00375 per request, whatever the number of requests.
    requests = now / (1_500 * 2.5e-6 + 300 * 15e-6)
    assert then - now == pytest.approx(requests * 0.00375)


def test_a_new_choice_of_a_retired_model_is_refused_naming_the_successor() -> None:
    with pytest.raises(DesignError, match=r"retired on 2025-10-22; choose Claude Sonnet 5\.5"):
        update_design(Design(), "model", hosted_model="claude-3.5-sonnet")


def test_a_saved_design_holding_a_retired_model_loads_and_can_still_be_edited() -> None:
    design = _holding("gemini-1.5-pro")

    edited = update_design(design, "model", notes="kept for the record")

    assert edited.model.hosted_model == "gemini-1.5-pro"


def test_refusal_depends_on_the_date() -> None:
    before, after = _hosted("gpt-5.4"), _holding("gpt-4o")

    refuse_retired_choice(before, after, today=date(2027, 1, 13))  # still served: allowed
    with pytest.raises(DesignError, match=r"Hosted model: GPT-4o was retired on 2027-01-14"):
        refuse_retired_choice(before, after, today=date(2027, 1, 14))
