"""Every catalog GPU is priced from two or more named providers, and its $/hour is their median."""

from __future__ import annotations

import copy
import re

import pytest
from pydantic import ValidationError

from playbook.catalog import Catalog, Gpu, GpuPrice, find, load_catalog, median_usd_per_hour

CATALOG = load_catalog()
GPU_IDS = [gpu.id for gpu in CATALOG.gpus]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _price(provider: str, usd: float) -> GpuPrice:
    return GpuPrice(provider=provider, usd_per_hour=usd, as_of="2026-12-01", source="a test")


@pytest.mark.parametrize("gpu_id", GPU_IDS)
def test_every_gpu_is_priced_by_two_or_more_named_providers_each_with_a_page_and_a_date(
    gpu_id: str,
) -> None:
    gpu = find(CATALOG.gpus, gpu_id)

    providers = [price.provider for price in gpu.prices]
    assert len(set(providers)) >= 2
    assert len(set(providers)) == len(providers)  # one price per provider
    for price in gpu.prices:
        assert price.usd_per_hour > 0
        assert ISO_DATE.match(price.as_of), price
        assert "http" in price.source, price  # the page the price was read on
    assert gpu.price_as_of == max(price.as_of for price in gpu.prices)


@pytest.mark.parametrize("gpu_id", GPU_IDS)
def test_every_gpu_names_its_interconnect_with_a_source(gpu_id: str) -> None:
    gpu = find(CATALOG.gpus, gpu_id)

    assert gpu.interconnect in {"nvlink", "pcie", "infinity_fabric"}
    assert gpu.interconnect_gbps
    assert gpu.interconnect_source


@pytest.mark.parametrize("gpu_id", GPU_IDS)
def test_every_gpus_dollars_an_hour_is_the_median_of_its_providers(gpu_id: str) -> None:
    gpu = find(CATALOG.gpus, gpu_id)

    assert gpu.usd_per_hour == pytest.approx(median_usd_per_hour(gpu.prices), abs=1e-9)


@pytest.mark.parametrize(
    ("gpu_id", "usd_per_hour"),
    [
        # Seven providers, sorted: Hyperstack 3.20, Nebius 3.85, RunPod 3.99, Lambda 3.99,
        # CoreWeave 6.155, AWS 6.88, Azure 12.29: the fourth is $3.99.
        ("h100-sxm", 3.99),
        # Six: 1.09, 1.55, 1.57 | 1.80, 1.9512, 2.25: (1.57 + 1.80) / 2 = 1.685.
        ("l40s", 1.685),
        # Two: AWS 1.006 and Hugging Face 1.00: (1.006 + 1.00) / 2 = 1.003.
        ("a10g", 1.003),
        # Two: TensorWave 2.25 and DigitalOcean 3.80: (2.25 + 3.80) / 2 = 3.025.
        ("mi325x", 3.025),
        # Seven: 1.71, 2.39, 2.59, 2.99, 3.45, 6.00, 6.00: the fourth is $2.99.
        ("mi300x", 2.99),
        # Three: Lambda 1.99, AWS 2.7447, Azure 3.3996: the middle one.
        ("a100-40gb", 2.7447),
    ],
)
def test_the_median_by_hand(gpu_id: str, usd_per_hour: float) -> None:
    assert find(CATALOG.gpus, gpu_id).usd_per_hour == pytest.approx(usd_per_hour, abs=1e-9)


def test_an_even_count_takes_the_mean_of_the_middle_two_and_ignores_the_outlier() -> None:
    # 2, 3 | 5, 40: (3 + 5) / 2 = 4; the $40 outlier moves it no more than a $6 would.
    prices = (_price("A", 2.0), _price("B", 40.0), _price("C", 3.0), _price("D", 5.0))

    assert median_usd_per_hour(prices) == 4.0
    assert median_usd_per_hour((*prices[:1], _price("B", 6.0), *prices[2:])) == 4.0


def test_the_price_source_the_serving_math_shows_names_every_provider_and_its_price() -> None:
    for gpu in CATALOG.gpus:
        for price in gpu.prices:
            assert f"{price.provider} ${price.usd_per_hour:g} ({price.as_of})" in gpu.price_source


def _catalog_with_h100(**changes: object) -> dict[str, object]:
    data = copy.deepcopy(CATALOG.model_dump(mode="json"))
    h100 = next(gpu for gpu in data["gpus"] if gpu["id"] == "h100-sxm")
    h100.update(changes)
    return data


def test_a_dollars_an_hour_that_is_not_the_median_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"H100 SXM: \$/hour 2.5 is not the median 3.99"):
        Catalog.model_validate(_catalog_with_h100(usd_per_hour=2.5))


def test_two_prices_from_one_provider_are_refused() -> None:
    h100 = find(CATALOG.gpus, "h100-sxm")
    twice = [price.model_dump() for price in h100.prices] + [
        {**h100.prices[0].model_dump(), "usd_per_hour": 9.0}
    ]

    with pytest.raises(ValidationError, match="one price per provider"):
        Catalog.model_validate(_catalog_with_h100(prices=twice))


def test_a_users_own_gpu_needs_no_provider_prices() -> None:
    own = Gpu(
        id="own", name="Own", source="me", as_of="2026-12-01", memory_gb=24, bandwidth_tbs=1,
        dense_tflops={"bf16": 100}, usd_per_hour=1.23, price_source="me", price_as_of="2026",
    )  # fmt: skip

    assert own.prices == ()
    assert own.usd_per_hour == 1.23


def test_the_price_basis_names_the_median_its_spread_and_the_newest_reading() -> None:
    prices = [
        {"provider": p, "usd_per_hour": usd, "as_of": day, "source": f"https://{p}.example"}
        for p, usd, day in (
            ("a", 2.0, "2026-10-01"),
            ("b", 3.0, "2026-11-02"),
            ("c", 5.5, "2026-09-30"),
        )
    ]
    gpu = Gpu(
        id="x", name="X1", source="s", as_of="2026", memory_gb=80, bandwidth_tbs=3,
        dense_tflops={"bf16": 900}, usd_per_hour=3.0, price_source="median", price_as_of="2026",
        prices=prices,
    )  # fmt: skip
    own = Gpu(
        id="own", name="Own", source="me", as_of="2026-12-01", memory_gb=24, bandwidth_tbs=1,
        dense_tflops={"bf16": 100}, usd_per_hour=1.23, price_source="me", price_as_of="2026-12",
    )  # fmt: skip

    # median(2.0, 3.0, 5.5) = 3.0; spread 2.0 to 5.5; newest reading 2026-11-02.
    assert gpu.price_basis == (
        "X1 $3/h: median of 3 providers' on-demand prices ($2 to $5.50, read up to 2026-11-02)"
    )
    assert own.price_basis == "Own $1.23/h as entered (2026-12)"
