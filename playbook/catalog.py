"""The catalog: models, GPUs, precisions, embedding models and prices, each with its source.

Read from `playbook/data/catalog.json`. Every entry names where its numbers come from and when
(`source`, `as_of`), so the app can show the provenance next to each number it uses.
"""

from __future__ import annotations

import json
import statistics
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playbook.format import money

ComputeKind = Literal["bf16", "fp8", "int8", "int4", "fp4"]
Attention = Literal["mha", "gqa", "mla"]
# How the windowed layers bound their KV cache: a sliding window keeps the last N tokens
# (Mistral, Gemma, gpt-oss); chunked attention attends within fixed chunks of N tokens, so a
# layer holds at most N tokens too (Llama 4's local layers, `attention_chunk_size`).
WindowKind = Literal["sliding", "chunked"]
Interconnect = Literal["nvlink", "pcie", "infinity_fabric"]
GIB = 1024**3
# PCIe Gen4 x16: 16 GT/s × 16 lanes ≈ 32 GB/s each way (PCI-SIG PCIe 4.0 base specification).
PCIE_GEN4_GBPS = 32.0
Positive = Annotated[float, Field(gt=0)]
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class _Entry(BaseModel):
    """Every catalog entry: an id, a display name, and where its numbers come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.\-]{0,63}$")]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    source: Annotated[str, Field(min_length=1, max_length=1_000)]
    as_of: Annotated[str, Field(min_length=4, max_length=40)]


class OpenModel(_Entry):
    """An open-weights model's architecture, as its published config states it."""

    total_params: Positive
    active_params: Positive | None = None  # mixture-of-experts: parameters used per token
    layers: Annotated[int, Field(ge=1)]
    hidden_size: Annotated[int, Field(ge=1)]
    attention_heads: Annotated[int, Field(ge=1)]
    kv_heads: Annotated[int, Field(ge=1)]
    head_dim: Annotated[int, Field(ge=1)]
    attention: Attention
    # Multi-head latent attention (DeepSeek-V2/V3) caches a compressed latent plus a RoPE key.
    kv_lora_rank: Annotated[int, Field(ge=1)] | None = None
    qk_rope_head_dim: Annotated[int, Field(ge=1)] | None = None
    # Sliding-window attention: how many layers keep only the last `sliding_window` tokens.
    sliding_window: Annotated[int, Field(ge=1)] | None = None
    sliding_window_layers: Annotated[int, Field(ge=0)] = 0
    window_kind: WindowKind = "sliding"
    max_context: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _consistent(self) -> OpenModel:
        if self.attention == "mla" and (self.kv_lora_rank is None or self.qk_rope_head_dim is None):
            raise ValueError("an MLA model needs kv_lora_rank and qk_rope_head_dim")
        if self.sliding_window_layers > self.layers:
            raise ValueError("sliding_window_layers cannot exceed layers")
        if self.sliding_window_layers and self.sliding_window is None:
            raise ValueError("sliding_window_layers needs a sliding_window")
        if self.active_params is not None and self.active_params > self.total_params:
            raise ValueError("active_params cannot exceed total_params")
        return self

    @property
    def params_per_token(self) -> float:
        """Parameters that do work for each token (all of them, unless mixture-of-experts)."""
        return self.active_params or self.total_params


class HostedModel(_Entry):
    """A hosted API model, its list prices per million tokens, and its retirement if announced."""

    provider: str
    usd_per_1m_input: Annotated[float, Field(ge=0)]
    usd_per_1m_output: Annotated[float, Field(ge=0)]
    usd_per_1m_cached_input: Annotated[float, Field(ge=0)] | None = None
    batch_discount_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    # Published medians of the provider's API: seconds to the first token and output tokens per
    # second after it, with where and when they were measured. Optional, so entries added
    # without them still load: `playbook.analysis.timeline` then uses a stated default.
    ttft_ms: Positive | None = None
    output_tokens_per_s: Positive | None = None
    latency_source: Annotated[str, Field(max_length=1_000)] | None = None
    latency_as_of: Annotated[str, Field(max_length=40)] | None = None
    # The provider's shutdown date (past: retired; future: announced) and the model it names
    # (or we suggest) instead. A retired model stays listed so saved designs still load.
    retires_on: IsoDate | None = None
    successor: str | None = None

    @model_validator(mode="after")
    def _successor_with_date(self) -> HostedModel:
        if (self.retires_on is None) != (self.successor is None):
            raise ValueError("retires_on and successor go together")
        return self

    def retired(self, today: date) -> bool:
        """Whether the provider no longer serves this model on `today`."""
        return self.retires_on is not None and date.fromisoformat(self.retires_on) <= today


class SavedPrice(BaseModel):
    """One catalog price a saved design was costed with: entry id, price field, value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=64)]
    field: Literal[
        "usd_per_1m_input", "usd_per_1m_cached_input", "usd_per_1m_output", "usd_per_hour"
    ]
    value: Annotated[float, Field(ge=0, allow_inf_nan=False)]


class GpuPrice(BaseModel):
    """One provider's on-demand price for one GPU, with where and when it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Annotated[str, Field(min_length=1, max_length=80)]
    usd_per_hour: Positive
    as_of: Annotated[str, Field(min_length=4, max_length=40)]
    source: Annotated[str, Field(min_length=1, max_length=1_000)]


def median_usd_per_hour(prices: tuple[GpuPrice, ...]) -> float:
    """The catalog's one $/GPU-hour for a GPU: the median of its providers' on-demand prices.

    The rule every catalog GPU follows (`Gpu.prices`): one price per provider, that provider's
    lowest listed on-demand price per GPU for the exact part (an instance's price divided by
    its GPUs), read on its own price page or price API; marketplaces of third-party hosts
    (RunPod Community Cloud, Vast.ai, Akash) are left out. The median, not the lowest, because
    the lowest is often a capacity-limited neocloud and the highest a hyperscaler VM with CPUs,
    RAM and InfiniBand in the price; the median is neither and does not move when one of them
    changes. An even count takes the mean of the middle two.
    """
    return statistics.median(price.usd_per_hour for price in prices)


class Gpu(_Entry):
    """An accelerator: memory, bandwidth, dense tensor throughput per number format, and a price."""

    memory_gb: Positive  # the vendor's figure, in `memory_unit`
    bandwidth_tbs: Positive  # TB/s
    dense_tflops: dict[ComputeKind, Positive]  # dense (no sparsity) tensor-core TFLOPS or TOPS
    usd_per_hour: Positive  # on-demand, one GPU: `median_usd_per_hour(prices)` when listed
    price_source: str
    price_as_of: str
    # Per-provider prices behind `usd_per_hour`, one per provider: every catalog GPU lists two
    # or more; a user's own GPU lists none and its `usd_per_hour` is what the user typed.
    prices: tuple[GpuPrice, ...] = ()
    # GPU-to-GPU link: kind and per-GPU, per-direction bandwidth in GB/s. Unset: the estimates
    # assume PCIe Gen4 x16 (`link_gbps`), the slowest link a data-centre GPU has.
    interconnect: Interconnect | None = None
    interconnect_gbps: Positive | None = None
    interconnect_source: str | None = None
    # What the vendor's "80GB" means: HBM parts expose binary GiB (an H100 80GB shows 81,559 MiB),
    # GDDR parts with ECC on show about the decimal GB. "GB" is the cautious default.
    memory_unit: Literal["GB", "GiB"] = "GB"
    memory_unit_source: str | None = None

    @property
    def price_basis(self) -> str:
        """Say where `usd_per_hour` comes from in one line: the providers' median, or the user's."""
        if not self.prices:
            return f"{self.name} {money(self.usd_per_hour)}/h as entered ({self.price_as_of})"
        low = min(price.usd_per_hour for price in self.prices)
        high = max(price.usd_per_hour for price in self.prices)
        newest = max(price.as_of for price in self.prices)
        return (
            f"{self.name} {money(self.usd_per_hour)}/h: median of {len(self.prices)} providers' "
            f"on-demand prices ({money(low)} to {money(high)}, read up to {newest})"
        )

    @property
    def link_gbps(self) -> float:
        """GB/s per direction the GPU's all-reduces move over (PCIe Gen4 x16 when unpublished)."""
        return self.interconnect_gbps or PCIE_GEN4_GBPS

    @property
    def memory_bytes(self) -> float:
        """Bytes of memory the GPU exposes: `memory_gb` read in its unit (GiB or GB)."""
        return self.memory_gb * (GIB if self.memory_unit == "GiB" else 1e9)

    @model_validator(mode="after")
    def _has_16_bit(self) -> Gpu:
        if "bf16" not in self.dense_tflops:
            raise ValueError("a GPU needs at least its dense bf16 throughput")
        return self

    @model_validator(mode="after")
    def _price_is_the_median_of_its_providers(self) -> Gpu:
        if not self.prices:
            return self
        providers = [price.provider for price in self.prices]
        if len(set(providers)) != len(providers):
            raise ValueError(f"{self.name}: one price per provider in prices ({providers})")
        median = median_usd_per_hour(self.prices)
        # Written in the JSON as the median itself; the tolerance only absorbs float printing.
        if abs(self.usd_per_hour - median) > 1e-6:
            raise ValueError(
                f"{self.name}: $/hour {self.usd_per_hour:g} is not the median {median:g} "
                "of the providers' prices"
            )
        return self


class Precision(_Entry):
    """A number format for weights or KV cache: bytes per value and the tensor math it runs on."""

    bytes_per_value: Positive
    compute: ComputeKind  # the dense_tflops key its matrix multiplies use (falls back to bf16)


class EmbeddingModel(_Entry):
    """An embedding model: vector size, input limit, and price when hosted."""

    dimensions: Annotated[int, Field(ge=1)]
    max_tokens: Annotated[int, Field(ge=1)]
    usd_per_1m_tokens: Annotated[float, Field(ge=0)] | None = None  # None: self-hosted
    params: Positive | None = None


class Catalog(BaseModel):
    """Every list of choices, keyed by id within each list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    open_models: tuple[OpenModel, ...]
    hosted_models: tuple[HostedModel, ...]
    gpus: tuple[Gpu, ...]
    precisions: tuple[Precision, ...]
    embedding_models: tuple[EmbeddingModel, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        for name in ("open_models", "hosted_models", "gpus", "precisions", "embedding_models"):
            found = ids(getattr(self, name))
            if len(set(found)) != len(found):
                raise ValueError(f"{name} has duplicate ids")
        hosted = {model.id: model for model in self.hosted_models}
        for model in self.hosted_models:
            after = hosted.get(model.successor or model.id)
            if after is None or after.retires_on is not None:
                raise ValueError(
                    f"hosted_models: {model.id}'s successor {model.successor!r} must be a "
                    "listed model with no retirement announced"
                )
        return self


E = TypeVar("E", bound=_Entry)


class UnknownEntryError(LookupError):
    """An id is not in the catalog; the message lists the valid ids."""


@cache
def load_catalog() -> Catalog:
    """Return the catalog shipped in `playbook/data/catalog.json` (read once)."""
    text = resources.files("playbook").joinpath("data/catalog.json").read_text("utf-8")
    return Catalog.model_validate(json.loads(text))


def ids(entries: tuple[_Entry, ...]) -> tuple[str, ...]:
    """Return the ids of `entries`, in catalog order."""
    return tuple(entry.id for entry in entries)


def find(entries: tuple[E, ...], entry_id: str, *, what: str = "entry") -> E:
    """Return the entry with `entry_id`, or raise `UnknownEntryError` listing the valid ids."""
    for entry in entries:
        if entry.id == entry_id:
            return entry
    valid = ", ".join(ids(entries))
    raise UnknownEntryError(f"unknown {what} {entry_id!r}; choose one of: {valid}")


def offered(models: tuple[HostedModel, ...], today: date) -> tuple[HostedModel, ...]:
    """Return the hosted models a new design may choose on `today` (the retired are hidden)."""
    return tuple(model for model in models if not model.retired(today))


def retirement_notice(catalog: Catalog, model_id: str, today: date) -> str | None:
    """Return why `model_id` cannot be chosen on `today` and what to choose instead, or None."""
    model = next((m for m in catalog.hosted_models if m.id == model_id), None)
    if model is None or model.retires_on is None:
        return None
    successor = name_of(catalog.hosted_models, model.successor or "")
    if model.retired(today):
        return f"{model.name} was retired on {model.retires_on}; choose {successor} instead"
    return f"{model.name} retires on {model.retires_on}; {successor} replaces it"


def name_of(entries: tuple[_Entry, ...], entry_id: str) -> str:
    """Return the display name for `entry_id`, or the id itself when it is not listed."""
    return next((entry.name for entry in entries if entry.id == entry_id), entry_id)
