"""The `Design`: every decision of the six-phase playbook as one validated, immutable value."""

from __future__ import annotations

from typing import Annotated, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from playbook.catalog import Catalog, Gpu, OpenModel, SavedPrice, ids, load_catalog

SCHEMA_VERSION: Final = 1

Phase = Literal["constraints", "technique", "model", "retrieval", "serving", "evaluation"]
PHASES: tuple[Phase, ...] = get_args(Phase)

Rung = Literal["prompt", "few_shot", "rag", "lora", "continued_pretraining"]
LADDER: tuple[Rung, ...] = get_args(Rung)

ModelKind = Literal["hosted", "self_hosted", "routing"]
Chunking = Literal["fixed", "semantic", "hierarchical"]
AnnIndex = Literal["flat", "ivf", "ivf_pq", "hnsw", "scann"]
Engine = Literal["vllm", "sglang", "tensorrt_llm", "tgi"]
Precision = Literal["fp16", "bf16", "fp8", "int8", "int4", "fp4"]
KvPrecision = Literal["fp16", "bf16", "fp8"]
OfflineMetric = Literal[
    "recall_at_k", "ragas_faithfulness", "ragas_answer_relevance", "exact_match", "pass_at_k"
]
OnlineMetric = Literal[
    "thumbs_up", "escalation_rate", "abandonment", "latency_slo", "cost_per_request"
]
FailureMode = Literal[
    "hallucination", "prompt_injection", "retrieval_miss", "kv_cache_oom", "model_drift", "pii_leak"
]
Mitigation = Literal[
    "none",
    "citations_and_faithfulness_check",
    "input_output_guardrails",
    "hybrid_search_and_reranker",
    "admission_control",
    "judge_monitoring_and_pinned_versions",
    "pii_redaction",
]

ComponentKind = Literal[
    "gateway", "guardrail", "retriever", "index", "reranker", "llm", "router", "source",
    "chunker", "embedder", "trainer", "eval", "monitor", "cache", "tool", "queue", "store",
]  # fmt: skip
COMPONENT_ID = r"^[a-z][a-z0-9_]{0,39}$"

Notes = Annotated[str, Field(max_length=10_000)]
ShortText = Annotated[str, Field(max_length=200)]


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
    return value


class _Part(BaseModel):
    """Shared settings: unknown fields are errors, values are immutable and re-validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Constraints(_Part):
    """Phase 1: the product ask as numbers."""

    accuracy_bar_pct: float = Field(90.0, ge=50.0, le=100.0)
    ttft_ms: int = Field(800, ge=50, le=60_000)
    itl_ms: int = Field(50, ge=5, le=2_000)
    total_response_s: float = Field(10.0, ge=0.5, le=600.0)
    cost_per_request_usd: float = Field(0.01, ge=0.0, le=100.0)
    cost_per_user_month_usd: float = Field(5.0, ge=0.0, le=10_000.0)
    peak_qps: float = Field(10.0, ge=0.01, le=100_000.0)
    concurrent_users: int = Field(200, ge=1, le=10_000_000)
    # The users a month's bill is shared by: the per-user cost ceiling divides by these.
    monthly_active_users: int = Field(20_000, ge=1, le=1_000_000_000)
    corpus_documents: int = Field(100_000, ge=0, le=10_000_000_000)
    avg_document_tokens: int = Field(1_000, ge=1, le=10_000_000)
    avg_prompt_tokens: int = Field(1_500, ge=1, le=2_000_000)
    avg_output_tokens: int = Field(300, ge=1, le=200_000)
    knowledge_gap: bool = True
    style_gap: bool = False
    on_prem: bool = False
    notes: Notes = ""


class Technique(_Part):
    """Phase 2: the rungs of the ladder in use (hybrids allowed), lowest first."""

    rungs: tuple[Rung, ...] = ("rag",)
    justification: Notes = ""
    notes: Notes = ""

    @field_validator("rungs")
    @classmethod
    def _ladder_order(cls, rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
        if not rungs:
            raise ValueError(f"choose at least one rung of {', '.join(LADDER)}")
        return tuple(rung for rung in LADDER if rung in rungs)


class ModelChoice(_Part):
    """Phase 3: hosted, self-hosted, or routing between a small and a large model."""

    kind: ModelKind = "hosted"
    hosted_model: str = "gpt-4o"
    open_model: str = "llama-3.1-8b"
    small_model: str = "llama-3.1-8b"
    large_model: str = "gpt-4o"
    small_share_pct: int = Field(70, ge=0, le=100)
    notes: Notes = ""

    @field_validator("hosted_model")
    @classmethod
    def _known_hosted(cls, value: str) -> str:
        return _one_of(value, ids(load_catalog().hosted_models))


class Retrieval(_Part):
    """Phase 4: the data and retrieval path; only in effect when the technique uses RAG."""

    chunking: Chunking = "fixed"
    chunk_tokens: int = Field(512, ge=32, le=8_192)
    chunk_overlap_tokens: int = Field(64, ge=0, le=4_096)
    embedding_model: str = "bge-m3"
    index: AnnIndex = "hnsw"
    bm25_hybrid: bool = True
    reranker: bool = True
    top_k: int = Field(50, ge=1, le=1_000)
    rerank_top_n: int = Field(8, ge=1, le=200)
    recall_at_k_target_pct: float = Field(90.0, ge=0.0, le=100.0)
    untrusted_documents: bool = False
    notes: Notes = ""

    @field_validator("embedding_model")
    @classmethod
    def _known_embedding(cls, value: str) -> str:
        return _one_of(value, ids(load_catalog().embedding_models))

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> Retrieval:
        if self.chunk_overlap_tokens >= self.chunk_tokens:
            raise ValueError(
                f"chunk_overlap_tokens ({self.chunk_overlap_tokens}) must be smaller than "
                f"chunk_tokens ({self.chunk_tokens})"
            )
        return self


class Serving(_Part):
    """Phase 5: the serving stack for self-hosted models."""

    engine: Engine = "vllm"
    gpu: str = "h100-sxm"
    gpus_per_replica: int = Field(1, ge=1, le=64)
    replicas: int = Field(1, ge=1, le=1_000)
    precision: Precision = "bf16"
    kv_cache_precision: KvPrecision = "bf16"
    max_context_tokens: int = Field(8_192, ge=512, le=1_048_576)
    continuous_batching: bool = True
    paged_attention: bool = True
    speculative_decoding: bool = False
    prefix_caching: bool = True
    notes: Notes = ""


def _default_mitigations() -> dict[FailureMode, Mitigation]:
    return dict.fromkeys(get_args(FailureMode), "none")


class Evaluation(_Part):
    """Phase 6: offline and online evaluation, and a mitigation per failure mode."""

    golden_set_size: int = Field(200, ge=0, le=1_000_000)
    offline_metrics: tuple[OfflineMetric, ...] = ("recall_at_k", "ragas_faithfulness")
    online_metrics: tuple[OnlineMetric, ...] = ("thumbs_up", "escalation_rate")
    llm_as_judge: bool = True
    red_team_set: bool = False
    mitigations: dict[FailureMode, Mitigation] = Field(default_factory=_default_mitigations)
    notes: Notes = ""

    @field_validator("mitigations")
    @classmethod
    def _every_mode(cls, value: dict[FailureMode, Mitigation]) -> dict[FailureMode, Mitigation]:
        return {**_default_mitigations(), **value}


class Component(_Part):
    """A component the user adds to the architecture: what it is and what it connects to."""

    id: Annotated[str, Field(pattern=COMPONENT_ID)]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    kind: ComponentKind
    phase: Phase
    # Ids of the diagram's own nodes (client, gateway, llm, ...) or of other components.
    connects_to: tuple[Annotated[str, Field(pattern=COMPONENT_ID)], ...] = ()
    justification: Notes = ""  # the constraint it serves; empty means none is stated

    @model_validator(mode="after")
    def _not_to_itself(self) -> Component:
        if self.id in self.connects_to:
            raise ValueError(f"component {self.id!r} cannot connect to itself")
        return self


class Design(_Part):
    """A whole design: who and what it is for, plus one part per playbook phase."""

    schema_version: Literal[1] = SCHEMA_VERSION
    title: ShortText = "Untitled design"
    scenario: ShortText = ""
    author: ShortText = ""
    constraints: Constraints = Field(default_factory=Constraints)
    technique: Technique = Field(default_factory=Technique)
    model: ModelChoice = Field(default_factory=ModelChoice)
    retrieval: Retrieval = Field(default_factory=Retrieval)
    serving: Serving = Field(default_factory=Serving)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    custom_models: tuple[OpenModel, ...] = ()
    custom_gpus: tuple[Gpu, ...] = ()
    components: tuple[Component, ...] = ()
    # The catalog prices this design was costed with when it was last saved (playbook.drift),
    # so opening it later can say what changed. Empty for designs never saved.
    saved_prices: tuple[SavedPrice, ...] = Field((), max_length=64)

    @model_validator(mode="after")
    def _known_choices(self) -> Design:
        # Model and GPU ids may name a catalog entry or one of this design's own entries,
        # so they are checked here, where both are known, rather than on their phase.
        catalog = load_catalog()
        problems = [
            f"{kind}: {entry.id!r} is already a catalog id; give the custom entry another id"
            for kind, entry, taken in (
                *(("custom_models", m, ids(catalog.open_models)) for m in self.custom_models),
                *(("custom_gpus", g, ids(catalog.gpus)) for g in self.custom_gpus),
            )
            if entry.id in taken
        ]
        component_ids = [component.id for component in self.components]
        problems += [
            f"components: the id {cid!r} is used twice"
            for cid in sorted({c for c in component_ids if component_ids.count(c) > 1})
        ]
        mine = catalog_for(self)
        open_ids, hosted_ids = ids(mine.open_models), ids(mine.hosted_models)
        for field, allowed in (
            ("model.open_model", open_ids),
            ("model.small_model", open_ids),
            ("model.large_model", open_ids + hosted_ids),
            ("serving.gpu", ids(mine.gpus)),
        ):
            phase, name = field.split(".")
            value = getattr(getattr(self, phase), name)
            if value not in allowed:
                problems.append(f"{field}: {value!r} is not one of: {', '.join(allowed)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def __eq__(self, other: object) -> bool:
        # Two designs are the same when their decisions are: the prices stamped on a saved
        # revision (saved_prices) are bookkeeping, so a design equals itself saved and loaded.
        if not isinstance(other, Design):
            return NotImplemented
        return self._decisions() == other._decisions()

    def __hash__(self) -> int:
        return hash(self.model_dump_json(exclude={"saved_prices"}))

    def _decisions(self) -> dict[str, object]:
        return self.model_dump(exclude={"saved_prices"})

    @property
    def uses_rag(self) -> bool:
        """Whether the chosen technique includes retrieval-augmented generation."""
        return "rag" in self.technique.rungs

    @property
    def self_hosts(self) -> bool:
        """Whether any model of the design runs on GPUs the team operates."""
        if self.model.kind == "self_hosted":
            return True
        open_ids = ids(catalog_for(self).open_models)
        return self.model.kind == "routing" and (
            self.model.small_model in open_ids or self.model.large_model in open_ids
        )


def inapplicable_failure_modes(design: Design) -> dict[FailureMode, str]:
    """Return the failure modes that cannot occur in `design`, each with the reason why."""
    reasons: dict[FailureMode, str] = {}
    if not design.uses_rag:
        reasons["retrieval_miss"] = "no retrieval in this design (Phase 2 has no RAG)"
    if not design.self_hosts:
        reasons["kv_cache_oom"] = "the provider runs the KV cache (Phase 3 is hosted)"
    return reasons


def catalog_for(design: Design) -> Catalog:
    """Return the catalog with the design's own models and GPUs added to it."""
    base = load_catalog()
    if not design.custom_models and not design.custom_gpus:
        return base
    return base.model_copy(
        update={
            "open_models": base.open_models + design.custom_models,
            "gpus": base.gpus + design.custom_gpus,
        }
    )
