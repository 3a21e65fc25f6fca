"""The catalog: every required choice is there, every number has a source, bad entries fail."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from playbook.catalog import Catalog, ids, load_catalog

SECTIONS = ("open_models", "hosted_models", "gpus", "precisions", "embedding_models")

REQUIRED_IDS: dict[str, tuple[str, ...]] = {
    "open_models": (
        "llama-3.1-8b",
        "llama-3.1-70b",
        "llama-3.1-405b",
        "llama-3.3-70b",
        "llama-2-7b",
        "llama-2-70b",
        "mistral-7b",
        "mixtral-8x7b",
        "qwen2.5-7b",
        "qwen2.5-14b",
        "qwen2.5-32b",
        "qwen2.5-72b",
        "gemma-2-9b",
        "gemma-2-27b",
        "phi-3-mini",
        "deepseek-v3",
        "llama-4-scout",
        "llama-4-maverick",
        "qwen3-8b",
        "qwen3-32b",
        "qwen3-30b-a3b",
        "qwen3-235b-a22b",
        "gpt-oss-20b",
        "gpt-oss-120b",
        "deepseek-v3.1",
        "deepseek-r1",
        "gemma-3-27b",
        "mistral-small-3.2-24b",
    ),
    "hosted_models": (
        "gpt-4o",
        "gpt-4o-mini",
        "claude-3.5-sonnet",
        "gemini-1.5-pro",
        "gemini-1.5-flash",
        "gpt-5.5",
        "gpt-5.4",
        "gpt-5.4-mini",
        "gpt-5.4-nano",
        "gpt-6-luna",
        "claude-opus-5.5",
        "claude-sonnet-5.5",
        "claude-haiku-5.5",
        "gemini-3.1-pro",
        "gemini-3.5-flash",
        "gemini-2.5-flash-lite",
    ),
    "gpus": (
        "a10g",
        "l4",
        "l40s",
        "a100-40gb",
        "a100-80gb",
        "h100-sxm",
        "h100-pcie",
        "h200",
        "b200",
        "mi300x",
        "mi325x",
        "rtx-pro-6000",
    ),
    "precisions": ("fp16", "bf16", "fp8", "int8", "int4", "fp4"),
    "embedding_models": (
        "bge-m3",
        "gte-large",
        "e5-mistral",
        "cohere-embed-v3",
        "openai-te3-small",
        "openai-te3-large",
    ),
}


def _valid_catalog_data() -> dict[str, Any]:
    """Return the shipped catalog as plain JSON-like data, safe to break."""
    return copy.deepcopy(load_catalog().model_dump(mode="json"))


def _error_locations(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in detail["loc"]) for detail in error.errors()}


def test_the_shipped_catalog_loads_with_every_section_filled() -> None:
    catalog = load_catalog()

    sizes = {section: len(getattr(catalog, section)) for section in SECTIONS}

    assert all(size > 0 for size in sizes.values()), sizes


@pytest.mark.parametrize(
    ("section", "entry_id"),
    [(section, entry_id) for section, required in REQUIRED_IDS.items() for entry_id in required],
)
def test_every_required_entry_is_in_its_list(section: str, entry_id: str) -> None:
    catalog = load_catalog()

    present = ids(getattr(catalog, section))

    assert entry_id in present


@pytest.mark.parametrize("section", SECTIONS)
def test_every_entry_names_a_source_and_a_date(section: str) -> None:
    entries = getattr(load_catalog(), section)

    unsourced = [
        entry.id for entry in entries if not entry.source.strip() or not entry.as_of.strip()
    ]

    assert unsourced == []


def test_every_gpu_has_dense_bf16_throughput_and_a_sourced_price() -> None:
    gpus = load_catalog().gpus

    incomplete = [
        gpu.id
        for gpu in gpus
        if "bf16" not in gpu.dense_tflops
        or gpu.usd_per_hour <= 0
        or not gpu.price_source.strip()
        or not gpu.price_as_of.strip()
    ]

    assert incomplete == []


def test_every_precision_computes_on_a_format_some_gpu_lists() -> None:
    catalog = load_catalog()

    listed = {kind for gpu in catalog.gpus for kind in gpu.dense_tflops}
    unlisted = [p.id for p in catalog.precisions if p.compute not in listed]

    assert unlisted == []


def test_mixture_of_experts_models_use_fewer_parameters_per_token_than_they_hold() -> None:
    models = {model.id: model for model in load_catalog().open_models}

    moe = {model_id: model for model_id, model in models.items() if model.active_params is not None}

    assert set(moe) == {
        "mixtral-8x7b",
        "deepseek-v3",
        "deepseek-v3.1",
        "deepseek-r1",
        "llama-4-scout",
        "llama-4-maverick",
        "qwen3-30b-a3b",
        "qwen3-235b-a22b",
        "gpt-oss-20b",
        "gpt-oss-120b",
    }
    assert all(model.params_per_token < model.total_params for model in moe.values())


@pytest.mark.parametrize(
    ("section", "field", "bad_value"),
    [
        ("gpus", "memory_gb", -80),
        ("gpus", "usd_per_hour", 0),
        ("open_models", "attention", "sparse"),
        ("precisions", "compute", "fp16"),
        ("hosted_models", "source", ""),
        ("embedding_models", "dimensions", 0),
    ],
)
def test_the_loader_rejects_a_bad_value_naming_its_field(
    section: str, field: str, bad_value: object
) -> None:
    data = _valid_catalog_data()
    data[section][0][field] = bad_value

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert f"{section}.0.{field}" in _error_locations(refused.value)


def test_the_loader_rejects_a_missing_field_naming_it() -> None:
    data = _valid_catalog_data()
    del data["open_models"][0]["kv_heads"]

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert "open_models.0.kv_heads" in _error_locations(refused.value)


def test_the_loader_rejects_a_misspelt_field_naming_it() -> None:
    data = _valid_catalog_data()
    data["open_models"][0]["kv_head"] = data["open_models"][0].pop("kv_heads")

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert {"open_models.0.kv_head", "open_models.0.kv_heads"} <= _error_locations(refused.value)


def test_the_loader_rejects_a_gpu_without_bf16_throughput() -> None:
    data = _valid_catalog_data()
    del data["gpus"][0]["dense_tflops"]["bf16"]

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert "bf16" in str(refused.value)


def test_the_loader_rejects_an_mla_model_without_its_latent_sizes() -> None:
    data = _valid_catalog_data()
    deepseek = next(m for m in data["open_models"] if m["id"] == "deepseek-v3")
    deepseek["kv_lora_rank"] = None

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert "kv_lora_rank" in str(refused.value)


def test_the_loader_rejects_a_duplicate_id() -> None:
    data = _valid_catalog_data()
    data["gpus"].append(copy.deepcopy(data["gpus"][0]))

    with pytest.raises(ValidationError) as refused:
        Catalog.model_validate(data)

    assert "gpus has duplicate ids" in str(refused.value)
