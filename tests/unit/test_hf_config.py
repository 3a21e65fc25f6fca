"""A model from its Hugging Face config.json: parameters, KV bytes and attention shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook.catalog import find, load_catalog
from playbook.estimates.memory import kv_bytes_per_token
from playbook.hf_config import (
    HfConfigError,
    count_params,
    describe,
    load_config,
    parse_hf_config,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hf_configs"
BF16 = find(load_catalog().precisions, "bf16")


def _config(name: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _parse(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return parse_hf_config(data, model_id="mine", source="pasted", as_of="2026-12-02")


def test_llama_3_1_8b_counts_to_its_published_parameters_exactly() -> None:
    count = count_params(_config("llama-3.1-8b"))

    # Embeddings: 128,256 × 4,096 × 2 (input and untied output) = 1,050,673,152.
    assert count.embeddings == 1_050_673_152
    # Attention per layer: q 4,096² + k, v 2 × 4,096 × 1,024 + o 4,096² = 41,943,040; × 32.
    assert count.attention == 1_342_177_280
    # MLP per layer: 3 × 4,096 × 14,336 = 176,160,768; × 32.
    assert count.mlp == 5_637_144_576
    # Two RMSNorms per layer and a final one: 65 × 4,096.
    assert count.norms == 266_240
    # 8,030,261,248: the count Hugging Face shows for meta-llama/Llama-3.1-8B.
    assert count.total == 8_030_261_248
    assert count.active == count.total


@pytest.mark.parametrize(
    ("fixture", "published_total", "published_active"),
    [
        ("llama-3.1-8b", 8.03e9, None),
        ("mixtral-8x7b", 46.7e9, 12.9e9),  # Mixtral paper arXiv:2401.04088
        ("qwen3-30b-a3b", 30.5e9, 3.3e9),  # Qwen3 model card
        ("deepseek-v3", 671e9, 37e9),  # DeepSeek-V3 README (MTP module excluded)
        ("qwen3-32b", 32.8e9, None),
        ("mistral-7b-v0.1", 7.24e9, None),
        ("gpt-oss-120b", 116.83e9, None),  # OpenAI's card (active excludes embeddings: skip)
        ("llama-4-scout", 109e9, 17e9),  # card includes the vision tower (0.9 B)
        ("gemma-3-27b", 27.43e9, None),  # card includes the 0.4 B vision tower
    ],
)
def test_parameter_counts_are_within_two_percent_of_the_published_totals(
    fixture: str, published_total: float, published_active: float | None
) -> None:
    count = count_params(_config(fixture))

    assert count.total == pytest.approx(published_total, rel=0.02)
    if published_active is not None:
        assert count.active == pytest.approx(published_active, rel=0.02)


def test_mixtral_active_parameters_are_the_total_less_six_unused_experts() -> None:
    count = count_params(_config("mixtral-8x7b"))

    # Each expert: 3 × 4,096 × 14,336 = 176,160,768 per layer; 6 of 8 unused × 32 layers.
    assert count.inactive_experts == 6 * 176_160_768 * 32
    assert count.router == 32 * 4_096 * 8


@pytest.mark.parametrize(
    ("fixture", "attention", "kv_bytes", "windowed", "window", "kind"),
    [
        ("llama-3.1-8b", "gqa", 131_072, 0, None, "sliding"),
        ("mistral-7b-v0.1", "gqa", 131_072, 32, 4_096, "sliding"),
        ("mixtral-8x7b", "gqa", 131_072, 0, None, "sliding"),
        ("qwen3-30b-a3b", "gqa", 98_304, 0, None, "sliding"),
        # MLA: 61 × (512 + 64) × 2 bytes.
        ("deepseek-v3", "mla", 70_272, 0, None, "sliding"),
        # Gemma 3: sliding_window_pattern 6, so 62 - 62 // 6 = 52 local layers.
        ("gemma-3-27b", "gqa", 507_904, 52, 1_024, "sliding"),
        # gpt-oss: layer_types alternate, 18 of 36 sliding at 128 tokens.
        ("gpt-oss-120b", "gqa", 73_728, 18, 128, "sliding"),
        # Llama 4: no_rope_layers [1, 1, 1, 0] × 12, the RoPE layers chunked at 8,192.
        ("llama-4-scout", "gqa", 196_608, 36, 8_192, "chunked"),
    ],
)
def test_attention_shape_and_kv_bytes_come_from_the_config(
    fixture: str, attention: str, kv_bytes: int, windowed: int, window: int | None, kind: str
) -> None:
    model = _parse(_config(fixture))

    assert model.attention == attention
    assert kv_bytes_per_token(model, BF16).value == kv_bytes
    assert (model.sliding_window_layers, model.sliding_window, model.window_kind) == (
        windowed,
        window,
        kind,
    )


def test_a_moe_config_sets_active_parameters_and_a_dense_one_does_not() -> None:
    assert _parse(_config("qwen3-30b-a3b")).active_params is not None
    assert _parse(_config("llama-3.1-8b")).active_params is None


def test_the_name_comes_from_the_config_unless_one_is_given() -> None:
    data = _config("qwen3-32b")

    assert _parse(data).name == "Qwen3-32B"
    named = parse_hf_config(data, model_id="q", name="Our Qwen", source="s", as_of="2026-12-02")
    assert named.name == "Our Qwen"


def test_describe_says_the_attention_shape_in_one_line() -> None:
    assert describe(_parse(_config("gpt-oss-120b"))) == (
        "GQA, 64 query / 8 KV heads × 64; 18 of 36 layers sliding (128 tokens)"
    )
    assert describe(_parse(_config("deepseek-v3"))) == "MLA, latent 512 + RoPE key 64"


def test_qwen_sliding_window_is_ignored_when_use_sliding_window_is_false() -> None:
    data = {**_config("qwen3-32b"), "sliding_window": 131_072, "use_sliding_window": False}

    assert _parse(data).sliding_window_layers == 0


def test_gemma_2_windows_every_other_layer() -> None:
    data = {**_config("llama-3.1-8b"), "model_type": "gemma2", "num_hidden_layers": 42}
    data |= {"sliding_window": 4_096, "tie_word_embeddings": True}

    assert _parse(data).sliding_window_layers == 21


@pytest.mark.parametrize(
    "missing",
    ["num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size",
     "max_position_embeddings", "intermediate_size"],
)  # fmt: skip
def test_a_config_without_a_required_key_is_refused_naming_the_key(missing: str) -> None:
    data = _config("llama-3.1-8b")
    del data[missing]

    with pytest.raises(HfConfigError, match=f'no "{missing}"'):
        _parse(data)


def test_an_mla_config_without_its_rope_dim_is_refused_naming_it() -> None:
    data = _config("deepseek-v3")
    del data["qk_rope_head_dim"]

    with pytest.raises(HfConfigError, match='no "qk_rope_head_dim"'):
        _parse(data)


def test_a_moe_config_without_experts_per_token_is_refused_naming_it() -> None:
    data = _config("mixtral-8x7b")
    del data["num_experts_per_tok"]

    with pytest.raises(HfConfigError, match='no "num_experts_per_tok"'):
        _parse(data)


def test_a_null_head_dim_or_kv_heads_falls_back_to_the_transformers_default() -> None:
    data = {**_config("llama-3.1-8b"), "head_dim": None, "num_key_value_heads": None}

    model = _parse(data)

    # head_dim = hidden / heads = 4,096 / 32; KV heads default to the query heads (MHA).
    assert (model.head_dim, model.kv_heads, model.attention) == (128, 32, "mha")


def test_a_bad_id_is_refused_by_the_label_the_user_sees() -> None:
    data = _config("qwen3-32b")

    with pytest.raises(HfConfigError, match=r"^Id \(lowercase, digits, dots, dashes\): "):
        parse_hf_config(data, model_id="Qwen 3!", source="pasted", as_of="2026-12-02")


def test_an_impossible_model_names_the_computed_field() -> None:
    data = {**_config("llama-3.1-8b"), "num_attention_heads": 0}

    with pytest.raises(HfConfigError, match=r"the attention_heads computed from config\.json"):
        _parse(data)


def test_a_wrongly_typed_value_is_refused_naming_the_key() -> None:
    data = {**_config("llama-3.1-8b"), "num_hidden_layers": "32"}

    with pytest.raises(HfConfigError, match='"num_hidden_layers" must be a whole number'):
        _parse(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object, not list")],
)
def test_text_that_is_not_a_json_object_is_refused(text: str, message: str) -> None:
    with pytest.raises(HfConfigError, match=message):
        load_config(text)


@given(st.dictionaries(st.text(max_size=30), st.integers() | st.text(max_size=10) | st.none()))
def test_any_json_object_is_read_or_refused_with_a_message_never_a_crash(
    data: dict[str, Any],
) -> None:
    problem = ""
    try:
        model = _parse(data)
    except ValueError as exc:  # HfConfigError, or the model's own validation
        problem = str(exc)
    else:
        assert model.total_params > 0
        return
    assert problem
