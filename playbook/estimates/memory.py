"""GPU memory: weights, KV cache per token (MHA, GQA, MLA, sliding window), KV cache in total.

Formulas: weights = parameters × bytes per value; KV per token per layer = 2 (K and V) ×
kv_heads × head_dim × bytes for MHA/GQA (Llama 2 paper, GQA paper arXiv:2305.13245), and
(kv_lora_rank + qk_rope_head_dim) × bytes for MLA (DeepSeek-V2, arXiv:2405.04434 §2.1).
Sliding-window layers keep at most `sliding_window` tokens (Mistral 7B, arXiv:2310.06825);
chunked-attention layers (Llama 4's `attention_chunk_size`) attend only within the current chunk,
so they hold at most one chunk of tokens: the same bound, reached at the end of each chunk.
"""

from __future__ import annotations

from playbook.catalog import OpenModel, Precision
from playbook.estimates.base import GIB, Estimate


def weights_memory(model: OpenModel, precision: Precision) -> Estimate:
    """Return the memory the weights take at `precision` (every parameter, even for MoE)."""
    total = model.total_params * precision.bytes_per_value
    return Estimate(
        name="Weights",
        value=total / GIB,
        unit="GiB",
        formula="parameters × bytes per parameter",
        worked=f"{model.total_params / 1e9:.2f} B × {precision.bytes_per_value:g} B = "
        f"{total / 1e9:.1f} GB",
        assumptions=("all experts are resident for mixture-of-experts models",)
        if model.active_params
        else (),
        sources=(model.source, precision.source),
    )


def kv_bytes_per_layer_token(model: OpenModel, kv_precision: Precision) -> float:
    """Return the KV-cache bytes one token takes in one layer."""
    if model.attention == "mla":
        # The catalog's validator guarantees both for MLA models.
        latent = (model.kv_lora_rank or 0) + (model.qk_rope_head_dim or 0)
        return latent * kv_precision.bytes_per_value
    return 2 * model.kv_heads * model.head_dim * kv_precision.bytes_per_value


def kv_bytes_per_token(model: OpenModel, kv_precision: Precision) -> Estimate:
    """Return the KV-cache bytes per token over all layers (before any sliding window)."""
    per_layer = kv_bytes_per_layer_token(model, kv_precision)
    if model.attention == "mla":
        formula = "layers × (kv_lora_rank + qk_rope_head_dim) × bytes"
        worked = (
            f"{model.layers} × ({model.kv_lora_rank} + {model.qk_rope_head_dim}) × "
            f"{kv_precision.bytes_per_value:g} B"
        )
    else:
        formula = "2 × layers × kv_heads × head_dim × bytes"
        worked = (
            f"2 × {model.layers} × {model.kv_heads} × {model.head_dim} × "
            f"{kv_precision.bytes_per_value:g} B"
        )
    assumptions = []
    if model.sliding_window_layers:
        kept = (
            f"at most one {model.sliding_window}-token chunk (chunked attention)"
            if model.window_kind == "chunked"
            else f"only the last {model.sliding_window} tokens"
        )
        assumptions.append(
            f"{model.sliding_window_layers} of {model.layers} layers keep {kept}, "
            "so long sequences need less than this per token"
        )
    return Estimate(
        name="KV cache per token",
        value=per_layer * model.layers,
        unit="B",
        formula=formula,
        worked=f"{worked} = {per_layer * model.layers:,.0f} B",
        assumptions=tuple(assumptions),
        sources=(model.source,),
    )


def kv_bytes_per_sequence(model: OpenModel, kv_precision: Precision, tokens: int) -> float:
    """Return the KV-cache bytes one sequence of `tokens` tokens holds, sliding window included."""
    per_layer = kv_bytes_per_layer_token(model, kv_precision)
    full_layers = model.layers - model.sliding_window_layers
    windowed = min(tokens, model.sliding_window or tokens)
    return per_layer * (full_layers * tokens + model.sliding_window_layers * windowed)


def kv_cache_memory(
    model: OpenModel, kv_precision: Precision, *, tokens_per_sequence: int, sequences: int
) -> Estimate:
    """Return the KV cache `sequences` concurrent sequences of `tokens_per_sequence` need."""
    per_sequence = kv_bytes_per_sequence(model, kv_precision, tokens_per_sequence)
    total = per_sequence * sequences
    return Estimate(
        name="KV cache",
        value=total / GIB,
        unit="GiB",
        formula="sequences × tokens per sequence × KV bytes per token",
        worked=f"{sequences:,} × {tokens_per_sequence:,} tokens × "
        f"{per_sequence / tokens_per_sequence:,.0f} B = {total / 1e9:.1f} GB",
        assumptions=(
            "every sequence holds its whole prompt and output at once (the worst case)",
            *kv_bytes_per_token(model, kv_precision).assumptions,
        ),
        sources=(model.source,),
    )
