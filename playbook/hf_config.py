"""A model from its Hugging Face `config.json`: parameter count, attention shape and KV cache.

Pure: the caller passes the decoded JSON (or its text) and gets an `OpenModel` for the design's own
models. Reads the shapes of the families people deploy: Llama 2/3/4, Qwen 2/3 (dense and MoE),
Mistral and Mixtral, DeepSeek-V2/V3 (multi-head latent attention), Gemma 2/3 and gpt-oss.
Multimodal checkpoints keep the language model under `text_config`; only that is counted.

Parameters are counted from the shapes (transformers' modeling code for each family):
embeddings (vocab × hidden, twice unless tied), per layer the attention projections, the MLP or
the experts (gated MLPs: 3 × hidden × intermediate each), the router and the norms. Active
parameters are the total less the experts a token does not use, so they include both embedding
tables, as Mixtral's 12.9 B, Qwen3-30B-A3B's 3.3 B and DeepSeek-V3's 37 B do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from playbook.catalog import OpenModel

# The form's labels, for messages about what the user typed rather than what the config says.
FIELD_LABELS = {"id": "Id (lowercase, digits, dots, dashes)", "name": "Name"}

# What each key means, for messages: a user who pasted the wrong file learns what is missing.
KEY_MEANING = {
    "num_hidden_layers": "the number of transformer layers",
    "hidden_size": "the width of the hidden state",
    "num_attention_heads": "the number of query heads",
    "vocab_size": "the vocabulary size",
    "intermediate_size": "the MLP width",
    "max_position_embeddings": "the longest context the model was built for",
    "qk_rope_head_dim": "the RoPE part of each MLA key",
    "qk_nope_head_dim": "the non-RoPE part of each MLA query and key",
    "v_head_dim": "the MLA value head width",
    "num_experts_per_tok": "how many experts each token uses",
}
_EXPERT_KEYS = ("num_local_experts", "num_experts", "n_routed_experts")
_PER_TOKEN_KEYS = ("num_experts_per_tok", "experts_per_token")


class HfConfigError(ValueError):
    """The config cannot be read; the message names the key that is missing or wrong."""


@dataclass(frozen=True)
class ParamCount:
    """Where a model's parameters are: the parts add up to `total`."""

    embeddings: int
    attention: int
    mlp: int  # dense MLPs, shared experts and routed experts together
    router: int
    norms: int
    inactive_experts: int  # routed-expert parameters a token does not use

    @property
    def total(self) -> int:
        """All parameters."""
        return self.embeddings + self.attention + self.mlp + self.router + self.norms

    @property
    def active(self) -> int:
        """Parameters used for one token (the total, less the experts it skips)."""
        return self.total - self.inactive_experts


def load_config(text: str | bytes) -> dict[str, Any]:
    """Return the decoded `config.json` text, or raise `HfConfigError` saying why not."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HfConfigError(f"config.json is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise HfConfigError(f"config.json must be a JSON object, not {type(data).__name__}")
    return data


def text_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the language model's settings: `text_config` over the top level, if present."""
    inner = data.get("text_config")
    if isinstance(inner, Mapping):
        return {**data, **inner}
    return dict(data)


def _int(cfg: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = cfg.get(key)
    if value is None:  # absent or null: the family's default, if it has one
        value = default
    if value is None:
        meaning = KEY_MEANING.get(key, "")
        raise HfConfigError(
            f'config.json has no "{key}"'
            + (f" ({meaning})" if meaning else "")
            + "; paste the model's config.json from its Hugging Face page"
        )
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HfConfigError(f'config.json: "{key}" must be a whole number, not {value!r}')
    return value


def _first(cfg: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    return next((_int(cfg, key) for key in keys if cfg.get(key) is not None), None)


def _head_dim(cfg: Mapping[str, Any]) -> int:
    heads = _int(cfg, "num_attention_heads")
    return _int(cfg, "head_dim", default=_int(cfg, "hidden_size") // max(heads, 1))


def _is_mla(cfg: Mapping[str, Any]) -> bool:
    return cfg.get("kv_lora_rank") is not None


def _attention_params(cfg: Mapping[str, Any]) -> int:
    """Return one layer's attention weights (biases counted when `attention_bias` is set)."""
    hidden, heads = _int(cfg, "hidden_size"), _int(cfg, "num_attention_heads")
    if _is_mla(cfg):
        # DeepSeek-V2/V3: queries through an optional low-rank q_lora_rank, keys and values
        # through the shared latent kv_lora_rank plus one RoPE key (arXiv:2405.04434 §2.1).
        rope, nope = _int(cfg, "qk_rope_head_dim"), _int(cfg, "qk_nope_head_dim")
        v_dim, kv_rank = _int(cfg, "v_head_dim"), _int(cfg, "kv_lora_rank")
        q_out = heads * (nope + rope)
        q_rank = cfg.get("q_lora_rank")
        q = (
            hidden * q_out
            if q_rank is None
            else hidden * _int(cfg, "q_lora_rank") + (_int(cfg, "q_lora_rank") * (q_out + 1))
        )
        kv = hidden * (kv_rank + rope) + kv_rank + kv_rank * heads * (nope + v_dim)
        return q + kv + heads * v_dim * hidden
    head_dim, kv_heads = _head_dim(cfg), _int(cfg, "num_key_value_heads", default=heads)
    q_width, kv_width = heads * head_dim, kv_heads * head_dim
    weights = hidden * q_width + 2 * hidden * kv_width + q_width * hidden
    bias = q_width + 2 * kv_width + hidden if cfg.get("attention_bias") else 0
    return weights + bias


@dataclass(frozen=True)
class _Experts:
    routed: int  # experts per MoE layer
    per_token: int
    width: int  # each routed expert's intermediate size
    shared_width: int  # all shared experts together, as one MLP width
    moe_layers: int


def _experts(cfg: Mapping[str, Any], layers: int) -> _Experts | None:
    routed = _first(cfg, _EXPERT_KEYS)
    if not routed or routed <= 1:
        return None
    per_token = _first(cfg, _PER_TOKEN_KEYS)
    if per_token is None:
        _int(cfg, "num_experts_per_tok")  # raises, naming the key
    # Mixtral, gpt-oss and Llama 4 size their experts with intermediate_size.
    has_own = cfg.get("moe_intermediate_size") is not None
    width = _int(cfg, "moe_intermediate_size" if has_own else "intermediate_size")
    shared = _int(cfg, "n_shared_experts", default=0) * width
    shared += _int(cfg, "shared_expert_intermediate_size", default=0)
    if str(cfg.get("model_type", "")).startswith("llama4"):
        shared += width  # Llama 4: one shared expert of the routed width on every MoE layer
    return _Experts(routed, per_token or 1, width, shared, _moe_layer_count(cfg, layers))


def _moe_layer_count(cfg: Mapping[str, Any], layers: int) -> int:
    """Return how many layers hold experts (the rest have a dense MLP)."""
    if isinstance(cfg.get("moe_layers"), list):
        return len(cfg["moe_layers"])
    if cfg.get("interleave_moe_layer_step") is not None:  # Llama 4: every step-th layer
        return layers // max(_int(cfg, "interleave_moe_layer_step"), 1)
    if cfg.get("first_k_dense_replace") is not None:  # DeepSeek: the first k layers are dense
        return layers - _int(cfg, "first_k_dense_replace")
    dense_only = cfg.get("mlp_only_layers") or []
    step = max(_int(cfg, "decoder_sparse_step", default=1), 1)  # Qwen MoE
    return sum(1 for i in range(layers) if i not in dense_only and (i + 1) % step == 0)


def count_params(data: Mapping[str, Any]) -> ParamCount:
    """Return the parameters of the model a `config.json` describes, by part."""
    cfg = text_config(data)
    layers, hidden = _int(cfg, "num_hidden_layers"), _int(cfg, "hidden_size")
    vocab = _int(cfg, "vocab_size")
    model_type = str(cfg.get("model_type", ""))
    tied = bool(cfg.get("tie_word_embeddings", model_type.startswith("gemma")))
    experts = _experts(cfg, layers)
    gated = 3 * hidden  # gate, up and down projections of a SwiGLU/GeGLU MLP, per unit of width
    if experts is None:
        mlp, router, inactive = layers * gated * _int(cfg, "intermediate_size"), 0, 0
    else:
        dense_layers = layers - experts.moe_layers
        per_moe_layer = gated * (experts.routed * experts.width + experts.shared_width)
        mlp = experts.moe_layers * per_moe_layer
        if dense_layers:  # Llama 4 sizes its dense layers with intermediate_size_mlp
            key = "intermediate_size_mlp" if "intermediate_size_mlp" in cfg else "intermediate_size"
            mlp += dense_layers * gated * _int(cfg, key)
        router = experts.moe_layers * hidden * experts.routed
        skipped = experts.routed - experts.per_token
        inactive = experts.moe_layers * skipped * gated * experts.width
    norms_per_layer = 4 if model_type.startswith(("gemma2", "gemma3")) else 2
    return ParamCount(
        embeddings=vocab * hidden * (1 if tied else 2),
        attention=layers * _attention_params(cfg),
        mlp=mlp,
        router=router,
        norms=(layers * norms_per_layer + 1) * hidden,
        inactive_experts=inactive,
    )


def _windowed_layers(cfg: Mapping[str, Any], layers: int) -> tuple[int | None, int, str]:
    """Return (window, windowed layer count, "sliding" or "chunked")."""
    chunk = cfg.get("attention_chunk_size")
    if chunk:  # Llama 4: RoPE layers are chunked, NoPE layers (a 0 in no_rope_layers) global
        flags = cfg.get("no_rope_layers") or []
        every = _int(cfg, "no_rope_layer_interval", default=4)
        local = sum(1 for f in flags if f) if flags else layers - layers // max(every, 1)
        return _int(cfg, "attention_chunk_size"), local, "chunked"
    window = cfg.get("sliding_window")
    if not window or cfg.get("use_sliding_window") is False:
        return None, 0, "sliding"
    window = _int(cfg, "sliding_window")
    if isinstance(cfg.get("layer_types"), list):  # gpt-oss, newer Gemma 3 and Qwen configs
        return window, sum(1 for t in cfg["layer_types"] if t == "sliding_attention"), "sliding"
    if cfg.get("sliding_window_pattern"):  # Gemma 3: every N-th layer is global
        every = _int(cfg, "sliding_window_pattern")
        return window, layers - layers // max(every, 1), "sliding"
    if str(cfg.get("model_type", "")).startswith("gemma2"):  # even layers local
        return window, (layers + 1) // 2, "sliding"
    return window, layers, "sliding"  # Mistral: every layer


def _name(data: Mapping[str, Any]) -> str:
    path = str(data.get("_name_or_path") or "").strip().rstrip("/")
    return path.rsplit("/", 1)[-1][:80] if path else ""


def parse_hf_config(
    data: Mapping[str, Any], *, model_id: str, name: str = "", source: str, as_of: str
) -> OpenModel:
    """Return the open model a `config.json` describes, or raise `HfConfigError` naming the key."""
    cfg = text_config(data)
    layers = _int(cfg, "num_hidden_layers")
    heads = _int(cfg, "num_attention_heads")
    count = count_params(data)
    window, windowed, kind = _windowed_layers(cfg, layers)
    mla = _is_mla(cfg)
    kv_heads = heads if mla else _int(cfg, "num_key_value_heads", default=heads)
    fields: dict[str, Any] = {
        "id": model_id,
        "name": name or _name(data) or model_id,
        "total_params": count.total,
        "active_params": count.active if count.active < count.total else None,
        "layers": layers,
        "hidden_size": _int(cfg, "hidden_size"),
        "attention_heads": heads,
        "kv_heads": kv_heads,
        "head_dim": _int(cfg, "qk_nope_head_dim") if mla else _head_dim(cfg),
        "attention": "mla" if mla else ("mha" if kv_heads == heads else "gqa"),
        "kv_lora_rank": _int(cfg, "kv_lora_rank") if mla else None,
        "qk_rope_head_dim": _int(cfg, "qk_rope_head_dim") if mla else None,
        "sliding_window": window,
        "sliding_window_layers": min(windowed, layers),
        "window_kind": "chunked" if kind == "chunked" else "sliding",
        "max_context": _int(cfg, "max_position_embeddings"),
        "source": source,
        "as_of": as_of,
    }
    try:
        return OpenModel(**fields)
    except ValidationError as exc:
        raise HfConfigError(_readable(exc)) from exc


def _readable(exc: ValidationError) -> str:
    """Return the first validation problem, named by the form's label or the config's key."""
    error = exc.errors(include_url=False)[0]
    field = str(error["loc"][0]) if error["loc"] else "config.json"
    where = FIELD_LABELS.get(field, f"the {field} computed from config.json")
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


def describe(model: OpenModel) -> str:
    """Return the attention shape in one line, e.g. "GQA, 8 KV heads × 128; 18 of 36 sliding"."""
    if model.attention == "mla":
        shape = f"MLA, latent {model.kv_lora_rank} + RoPE key {model.qk_rope_head_dim}"
    else:
        kind = "MHA" if model.attention == "mha" else "GQA"
        heads = f"{model.attention_heads} query / {model.kv_heads} KV heads"
        shape = f"{kind}, {heads} × {model.head_dim}"
    if model.sliding_window_layers:
        shape += (
            f"; {model.sliding_window_layers} of {model.layers} layers {model.window_kind} "
            f"({model.sliding_window} tokens)"
        )
    return shape
