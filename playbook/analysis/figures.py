"""The figures of one design, as named, immutable values: timeline, capacity, bill and verdicts.

`playbook.analysis.analyze` fills them once per design; every page, the diagram, the report, the
rubric and the command line read them and compute nothing of their own. A figure that cannot
exist (the model does not fit, the queue grows without bound) is a `State` with its reason,
never an infinity.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from playbook.estimates.base import Estimate
from playbook.estimates.charts import ClassCost, LoadPoint, MemorySlice
from playbook.estimates.retrieval import RetrievalReport
from playbook.estimates.serving import OperatingPoint, ServingReport

StateKind = Literal["ok", "does_not_fit", "overloaded", "unreachable"]
StepId = Literal[
    "gateway", "input_guardrails", "query_embedding", "ann_search", "bm25", "rerank", "queue",
    "prefill", "hosted_first_token", "decode", "output_guardrails",
]  # fmt: skip
CheckId = Literal[
    "fit", "load", "ttft", "itl", "total_response", "replicas", "cost_per_request", "cost_per_user",
]  # fmt: skip
LineId = Literal[
    "llm_tokens", "gpu_fleet", "large_model", "query_embeddings", "ingestion_embeddings",
    "reranker", "vector_index", "llm_judge", "fine_tuning",
]  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class State(_Frozen):
    """Whether a setup can carry the design at all; when not, the reason in one line."""

    kind: StateKind = "ok"
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether the figures that depend on this state exist."""
        return self.kind == "ok"


OK = State()


class Step(_Frozen):
    """One stage of a request, where it happens on the diagram, and how long it takes."""

    id: StepId
    name: str
    node: str  # the diagram node it happens at
    ms: float | None  # None: unbounded; the timeline's state says why
    before_first_token: bool
    parallel_with: StepId | None = None  # runs beside that step: the slower of the two counts
    estimate: Estimate | None = None  # None only when `ms` is None


class HostedLatency(_Frozen):
    """Where a hosted model's time to first token and output speed come from, and when."""

    model: str  # the model's name
    node: str  # the diagram node it answers at
    ttft_ms: float
    output_tokens_per_s: float
    source: str | None  # None: no published figure in the catalog; `note` states the default
    as_of: str | None
    note: str

    def line(self) -> str:
        """Return the figures with their source and date, or with the default's note."""
        figures = (
            f"{self.model}: {self.ttft_ms:,.0f} ms to the first token, "
            f"{self.output_tokens_per_s:g} output tokens/s"
        )
        if self.source is None:
            return f"{figures}: {self.note}"
        return f"{figures}: published median, {self.source} (as of {self.as_of})"

    def short(self) -> str:
        """Return where the figures come from in a few words, for a diagram label."""
        if self.source is None:
            return "latency assumed: no published figure"
        return f"latency: published median, as of {self.as_of}"


class ModelPath(_Frozen):
    """The large model of a routed design, as a request routed to it sees it."""

    name: str  # e.g. "the large model, GPT-4o (hosted), 30% of requests"
    node: str
    state: State
    model_ttft_ms: float | None
    itl_ms: float | None
    ttft_ms: float | None  # end to end: the same stages before the model, then this model
    total_ms: float | None
    first_token: Estimate | None = None


class Timeline(_Frozen):
    """A request end to end, stage by stage, with the latencies the budgets are checked against."""

    path: str  # what the timeline follows, e.g. "self-hosted Llama 3.1 8B"
    model_node: str
    steps: tuple[Step, ...]
    state: State
    prompt_tokens: Estimate  # the prompt the model reads, retrieved chunks included
    before_model_ms: float  # gateway, guardrails and retrieval: spent before the model starts
    model_ttft_ms: float | None  # the model's own first token (queue + prefill, or hosted TTFT)
    ttft_ms: float | None  # end to end, before the first token reaches the client
    itl_ms: float | None
    total_ms: float | None  # the whole answer
    large: ModelPath | None = None  # routing: the path of the requests the large model answers
    hosted: tuple[HostedLatency, ...] = ()  # each hosted model on a path: its latency's basis

    def step(self, step_id: StepId) -> Step | None:
        """Return the step called `step_id`, or None when the design has no such stage."""
        return next((s for s in self.steps if s.id == step_id), None)


class Capacity(_Frozen):
    """The self-hosted model's fit, load and replicas; the charts' data beside them."""

    state: State
    report: ServingReport
    point: OperatingPoint  # one replica at the peak load
    replicas_chosen: int
    replicas_needed: int | None  # None: no number of replicas meets both latency targets
    replicas: Estimate | None  # None likewise
    model_ttft_budget_ms: float  # the TTFT budget left once retrieval has run
    estimates: tuple[Estimate, ...]  # what the Serving page lists, in order
    memory: tuple[MemorySlice, ...]
    sweep: tuple[LoadPoint, ...]


class BillLine(_Frozen):
    """One line of the monthly bill (and what it costs once, up front)."""

    id: LineId
    name: str
    usd_per_month: float
    one_off_usd: float = 0.0
    estimate: Estimate


class Routing(_Frozen):
    """Two whole bills: the large model carrying everything, and the routed design."""

    all_large_usd_per_month: float
    routed_usd_per_month: float
    saving: Estimate  # all-large minus routed; negative: routing costs more


class Bill(_Frozen):
    """The monthly bill in lines, per request and per user, against Phase 1's ceilings."""

    lines: tuple[BillLine, ...]
    requests: Estimate
    total: Estimate
    usd_per_month: float
    one_off_usd: float
    usd_per_request: float
    usd_per_user_month: float
    within_request_ceiling: bool  # the price is below the ceiling and the setup carries the load
    within_user_ceiling: bool
    over_request_ceiling: bool  # the price alone is above the ceiling, whatever the setup's state
    over_user_ceiling: bool
    state: State  # not ok: the bill prices a setup that cannot carry the load
    verdicts: tuple[str, str]  # per request, per user
    routing: Routing | None = None
    by_class: tuple[ClassCost, ...] = ()  # the same design hosted, self-hosted and routed

    @property
    def estimates(self) -> tuple[Estimate, ...]:
        """Every estimate behind the bill: the requests, each line, routing, the total."""
        saving = (self.routing.saving,) if self.routing else ()
        return (self.requests, *(line.estimate for line in self.lines), *saving, self.total)

    def line(self, line_id: LineId) -> BillLine | None:
        """Return the line called `line_id`, or None when the design has no such cost."""
        return next((line for line in self.lines if line.id == line_id), None)


class Check(_Frozen):
    """One verdict: a figure against its budget, ceiling or the load, and where it shows."""

    id: CheckId
    ok: bool
    text: str
    node: str | None = None  # the diagram node the verdict belongs to
    estimate: Estimate | None = None
    figure: float | None = None  # the number checked; None when a state stops it existing


class Figures(_Frozen):
    """Every number of a design: what the rubric reviews and every page shows."""

    timeline: Timeline
    capacity: Capacity | None  # None: every model is hosted
    bill: Bill
    retrieval: RetrievalReport | None  # None: the technique has no RAG
    checks: tuple[Check, ...]

    def check(self, check_id: CheckId) -> Check | None:
        """Return the (first) verdict called `check_id`, or None when it does not apply."""
        return next((c for c in self.checks if c.id == check_id), None)

    def broken(self, check_id: CheckId) -> tuple[Check, ...]:
        """Return every verdict called `check_id` whose figure exists and breaks its budget."""
        return tuple(
            c for c in self.checks if c.id == check_id and not c.ok and c.figure is not None
        )
