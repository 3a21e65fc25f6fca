"""Saved designs keep up: what changed in the catalog since a design was saved.

A saved revision carries the prices it was costed with (`Design.saved_prices`, stamped by
`stamp_prices` when it is saved). Opening it later compares them with today's catalog:
a hosted model that was retired (or has a retirement date) names its successor and that price,
and a price that moved says what it was and what it is now, with the monthly cost both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from playbook.catalog import Catalog, Gpu, HostedModel, SavedPrice, find
from playbook.design import Design, catalog_for

DriftKind = Literal["retired", "retiring", "price"]
PRICE_FIELDS = ("usd_per_1m_input", "usd_per_1m_cached_input", "usd_per_1m_output")
FIELD_WORDS = {
    "usd_per_1m_input": "input price per 1M tokens",
    "usd_per_1m_cached_input": "cached-input price per 1M tokens",
    "usd_per_1m_output": "output price per 1M tokens",
    "usd_per_hour": "price per GPU-hour",
}


@dataclass(frozen=True)
class Drift:
    """One change since the design was saved, with the numbers then and now."""

    kind: DriftKind
    entry_id: str
    message: str
    was: float | None = None
    now: float | None = None


def _hosted_in_use(design: Design, catalog: Catalog) -> list[HostedModel]:
    hosted = {model.id: model for model in catalog.hosted_models}
    kind = design.model.kind
    chosen = [design.model.hosted_model] if kind == "hosted" else []
    chosen += [design.model.large_model] if kind == "routing" else []
    return [hosted[model_id] for model_id in chosen if model_id in hosted]


def _gpus_in_use(design: Design, catalog: Catalog) -> list[Gpu]:
    # The design's own GPUs carry their price inside the design: nothing can drift.
    own = {gpu.id for gpu in design.custom_gpus}
    listed = {gpu.id: gpu for gpu in catalog.gpus if gpu.id not in own}
    gpu = listed.get(design.serving.gpu)
    return [gpu] if design.self_hosts and gpu is not None else []


def price_fingerprint(design: Design, catalog: Catalog | None = None) -> tuple[SavedPrice, ...]:
    """Return the catalog prices `design` is costed with: its hosted models' and its GPU's."""
    catalog = catalog or catalog_for(design)
    prices = [
        SavedPrice(id=model.id, field=field, value=value)
        for model in _hosted_in_use(design, catalog)
        for field in PRICE_FIELDS
        if (value := getattr(model, field)) is not None
    ]
    prices += [
        SavedPrice(id=gpu.id, field="usd_per_hour", value=gpu.usd_per_hour)
        for gpu in _gpus_in_use(design, catalog)
    ]
    return tuple(prices)


def stamp_prices(design: Design) -> Design:
    """Return `design` carrying today's catalog prices, as a saved revision should."""
    return design.model_copy(update={"saved_prices": price_fingerprint(design)})


def _money(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.1 else f"${value:,.3f}"


def _current(catalog: Catalog, saved: SavedPrice) -> float | None:
    for entries in (catalog.hosted_models, catalog.gpus):
        entry = next((e for e in entries if e.id == saved.id), None)
        if entry is not None:
            value = getattr(entry, saved.field, None)
            return float(value) if isinstance(value, int | float) else None
    return None


def _retirement(model: HostedModel, catalog: Catalog, today: date) -> Drift | None:
    if model.retires_on is None or model.successor is None:
        return None
    after = find(catalog.hosted_models, model.successor, what="hosted model")
    instead = (
        f"{after.name} replaces it at {_money(after.usd_per_1m_input)} / "
        f"{_money(after.usd_per_1m_output)} per 1M input / output tokens"
    )
    if model.retired(today):
        message = f"{model.name} was retired on {model.retires_on}; {instead}."
        return Drift("retired", model.id, message)
    return Drift("retiring", model.id, f"{model.name} retires on {model.retires_on}; {instead}.")


def catalog_drift(
    design: Design,
    saved_prices: tuple[SavedPrice, ...],
    catalog: Catalog,
    *,
    today: date | None = None,
) -> list[Drift]:
    """Return what changed since `design` was saved with `saved_prices`: retirements, prices.

    `today` (default: the system date) decides whether an announced retirement has happened.
    """
    today = today or date.today()
    found = [
        drift
        for model in _hosted_in_use(design, catalog)
        if (drift := _retirement(model, catalog, today)) is not None
    ]
    names = {e.id: e.name for e in (*catalog.hosted_models, *catalog.gpus)}
    for saved in saved_prices:
        now = _current(catalog, saved)
        if now is None or abs(now - saved.value) < 1e-9:
            continue
        message = (
            f"{names.get(saved.id, saved.id)} {FIELD_WORDS[saved.field]}: "
            f"{_money(saved.value)} when saved, {_money(now)} now."
        )
        found.append(Drift("price", saved.id, message, was=saved.value, now=now))
    return found


def catalog_at(catalog: Catalog, saved_prices: tuple[SavedPrice, ...]) -> Catalog:
    """Return `catalog` with the saved prices put back, to cost a design as it was saved."""
    by_id: dict[str, dict[str, float]] = {}
    for saved in saved_prices:
        by_id.setdefault(saved.id, {})[saved.field] = saved.value
    hosted = tuple(m.model_copy(update=by_id.get(m.id, {})) for m in catalog.hosted_models)
    gpus = tuple(g.model_copy(update=by_id.get(g.id, {})) for g in catalog.gpus)
    return catalog.model_copy(update={"hosted_models": hosted, "gpus": gpus})
