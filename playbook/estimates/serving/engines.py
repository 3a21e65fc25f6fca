"""Serving engines' documented defaults: batch limit, memory fraction, prefill chunks, batching.

Read from `playbook/data/engines.json`, where every default names its source. What the engines
do not document - the CPU time each spends scheduling a step - is fitted on published
measurements and lives with the other efficiency factors (`playbook/data/efficiency.json`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from playbook.catalog import GIB, Gpu

EngineId = Literal["vllm", "sglang", "tensorrt_llm", "tgi"]
ENGINE_IDS: tuple[EngineId, ...] = ("vllm", "sglang", "tensorrt_llm", "tgi")
# The spelling the command line accepts for each engine (issue 12's contract: trt-llm).
CLI_NAMES: dict[str, EngineId] = {
    "vllm": "vllm",
    "sglang": "sglang",
    "trt-llm": "tensorrt_llm",
    "tgi": "tgi",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Frozen):
    """A default that may depend on the GPU's memory or the tensor-parallel size."""

    default: float | None
    large_gpu: float | None = None  # the value on GPUs of at least `large_from_gib`
    large_from_gib: float | None = None
    not_on: tuple[str, ...] = ()  # GPU id prefixes that keep the default however large
    by_tp: tuple[tuple[int, float], ...] = ()  # (smallest TP, value), ascending

    def value(self, gpu: Gpu, tensor_parallel: int) -> float | None:
        """Return the default for `tensor_parallel` GPUs of type `gpu`."""
        found = self.default
        for smallest, value in self.by_tp:
            if tensor_parallel >= smallest:
                found = value
        large = self.large_from_gib is not None and gpu.memory_bytes >= self.large_from_gib * GIB
        if large and self.large_gpu is not None and not gpu.id.startswith(self.not_on):
            found = self.large_gpu
        return found


class Engine(_Frozen):
    """One serving engine's defaults, each with its source."""

    id: EngineId
    name: str
    batch_limit: Rule  # sequences decoding together at most (None: only memory limits it)
    memory_fraction: Rule  # share of GPU memory the engine takes (see memory_fraction_of)
    memory_fraction_of: Literal["total", "free"]  # free: what is left after weights (TRT-LLM)
    prefill_chunk_tokens: Rule  # tokens of one prompt per forward pass (None: the whole prompt)
    mixed_batching: bool  # prefills ride in the decode step's forward pass
    sources: dict[str, str] = Field(default_factory=dict)

    def max_num_seqs(self, gpu: Gpu, tensor_parallel: int) -> int | None:
        """Return the engine's default cap on running sequences (None: memory alone)."""
        value = self.batch_limit.value(gpu, tensor_parallel)
        return None if value is None else int(value)

    def gpu_memory_utilization(self, gpu: Gpu, tensor_parallel: int) -> float:
        """Return the engine's default memory fraction for this GPU and TP size."""
        value = self.memory_fraction.value(gpu, tensor_parallel)
        return 0.9 if value is None else value

    def chunk_tokens(self, gpu: Gpu, tensor_parallel: int) -> int | None:
        """Return the prefill chunk size (None: a prompt is prefilled in one pass)."""
        value = self.prefill_chunk_tokens.value(gpu, tensor_parallel)
        return None if value is None else int(value)


@cache
def load_engines() -> dict[EngineId, Engine]:
    """Return the engines shipped in `playbook/data/engines.json`, keyed by id (read once)."""
    text = resources.files("playbook").joinpath("data/engines.json").read_text("utf-8")
    engines = [Engine.model_validate(item) for item in json.loads(text)["engines"]]
    return {engine.id: engine for engine in engines}


def engine(engine_id: EngineId) -> Engine:
    """Return one engine's defaults."""
    return load_engines()[engine_id]
