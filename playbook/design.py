"""The `Design`: every decision of the six-phase playbook as one validated, immutable value.

Each field is declared with `meta(...)`: its default and range beside the label, unit, help
and display names a user sees (`playbook.fields`). Pages, the compare view, the report and error
messages read them from here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Final, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from playbook import labels
from playbook.catalog import Catalog, Gpu, OpenModel, SavedPrice, ids, load_catalog
from playbook.fields import field_meta, meta
from playbook.sanitize import normalise

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

# A text a user writes: invisible and control characters (bidi overrides, zero-width, NUL) are
# stripped here, at validation, so no page, export or diagram ever receives them.
Notes = Annotated[str, Field(max_length=10_000), AfterValidator(normalise)]
ShortText = Annotated[str, Field(max_length=200), AfterValidator(normalise)]
# Model, GPU and embedding ids are checked against the catalog; bounded before that check.
EntryId = Annotated[str, Field(max_length=64)]


def _named(text: str) -> str:
    """Return a name without invisible characters; one of nothing but those is no name."""
    clean = normalise(text)
    if not clean:
        raise ValueError("must not be empty")
    return clean


Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_named)]

# A design's size is bounded before any validation or diagram work: the diagram holds about
# 40 built-in nodes plus these (see diagrams.graph), and a page renders them all.
MAX_COMPONENTS: Final = 100
MAX_LINKS: Final = 150  # every component's `connects_to` added up
MAX_LINKS_PER_COMPONENT: Final = 20
MAX_CUSTOM_MODELS: Final = 20
MAX_CUSTOM_GPUS: Final = 20
MAX_TEXT_CHARS: Final = 200_000  # every string of the design added up
SIZE_LIMITS: Final = {
    "components": MAX_COMPONENTS,
    "custom_models": MAX_CUSTOM_MODELS,
    "custom_gpus": MAX_CUSTOM_GPUS,
}


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value[:64]!r} is not one of: {', '.join(allowed)}")
    return value


def _notes(phase: Phase) -> Any:
    return meta("", label="Notes", help=f"Free-text notes on the {labels.PHASES[phase]} phase.")


class _Part(BaseModel):
    """Shared settings: unknown fields are errors, numbers finite, values immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class Constraints(_Part):
    """Phase 1: the product ask as numbers."""

    accuracy_bar_pct: float = meta(
        90.0, ge=50.0, le=100.0, label="Acceptable answers", unit="%",
        help="Share of answers that must be acceptable, or 100 minus the factual error tolerance.",
    )  # fmt: skip
    ttft_ms: int = meta(
        800, ge=50, le=60_000, label="Time to first token, TTFT", unit="ms",
        help="p95 wait before the first token streams back.",
    )  # fmt: skip
    itl_ms: int = meta(
        50, ge=5, le=2_000, label="Inter-token latency, ITL", unit="ms",
        help="Time between streamed tokens; about 50 ms (20 tokens/s) reads faster than people do.",
    )  # fmt: skip
    total_response_s: float = meta(
        10.0, ge=0.5, le=600.0, label="Total response", unit="s",
        help="Time from the request to the answer's last token.",
    )  # fmt: skip
    cost_per_request_usd: float = meta(
        0.01, ge=0.0, le=100.0, label="Cost ceiling per request", unit="$",
        help="The most one answered request may cost.",
    )  # fmt: skip
    cost_per_user_month_usd: float = meta(
        5.0, ge=0.0, le=10_000.0, label="Cost ceiling per active user per month", unit="$",
        help="The month's bill divided by the monthly active users may not exceed this.",
    )  # fmt: skip
    peak_qps: float = meta(
        10.0, ge=0.01, le=100_000.0, label="Peak requests per second", unit="QPS",
        help="Requests arriving each second at the busiest time.",
    )  # fmt: skip
    concurrent_users: int = meta(
        200, ge=1, le=10_000_000, label="Concurrent users",
        help="People using the product at the same moment at the peak.",
    )  # fmt: skip
    monthly_active_users: int = meta(
        20_000, ge=1, le=1_000_000_000, label="Monthly active users",
        help="The users a month's bill is shared by: the per-user cost ceiling divides by these.",
    )  # fmt: skip
    corpus_documents: int = meta(
        100_000, ge=0, le=10_000_000_000, label="Corpus size", unit="documents",
        help="Documents the product retrieves from.",
    )  # fmt: skip
    avg_document_tokens: int = meta(
        1_000, ge=1, le=10_000_000, label="Average document", unit="tokens"
    )
    avg_prompt_tokens: int = meta(1_500, ge=1, le=2_000_000, label="Average prompt", unit="tokens")
    avg_output_tokens: int = meta(300, ge=1, le=200_000, label="Average output", unit="tokens")
    knowledge_gap: bool = meta(
        True, label="Knowledge gap",
        help="The model lacks facts the product needs (private or fresh documents): points to RAG.",
    )  # fmt: skip
    style_gap: bool = meta(
        False, label="Style gap",
        help="The model cannot match a required tone, format or skill: points to fine-tuning.",
    )  # fmt: skip
    on_prem: bool = meta(
        False, label="On-prem only",
        help="Data may not leave your infrastructure: rules out hosted APIs.",
    )  # fmt: skip
    notes: Notes = _notes("constraints")


class Technique(_Part):
    """Phase 2: the rungs of the ladder in use (hybrids allowed), lowest first."""

    rungs: tuple[Rung, ...] = meta(
        ("rag",), label="Rungs in use", choices=labels.RUNGS,
        help="Hybrids are allowed, e.g. RAG for knowledge + LoRA for style.",
    )  # fmt: skip
    justification: Notes = meta(
        "", label="Why this rung and not the one below",
        help="Tie the choice to a Phase 1 number: the gap, the accuracy bar, the cost ceiling.",
    )  # fmt: skip
    notes: Notes = _notes("technique")

    @field_validator("rungs")
    @classmethod
    def _ladder_order(cls, rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
        if not rungs:
            raise ValueError(f"choose at least one of: {', '.join(labels.RUNGS.values())}")
        return tuple(rung for rung in LADDER if rung in rungs)


class ModelChoice(_Part):
    """Phase 3: hosted, self-hosted, or routing between a small and a large model."""

    kind: ModelKind = meta("hosted", label="Model class", choices=labels.MODEL_KINDS)
    hosted_model: EntryId = meta("gpt-4o", label="Hosted model")
    open_model: EntryId = meta("llama-3.1-8b", label="Open-weights model")
    small_model: EntryId = meta("llama-3.1-8b", label="Small model (easy requests)")
    large_model: EntryId = meta("gpt-4o", label="Large model (hard requests)")
    small_share_pct: int = meta(
        70, ge=0, le=100, label="Share of traffic the small model answers", unit="%",
        help="The router sends this share to the small model, the rest to the large one.",
    )  # fmt: skip
    notes: Notes = _notes("model")

    @field_validator("hosted_model")
    @classmethod
    def _known_hosted(cls, value: str) -> str:
        return _one_of(value, ids(load_catalog().hosted_models))


class Retrieval(_Part):
    """Phase 4: the data and retrieval path; only in effect when the technique uses RAG."""

    chunking: Chunking = meta("fixed", label="Chunking strategy", choices=labels.CHUNKING)
    chunk_tokens: int = meta(512, ge=32, le=8_192, label="Chunk size", unit="tokens")
    chunk_overlap_tokens: int = meta(
        64, ge=0, le=4_096, label="Chunk overlap", unit="tokens",
        help="Must stay below the chunk size.",
    )  # fmt: skip
    embedding_model: EntryId = meta("bge-m3", label="Embedding model")
    index: AnnIndex = meta("hnsw", label="ANN index", choices=labels.INDEXES)
    bm25_hybrid: bool = meta(True, label="BM25 hybrid (keyword + vector)")
    reranker: bool = meta(True, label="Cross-encoder reranker")
    top_k: int = meta(50, ge=1, le=1_000, label="Candidates retrieved (k)")
    rerank_top_n: int = meta(
        8, ge=1, le=200, label="Passages kept after reranking",
        help="How many of the k candidates the reranker keeps.",
    )  # fmt: skip
    recall_at_k_target_pct: float = meta(
        90.0, ge=0.0, le=100.0, label="Recall@k target", unit="%",
        help="Share of questions whose answer passage is among the k retrieved.",
    )  # fmt: skip
    untrusted_documents: bool = meta(
        False, label="Documents may be untrusted",
        help="Web pages, e-mails or user uploads can carry prompt injections.",
    )  # fmt: skip
    notes: Notes = _notes("retrieval")

    @field_validator("embedding_model")
    @classmethod
    def _known_embedding(cls, value: str) -> str:
        return _one_of(value, ids(load_catalog().embedding_models))

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> Retrieval:
        if self.chunk_overlap_tokens >= self.chunk_tokens:
            overlap = label_of(Retrieval, "chunk_overlap_tokens")
            size = label_of(Retrieval, "chunk_tokens")
            raise ValueError(
                f"{overlap}: must be smaller than {size}: "
                f"{self.chunk_overlap_tokens:,} is not below {self.chunk_tokens:,}"
            )
        return self


class Serving(_Part):
    """Phase 5: the serving stack for self-hosted models."""

    engine: Engine = meta("vllm", label="Serving engine", choices=labels.ENGINES)
    gpu: EntryId = meta("h100-sxm", label="GPU")
    gpus_per_replica: int = meta(
        1, ge=1, le=64, label="GPUs per replica (tensor parallel)",
        help="GPUs one copy of the model is split over.",
    )  # fmt: skip
    replicas: int = meta(
        1, ge=1, le=1_000, label="Replicas",
        help="Copies of the model serving requests side by side.",
    )  # fmt: skip
    precision: Precision = meta("bf16", label="Weight precision", choices=labels.PRECISIONS)
    kv_cache_precision: KvPrecision = meta(
        "bf16", label="KV-cache precision",
        choices={key: labels.PRECISIONS[key] for key in get_args(KvPrecision)},
    )  # fmt: skip
    max_context_tokens: int = meta(
        8_192, ge=512, le=1_048_576, label="Maximum context", unit="tokens"
    )
    continuous_batching: bool = meta(
        True, label="Continuous batching",
        help="New requests join the running batch at every decode step.",
    )  # fmt: skip
    paged_attention: bool = meta(
        True, label="PagedAttention",
        help="KV cache in fixed-size blocks: little fragmentation, more concurrent sequences.",
    )  # fmt: skip
    speculative_decoding: bool = meta(
        False, label="Speculative decoding",
        help="A draft model proposes tokens the target verifies in one pass: lower ITL.",
    )  # fmt: skip
    prefix_caching: bool = meta(
        True, label="Prefix caching",
        help="Reuses the KV cache of a shared system prompt: lower TTFT and prefill cost.",
    )  # fmt: skip
    notes: Notes = _notes("serving")


def _default_mitigations() -> dict[FailureMode, Mitigation]:
    return dict.fromkeys(get_args(FailureMode), "none")


class Evaluation(_Part):
    """Phase 6: offline and online evaluation, and a mitigation per failure mode."""

    golden_set_size: int = meta(
        200, ge=0, le=1_000_000, label="Golden set", unit="examples; 0 = none",
        help="Questions with checked answers, run before every release.",
    )  # fmt: skip
    offline_metrics: tuple[OfflineMetric, ...] = meta(
        ("recall_at_k", "ragas_faithfulness"), label="Offline metrics",
        choices=labels.OFFLINE_METRICS,
    )  # fmt: skip
    online_metrics: tuple[OnlineMetric, ...] = meta(
        ("thumbs_up", "escalation_rate"), label="Online metrics", choices=labels.ONLINE_METRICS
    )
    llm_as_judge: bool = meta(
        True, label="LLM-as-judge on sampled traffic",
        help="A strong model grades a sample of live answers for continuous monitoring.",
    )  # fmt: skip
    red_team_set: bool = meta(
        False, label="Red-team set",
        help="Jailbreaks, prompt injections and PII-extraction attempts, run before each release.",
    )  # fmt: skip
    # One select box per failure mode, labelled with the mode's name (`items`).
    mitigations: dict[FailureMode, Mitigation] = meta(
        default_factory=_default_mitigations, label="Mitigation",
        choices=labels.MITIGATIONS, items=labels.FAILURE_MODES,
    )  # fmt: skip
    notes: Notes = _notes("evaluation")

    @field_validator("mitigations")
    @classmethod
    def _every_mode(cls, value: dict[FailureMode, Mitigation]) -> dict[FailureMode, Mitigation]:
        return {**_default_mitigations(), **value}


class Component(_Part):
    """A component the user adds to the architecture: what it is and what it connects to."""

    id: Annotated[str, Field(pattern=COMPONENT_ID)] = meta(
        max_length=40, label="Id",
        help="Lowercase letters, digits and underscores, starting with a letter.",
    )  # fmt: skip
    name: Name = meta(label="Name")
    kind: ComponentKind = meta(label="Kind")
    phase: Phase = meta(label="Phase", choices=labels.PHASES)
    # Ids of the diagram's own nodes (client, gateway, llm, ...) or of other components.
    connects_to: tuple[Annotated[str, Field(pattern=COMPONENT_ID)], ...] = meta(
        (), max_length=MAX_LINKS_PER_COMPONENT, label="Connects to"
    )
    # The constraint it serves; empty means none is stated.
    justification: Notes = meta("", label="Justification")

    @model_validator(mode="after")
    def _not_to_itself(self) -> Component:
        if self.id in self.connects_to:
            where = label_of(Component, "connects_to")
            raise ValueError(f"{where}: {self.id!r} cannot connect to itself")
        return self


# Bounds of the numbers in a design's own models and GPUs (user input, unlike the shipped
# catalog). A number field not listed here is still checked: finite and within DEFAULT_BOUND.
DEFAULT_BOUND: Final = 1e15
E = TypeVar("E", bound=BaseModel)
CUSTOM_MODEL_FIELDS: Final[dict[str, tuple[str, float, float]]] = {
    "total_params": ("Parameters", 1e6, 1e14),
    "active_params": ("Active parameters", 1e6, 1e14),
    "layers": ("Layers", 1, 1_024),
    "hidden_size": ("Hidden size", 1, 131_072),
    "attention_heads": ("Attention heads", 1, 1_024),
    "kv_heads": ("KV heads", 1, 1_024),
    "head_dim": ("Head dim", 1, 4_096),
    "kv_lora_rank": ("KV LoRA rank", 1, 65_536),
    "qk_rope_head_dim": ("RoPE key head dim", 1, 4_096),
    "sliding_window": ("Sliding window (tokens)", 1, 100_000_000),
    "sliding_window_layers": ("Sliding-window layers", 0, 1_024),
    "max_context": ("Maximum context (tokens)", 1, 100_000_000),
}
CUSTOM_GPU_FIELDS: Final[dict[str, tuple[str, float, float]]] = {
    "memory_gb": ("Memory (GB)", 1.0, 10_000.0),
    "memory_gib": ("Memory (GiB)", 1.0, 10_000.0),
    "bandwidth_tbs": ("Bandwidth (TB/s)", 0.01, 1_000.0),
    "dense_tflops": ("Dense TFLOPS", 0.01, 10_000_000.0),
    "usd_per_hour": ("Price ($ per GPU-hour)", 0.0001, 100_000.0),
    "prices": ("Provider prices ($ per GPU-hour)", 0.0001, 100_000.0),
    "interconnect_gbps": ("Interconnect (GB/s per direction)", 0.1, 100_000.0),
}
CUSTOM_TEXT_FIELDS: Final = ("name", "source", "as_of")


def _bounded_entry(entry: E, table: dict[str, tuple[str, float, float]]) -> E:
    """Return a design's own catalog entry with clean text, or raise naming the number at fault."""
    for name in type(entry).model_fields:
        title, low, high = table.get(name, (name, -DEFAULT_BOUND, DEFAULT_BOUND))
        for number in _numbers(getattr(entry, name)):
            _check_number(title, number, low, high)
    cleaned = {name: normalise(getattr(entry, name)) for name in CUSTOM_TEXT_FIELDS}
    if not cleaned["name"]:
        raise ValueError("Name: must not be empty")
    return entry.model_copy(update=cleaned)


def _numbers(value: object) -> list[float]:
    """Return the numbers in a field's value, within dicts, tuples and nested entries too."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, tuple | list):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, BaseModel):
        return [n for field in type(value).model_fields for n in _numbers(getattr(value, field))]
    return []


def _check_number(title: str, number: float, low: float, high: float) -> None:
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"{title}: must be a finite number")
    if not low <= number <= high:
        raise ValueError(f"{title}: must be between {low:,g} and {high:,g}")


def _bounded_model(entry: OpenModel) -> OpenModel:
    return _bounded_entry(entry, CUSTOM_MODEL_FIELDS)


def _bounded_gpu(entry: Gpu) -> Gpu:
    return _bounded_entry(entry, CUSTOM_GPU_FIELDS)


class Design(_Part):
    """A whole design: who and what it is for, plus one part per playbook phase."""

    # A file-format field: its JSON key is the name a user sees (in an exported file).
    schema_version: Literal[1] = meta(SCHEMA_VERSION, label="schema_version")
    title: ShortText = meta("Untitled design", label="Design title")
    scenario: ShortText = meta("", label="Scenario")
    author: ShortText = meta("", label="Author")
    constraints: Constraints = meta(default_factory=Constraints, label="Constraints")
    technique: Technique = meta(default_factory=Technique, label="Technique")
    model: ModelChoice = meta(default_factory=ModelChoice, label="Model")
    retrieval: Retrieval = meta(default_factory=Retrieval, label="Retrieval")
    serving: Serving = meta(default_factory=Serving, label="Serving")
    evaluation: Evaluation = meta(default_factory=Evaluation, label="Evaluation")
    custom_models: tuple[Annotated[OpenModel, AfterValidator(_bounded_model)], ...] = meta(
        (), label="Own model"
    )
    custom_gpus: tuple[Annotated[Gpu, AfterValidator(_bounded_gpu)], ...] = meta(
        (), label="Own GPU"
    )
    components: tuple[Component, ...] = meta((), label="Own component")
    # The catalog prices this design was costed with when it was last saved (playbook.drift),
    # so opening it later can say what changed. Empty for designs never saved.
    saved_prices: tuple[SavedPrice, ...] = meta((), max_length=64, label="Saved prices")

    @model_validator(mode="before")
    @classmethod
    def _within_size_limits(cls, data: Any) -> Any:
        # Runs before any field is validated, so an oversized design costs a count, not a parse.
        if isinstance(data, dict) and (problems := size_problems(data)):
            raise ValueError("; ".join(problems))
        return data

    @model_validator(mode="after")
    def _known_choices(self) -> Design:
        # Model and GPU ids may name a catalog entry or one of this design's own entries,
        # so they are checked here, where both are known, rather than on their phase.
        catalog = load_catalog()
        taken_models, taken_gpus = set(ids(catalog.open_models)), set(ids(catalog.gpus))
        problems = [
            f"{label_of(Design, kind)} {entry.id!r}: the id is already in the catalog; "
            "give your entry another id"
            for kind, entry, taken in (
                *(("custom_models", m, taken_models) for m in self.custom_models),
                *(("custom_gpus", g, taken_gpus) for g in self.custom_gpus),
            )
            if entry.id in taken
        ]
        problems += _duplicate_ids(self)
        mine = catalog_for(self)
        open_ids, hosted_ids = ids(mine.open_models), ids(mine.hosted_models)
        for part, name, allowed in (
            (ModelChoice, "open_model", open_ids),
            (ModelChoice, "small_model", open_ids),
            (ModelChoice, "large_model", open_ids + hosted_ids),
            (Serving, "gpu", ids(mine.gpus)),
        ):
            value = getattr(self.model if part is ModelChoice else self.serving, name)
            if value not in allowed:
                where = label_of(part, name)
                problems.append(f"{where}: {value!r} is not one of: {', '.join(allowed)}")
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


def _duplicate_ids(design: Design) -> list[str]:
    """Return a problem per id used twice within one list of the design's own entries (linear)."""
    problems = []
    for kind in ("custom_models", "custom_gpus", "components"):
        seen: set[str] = set()
        twice: set[str] = set()
        for entry in getattr(design, kind):
            (twice if entry.id in seen else seen).add(entry.id)
        where = label_of(Design, kind)
        problems += [f"{where} {cid!r}: the id is used twice" for cid in sorted(twice)]
    return problems


def size_problems(data: dict[str, Any]) -> list[str]:
    """Return the size limits a decoded design breaks (counts and text length), in linear time."""
    problems = []
    for key, limit in SIZE_LIMITS.items():
        items = data.get(key)
        if isinstance(items, list | tuple) and len(items) > limit:
            where = label_of(Design, key)
            problems.append(f"{where}s: at most {limit:,} in a design, not {len(items):,}")
    if problems:
        return problems  # past a count limit, nothing else is worth walking
    components = data.get("components")
    if isinstance(components, list | tuple) and len(components) <= MAX_COMPONENTS:
        links = sum(
            len(item["connects_to"])
            for item in components
            if isinstance(item, dict) and isinstance(item.get("connects_to"), list | tuple)
        )
        if links > MAX_LINKS:
            where = label_of(Component, "connects_to")
            problems.append(f"{where}: at most {MAX_LINKS:,} links in a design, not {links:,}")
    if text_length(data, stop_after=MAX_TEXT_CHARS) > MAX_TEXT_CHARS:
        problems.append(f"Text: at most {MAX_TEXT_CHARS:,} characters in a design, not more")
    return problems


def text_length(data: Any, *, stop_after: int) -> int:
    """Return the characters of every string (and key) in decoded JSON, stopping past a limit."""
    total, stack = 0, [data]
    while stack and total <= stop_after:
        value = stack.pop()
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, dict):
            total += sum(len(key) for key in value if isinstance(key, str))
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return total


def label_of(model: type[BaseModel], name: str) -> str:
    """Return the label and unit a page shows for `model.name`: 'Chunk size (tokens)'."""
    found = field_meta(model, name)
    return found.title if found else name


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
