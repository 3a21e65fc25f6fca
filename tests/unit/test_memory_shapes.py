"""KV cache of the current open models: GQA, MLA, sliding and chunked layers, by value."""

from __future__ import annotations

import pytest

from playbook.catalog import find, load_catalog
from playbook.estimates.memory import kv_bytes_per_sequence, kv_bytes_per_token

CATALOG = load_catalog()
BF16 = find(CATALOG.precisions, "bf16")
FP8 = find(CATALOG.precisions, "fp8")


@pytest.mark.parametrize(
    ("model_id", "expected_bytes"),
    [
        # 2 (K and V) × layers × kv_heads × head_dim × 2 bytes, from each config.json.
        ("gpt-oss-120b", 73_728),  # 2 × 36 × 8 × 64 × 2
        ("gpt-oss-20b", 49_152),  # 2 × 24 × 8 × 64 × 2
        ("qwen3-32b", 262_144),  # 2 × 64 × 8 × 128 × 2
        ("qwen3-8b", 147_456),  # 2 × 36 × 8 × 128 × 2
        ("qwen3-30b-a3b", 98_304),  # 2 × 48 × 4 × 128 × 2
        ("qwen3-235b-a22b", 192_512),  # 2 × 94 × 4 × 128 × 2
        ("gemma-3-27b", 507_904),  # 2 × 62 × 16 × 128 × 2, before the 1024-token windows
        ("llama-4-scout", 196_608),  # 2 × 48 × 8 × 128 × 2, before the 8192-token chunks
        ("llama-4-maverick", 196_608),  # same attention as Scout
        ("mistral-small-3.2-24b", 163_840),  # 2 × 40 × 8 × 128 × 2
        # MLA: layers × (kv_lora_rank + qk_rope_head_dim) × 2 bytes = 61 × (512 + 64) × 2.
        ("deepseek-v3", 70_272),
        ("deepseek-v3.1", 70_272),
        ("deepseek-r1", 70_272),
    ],
)
def test_kv_bytes_per_token_of_current_models(model_id: str, expected_bytes: int) -> None:
    model = find(CATALOG.open_models, model_id)

    assert kv_bytes_per_token(model, BF16).value == expected_bytes


@pytest.mark.parametrize(
    ("model_id", "tokens", "expected_bytes"),
    [
        # gpt-oss-120b, 8,192 tokens: 18 full layers hold 8,192 tokens, 18 sliding layers 128;
        # (18 × 8,192 + 18 × 128) × 2,048 B per layer-token (2 × 8 × 64 × 2) = 306,708,480 B.
        ("gpt-oss-120b", 8_192, 306_708_480),
        # Gemma 3 27B, 32,768 tokens: 10 global layers hold all, 52 local layers 1,024;
        # (10 × 32,768 + 52 × 1,024) × 8,192 B (2 × 16 × 128 × 2) = 3,120,562,176 B.
        ("gemma-3-27b", 32_768, 3_120_562_176),
        # Llama 4 Scout, 131,072 tokens: 12 global (NoPE) layers hold all, 36 chunked layers at
        # most one 8,192-token chunk; (12 × 131,072 + 36 × 8,192) × 4,096 B = 7,650,410,496 B.
        ("llama-4-scout", 131_072, 7_650_410_496),
        # Below the window every layer holds every token: 2,000 × 196,608 B.
        ("llama-4-scout", 2_000, 393_216_000),
        # MLA has no window: 10,000 × 70,272 B.
        ("deepseek-v3.1", 10_000, 702_720_000),
    ],
)
def test_kv_bytes_per_sequence_honour_sliding_and_chunked_layers(
    model_id: str, tokens: int, expected_bytes: int
) -> None:
    model = find(CATALOG.open_models, model_id)

    assert kv_bytes_per_sequence(model, BF16, tokens) == expected_bytes


def test_an_fp8_kv_cache_halves_the_bytes_of_a_gqa_model() -> None:
    model = find(CATALOG.open_models, "qwen3-32b")

    assert kv_bytes_per_token(model, FP8).value == 131_072  # 2 × 64 × 8 × 128 × 1


def test_chunked_layers_are_named_as_chunks_in_the_assumptions() -> None:
    scout = find(CATALOG.open_models, "llama-4-scout")
    gemma = find(CATALOG.open_models, "gemma-3-27b")

    assert kv_bytes_per_token(scout, BF16).assumptions == (
        "36 of 48 layers keep at most one 8192-token chunk (chunked attention), "
        "so long sequences need less than this per token",
    )
    assert (
        "52 of 62 layers keep only the last 1024 tokens"
        in (kv_bytes_per_token(gemma, BF16).assumptions[0])
    )
