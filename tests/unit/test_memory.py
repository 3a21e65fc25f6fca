"""Memory estimates on the catalog: KV bytes per token, weights, sliding windows, monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook.catalog import OpenModel, Precision, find, load_catalog
from playbook.estimates.base import GIB
from playbook.estimates.memory import (
    kv_bytes_per_sequence,
    kv_bytes_per_token,
    kv_cache_memory,
    weights_memory,
)

CATALOG = load_catalog()
BF16 = find(CATALOG.precisions, "bf16")


def _model(model_id: str) -> OpenModel:
    return find(CATALOG.open_models, model_id)


@pytest.mark.parametrize(
    ("model_id", "expected_bytes"),
    [
        # 2 (K and V) × layers × kv_heads × head_dim × 2 bytes, from each model's config.json.
        ("llama-3.1-8b", 131_072),  # 2 × 32 × 8 × 128 × 2
        ("llama-3.1-70b", 327_680),  # 2 × 80 × 8 × 128 × 2
        ("llama-3.1-405b", 516_096),  # 2 × 126 × 8 × 128 × 2
        ("llama-3.3-70b", 327_680),  # 2 × 80 × 8 × 128 × 2, same shape as 3.1 70B
        ("llama-2-7b", 524_288),  # 2 × 32 × 32 × 128 × 2, multi-head attention (no GQA)
        ("llama-2-70b", 327_680),  # 2 × 80 × 8 × 128 × 2, GQA (Llama 2 paper, Table 1)
        ("mistral-7b", 131_072),  # 2 × 32 × 8 × 128 × 2, before the 4096-token window
        ("mixtral-8x7b", 131_072),  # 2 × 32 × 8 × 128 × 2, experts do not change attention
        ("qwen2.5-7b", 57_344),  # 2 × 28 × 4 × 128 × 2
        ("qwen2.5-14b", 196_608),  # 2 × 48 × 8 × 128 × 2
        ("qwen2.5-32b", 262_144),  # 2 × 64 × 8 × 128 × 2
        ("qwen2.5-72b", 327_680),  # 2 × 80 × 8 × 128 × 2
        ("gemma-2-9b", 344_064),  # 2 × 42 × 8 × 256 × 2, before the windowed half of the layers
        ("gemma-2-27b", 376_832),  # 2 × 46 × 16 × 128 × 2
        ("phi-3-mini", 393_216),  # 2 × 32 × 32 × 96 × 2, multi-head attention
        # MLA: layers × (kv_lora_rank + qk_rope_head_dim) × 2 bytes = 61 × (512 + 64) × 2
        # (DeepSeek-V3 config.json; DeepSeek-V2 paper arXiv:2405.04434 §2.1).
        ("deepseek-v3", 70_272),
    ],
)
def test_kv_bytes_per_token_in_bf16_match_each_published_config(
    model_id: str, expected_bytes: int
) -> None:
    model = _model(model_id)

    estimate = kv_bytes_per_token(model, BF16)

    assert estimate.value == expected_bytes
    assert estimate.unit == "B"


@pytest.mark.parametrize(
    ("model_id", "expected_gb"),
    [
        ("llama-3.1-8b", 16.06),  # 8.03B parameters × 2 bytes
        ("llama-2-7b", 13.48),  # 6.74B parameters × 2 bytes
        ("qwen2.5-7b", 15.22),  # 7.61B parameters (model card) × 2 bytes
        ("mixtral-8x7b", 93.4),  # 46.7B parameters (Mistral AI) × 2 bytes: every expert resident
        ("deepseek-v3", 1342.0),  # 671B parameters (DeepSeek-V3 report) × 2 bytes
    ],
)
def test_weights_in_bf16_match_the_published_parameter_counts(
    model_id: str, expected_gb: float
) -> None:
    model = _model(model_id)

    estimate = weights_memory(model, BF16)

    assert estimate.value * GIB / 1e9 == pytest.approx(expected_gb, rel=2e-3)
    assert estimate.unit == "GiB"


def test_weights_of_a_mixture_of_experts_model_say_every_expert_is_resident() -> None:
    mixtral = _model("mixtral-8x7b")

    estimate = weights_memory(mixtral, BF16)

    assert any("experts" in assumption for assumption in estimate.assumptions)


def test_a_sliding_window_model_holds_only_the_window_past_it() -> None:
    mistral = _model("mistral-7b")
    per_token = kv_bytes_per_token(mistral, BF16).value

    at_16k = kv_bytes_per_sequence(mistral, BF16, 16_384)

    assert at_16k == 4_096 * per_token


def test_kv_past_the_window_grows_more_slowly_than_with_full_attention() -> None:
    mistral = _model("mistral-7b")  # windowed, 131,072 B per token
    llama = _model("llama-3.1-8b")  # full attention, also 131,072 B per token

    mistral_growth = kv_bytes_per_sequence(mistral, BF16, 16_384) - kv_bytes_per_sequence(
        mistral, BF16, 8_192
    )
    llama_growth = kv_bytes_per_sequence(llama, BF16, 16_384) - kv_bytes_per_sequence(
        llama, BF16, 8_192
    )

    assert mistral_growth < llama_growth
    assert llama_growth == 8_192 * kv_bytes_per_token(llama, BF16).value


def test_a_model_windowing_half_its_layers_saves_a_quarter_at_twice_the_window() -> None:
    gemma = _model("gemma-2-9b")  # 21 of 42 layers keep the last 4096 tokens
    per_token = kv_bytes_per_token(gemma, BF16).value

    at_8k = kv_bytes_per_sequence(gemma, BF16, 8_192)

    assert at_8k == pytest.approx(0.75 * 8_192 * per_token)


def test_below_the_window_a_sliding_window_model_holds_every_token() -> None:
    mistral = _model("mistral-7b")
    per_token = kv_bytes_per_token(mistral, BF16).value

    at_2k = kv_bytes_per_sequence(mistral, BF16, 2_048)

    assert at_2k == 2_048 * per_token


models = st.sampled_from(CATALOG.open_models)
precisions = st.sampled_from(CATALOG.precisions)


@given(model=models, first=precisions, second=precisions)
def test_a_precision_with_fewer_bytes_never_raises_the_weights(
    model: OpenModel, first: Precision, second: Precision
) -> None:
    smaller, larger = sorted((first, second), key=lambda p: p.bytes_per_value)

    smaller_weights = weights_memory(model, smaller).value
    larger_weights = weights_memory(model, larger).value

    assert smaller_weights <= larger_weights


@given(
    model=models,
    precision=precisions,
    tokens=st.integers(min_value=1, max_value=2_000_000),
    more_tokens=st.integers(min_value=0, max_value=200_000),
    sequences=st.integers(min_value=1, max_value=4_096),
    more_sequences=st.integers(min_value=0, max_value=512),
)
def test_more_sequences_or_more_tokens_never_lower_the_kv_cache(
    model: OpenModel,
    precision: Precision,
    tokens: int,
    more_tokens: int,
    sequences: int,
    more_sequences: int,
) -> None:
    before = kv_cache_memory(model, precision, tokens_per_sequence=tokens, sequences=sequences)

    more_of_both = kv_cache_memory(
        model,
        precision,
        tokens_per_sequence=tokens + more_tokens,
        sequences=sequences + more_sequences,
    )
    more_tokens_only = kv_cache_memory(
        model, precision, tokens_per_sequence=tokens + more_tokens, sequences=sequences
    )
    more_sequences_only = kv_cache_memory(
        model, precision, tokens_per_sequence=tokens, sequences=sequences + more_sequences
    )

    assert before.value <= more_tokens_only.value <= more_of_both.value
    assert before.value <= more_sequences_only.value <= more_of_both.value


@pytest.mark.parametrize(
    ("gpu_id", "expected_bytes"),
    [
        # HBM parts: the vendor's figure is GiB (an H100 80GB shows 81,559 MiB in nvidia-smi).
        ("h100-sxm", 80 * GIB),
        ("h200", 141 * GIB),
        ("a100-80gb", 80 * GIB),
        # GDDR6 with ECC on: 46,068 MiB visible on an L40S, about 48 decimal GB.
        ("l40s", 48e9),
        ("l4", 24e9),
    ],
)
def test_gpu_memory_is_read_in_the_unit_the_vendor_means(
    gpu_id: str, expected_bytes: float
) -> None:
    gpu = find(CATALOG.gpus, gpu_id)

    assert gpu.memory_bytes == expected_bytes
    assert gpu.memory_unit_source


def test_every_catalog_gpu_names_its_interconnect_with_a_source() -> None:
    for gpu in CATALOG.gpus:
        assert gpu.interconnect in {"nvlink", "pcie", "infinity_fabric"}, gpu.id
        assert gpu.interconnect_gbps, gpu.id
        assert gpu.interconnect_source, gpu.id


def test_nvlink_moves_more_bytes_than_pcie() -> None:
    # NVLink 4 on an H100 SXM: 450 GB/s each way; PCIe Gen4 x16 on an L40S: 32 GB/s each way.
    h100, l40s = find(CATALOG.gpus, "h100-sxm"), find(CATALOG.gpus, "l40s")

    assert (h100.interconnect_gbps, l40s.interconnect_gbps) == (450, 32)


def test_a_gpu_without_a_published_link_is_taken_as_pcie_gen4() -> None:
    # A custom GPU entered without an interconnect: PCIe Gen4 x16, 32 GB/s each way.
    custom = find(CATALOG.gpus, "h100-sxm").model_copy(
        update={"interconnect": None, "interconnect_gbps": None}
    )

    assert custom.link_gbps == 32
