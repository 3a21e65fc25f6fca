"""The request timeline: every stage from the gateway to the last token, with its estimate.

Stages before the model (gateway, guardrails, query embedding, ANN search beside BM25,
reranking) are rough operation counts or stated assumptions; the model's stages come from the
serving estimates (self-hosted) or from published measurements of the provider's API (hosted).
TTFT, ITL and the whole response are checked against Phase 1 in one place, `checks`.
"""

from __future__ import annotations

from typing import Final

from playbook.analysis.capacity import MODEL_TTFT, large_fleet
from playbook.analysis.figures import OK, Capacity, ModelPath, State, Step, StepId, Timeline
from playbook.catalog import Catalog, EmbeddingModel, HostedModel, find, ids, name_of
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import (
    DEFAULT_EMBEDDING_PARAMS,
    GPU_FLOPS,
    QUERY_TOKENS,
    RetrievalReport,
)
from playbook.estimates.serving import Load, operating_point, sequences_that_fit

GATEWAY_MS: Final = 5.0  # assumption: authentication, rate limiting and routing in process
GUARDRAIL_MS: Final = 30.0  # assumption: one pass of a small safety classifier on a GPU
HOSTED_EMBEDDING_MS: Final = 100.0  # assumption: one HTTPS round trip to an embedding API
EMBEDDING_OVERHEAD_MS: Final = 2.0  # assumption: tokenising and launching one small batch
BM25_BASE_MS: Final = 1.0  # assumption: a Lucene-class inverted index in memory ...
BM25_MS_PER_M_CHUNKS: Final = 5.0  # ... scanning posting lists that grow with the corpus
# Used for a hosted model whose catalog entry has no published latency (stated on the step).
DEFAULT_HOSTED_TTFT_MS: Final = 500.0
DEFAULT_HOSTED_TOKENS_PER_S: Final = 80.0
HOSTED_DEFAULT_NOTE: Final = (
    "no published latency in the catalog for this model: 500 ms to the first token and 80 "
    "output tokens/s assumed (typical of hosted frontier models in 2024)"
)


def prompt_tokens(design: Design) -> Estimate:
    """Return the prompt the model reads: Phase 1's prompt, or the retrieved chunks if larger."""
    phase1 = design.constraints.avg_prompt_tokens
    if not design.uses_rag:
        return Estimate(
            name="Prompt tokens the model reads",
            value=float(phase1),
            unit="tokens",
            formula="Phase 1's average prompt",
            worked=f"{phase1:,}",
        )
    r = design.retrieval
    kept = r.rerank_top_n if r.reranker else r.top_k
    chunks = kept * r.chunk_tokens + QUERY_TOKENS
    value = max(phase1, chunks)
    return Estimate(
        name="Prompt tokens the model reads",
        value=float(value),
        unit="tokens",
        formula="max(Phase 1's average prompt, chunks kept × chunk tokens + question tokens)",
        worked=f"max({phase1:,}, {kept} × {r.chunk_tokens:,} + {QUERY_TOKENS}) = {value:,}",
        assumptions=(
            "Phase 1's prompt is taken to include the retrieved chunks; when the chunks alone "
            "are longer, the model reads the chunks plus the question",
            f"chunks kept: {'rerank_top_n' if r.reranker else 'top_k'} = {kept}",
        ),
    )


def served_design(design: Design, prompt: Estimate) -> Design:
    """Return `design` with the prompt the model really reads, for serving and cost."""
    constraints = design.constraints.model_copy(update={"avg_prompt_tokens": int(prompt.value)})
    return design.model_copy(update={"constraints": constraints})


def _fixed(step_id: StepId, name: str, node: str, ms: float, why: str) -> Step:
    estimate = Estimate(
        name=name, value=ms, unit="ms", formula="a stated assumption", assumptions=(why,)
    )
    return Step(id=step_id, name=name, node=node, ms=ms, before_first_token=True, estimate=estimate)


def screens_input(design: Design) -> bool:
    """Whether input guardrails sit on the path (guardrails chosen, or untrusted documents)."""
    untrusted = design.uses_rag and design.retrieval.untrusted_documents
    return guards_output(design) or untrusted


def guards_output(design: Design) -> bool:
    """Whether any failure mode is mitigated by input/output guardrails."""
    return "input_output_guardrails" in design.evaluation.mitigations.values()


def _query_embedding(model: EmbeddingModel) -> Step:
    if model.usd_per_1m_tokens is not None:
        return _fixed(
            "query_embedding", "Query embedding", "retriever", HOSTED_EMBEDDING_MS,
            f"{model.name} is an API: one round trip of about {HOSTED_EMBEDDING_MS:g} ms",
        )  # fmt: skip
    params = model.params or DEFAULT_EMBEDDING_PARAMS
    compute_ms = QUERY_TOKENS * 2 * params / GPU_FLOPS * 1e3
    ms = compute_ms + EMBEDDING_OVERHEAD_MS
    estimate = Estimate(
        name="Query embedding",
        value=ms,
        unit="ms",
        formula="question tokens × 2 × parameters ÷ GPU FLOP/s + overhead",
        worked=f"{QUERY_TOKENS} × 2 × {params / 1e6:,.0f}M ÷ {GPU_FLOPS / 1e12:g} TFLOP/s + "
        f"{EMBEDDING_OVERHEAD_MS:g} ms = {ms:.2f} ms",
        assumptions=(f"a question of {QUERY_TOKENS} tokens on a self-hosted {model.name}",),
        sources=(model.source, "Kaplan et al. 2020, arXiv:2001.08361 eq. 2.2"),
    )
    return Step(
        id="query_embedding", name="Query embedding", node="retriever", ms=ms,
        before_first_token=True, estimate=estimate,
    )  # fmt: skip


def _bm25(chunks: float) -> Step:
    ms = BM25_BASE_MS + BM25_MS_PER_M_CHUNKS * chunks / 1e6
    estimate = Estimate(
        name="BM25 keyword search",
        value=ms,
        unit="ms",
        formula="base + ms per million chunks × chunks ÷ 1M",
        worked=f"{BM25_BASE_MS:g} + {BM25_MS_PER_M_CHUNKS:g} × {chunks:,.0f} ÷ 1e6 = {ms:.2f} ms",
        assumptions=(
            "an in-memory inverted index (Lucene-class); rough, runs beside the vector search",
        ),
    )
    return Step(
        id="bm25", name="BM25 keyword search", node="retriever", ms=ms,
        before_first_token=True, parallel_with="ann_search", estimate=estimate,
    )  # fmt: skip


def before_model(design: Design, catalog: Catalog, retrieval: RetrievalReport | None) -> list[Step]:
    """Return the stages a request passes before the model reads its prompt."""
    steps = [_fixed("gateway", "Gateway", "gateway", GATEWAY_MS, "auth, rate limits and routing")]
    if screens_input(design):
        steps.append(
            _fixed(
                "input_guardrails",
                "Input guardrails",
                "input_guard",
                GUARDRAIL_MS,
                "one pass of a small safety classifier over the prompt",
            )
        )
    if retrieval is None:
        return steps
    model = find(catalog.embedding_models, design.retrieval.embedding_model)
    steps.append(_query_embedding(model))
    search = retrieval.query_latency
    steps.append(
        Step(
            id="ann_search",
            name="ANN search",
            node="retriever",
            ms=search.value,
            before_first_token=True,
            estimate=search,
        )
    )
    if design.retrieval.bm25_hybrid:
        steps.append(_bm25(retrieval.chunks.value))
    if retrieval.rerank_latency is not None:
        rerank = retrieval.rerank_latency
        steps.append(
            Step(
                id="rerank",
                name="Reranking",
                node="reranker",
                ms=rerank.value,
                before_first_token=True,
                estimate=rerank,
            )
        )
    return steps


def elapsed_ms(steps: list[Step]) -> float:
    """Return the time the steps take in sequence; a parallel pair counts as the slower one."""
    by_id = {step.id: step for step in steps}
    total = 0.0
    for step in steps:
        if step.ms is None:
            continue
        partner = by_id.get(step.parallel_with) if step.parallel_with else None
        if partner is not None and partner.ms is not None:
            total += max(0.0, step.ms - partner.ms)  # only what it adds beyond its partner
        else:
            total += step.ms
    return total


def _decode(node: str, itl_ms: float | None, output: int, source: Estimate | None) -> Step:
    if itl_ms is None:
        return Step(id="decode", name="Decode", node=node, ms=None, before_first_token=False)
    ms = (output - 1) * itl_ms
    estimate = Estimate(
        name="Decode of the answer",
        value=ms,
        unit="ms",
        formula="(output tokens - 1) × ITL",
        worked=f"({output:,} - 1) × {itl_ms:,.2f} ms = {ms:,.0f} ms",
        sources=source.sources if source else (),
    )
    return Step(
        id="decode", name="Decode", node=node, ms=ms, before_first_token=False, estimate=estimate
    )


def _hosted_steps(
    design: Design, catalog: Catalog, model_id: str | None = None
) -> tuple[list[Step], float, float]:
    hosted: HostedModel = find(catalog.hosted_models, model_id or design.model.hosted_model)
    ttft = hosted.ttft_ms or DEFAULT_HOSTED_TTFT_MS
    speed = hosted.output_tokens_per_s or DEFAULT_HOSTED_TOKENS_PER_S
    measured = hosted.ttft_ms is not None and hosted.output_tokens_per_s is not None
    source = (
        (f"{hosted.latency_source} (as of {hosted.latency_as_of})",)
        if hosted.latency_source
        else ()
    )
    note = (
        "median of the provider's API with ~1,000-token prompts; longer prompts and busy hours "
        "take longer (not modelled)"
        if measured
        else HOSTED_DEFAULT_NOTE
    )
    first = Estimate(
        name=f"{hosted.name} time to first token",
        value=ttft,
        unit="ms",
        formula="published median time to first token",
        worked=f"{ttft:,.0f} ms",
        assumptions=(note,),
        sources=source,
    )
    itl = 1e3 / speed
    step = Step(
        id="hosted_first_token", name=f"{hosted.name} first token", node="llm", ms=ttft,
        before_first_token=True, estimate=first,
    )  # fmt: skip
    decode = _decode("llm", itl, design.constraints.avg_output_tokens, first)
    itl_note = f"ITL = 1,000 ÷ {speed:g} published output tokens/s = {itl:.1f} ms"
    if decode.estimate is not None:
        decode = decode.model_copy(
            update={
                "estimate": decode.estimate.model_copy(
                    update={"assumptions": (itl_note, note), "sources": source}
                )
            }
        )
    return [step, decode], ttft, itl


def _served_steps(
    design: Design, node: str, capacity: Capacity
) -> tuple[list[Step], float | None, float | None]:
    report, point = capacity.report, capacity.point
    if not report.fit.fits:
        return [
            Step(id="prefill", name="Prefill", node=node, ms=None, before_first_token=True),
            _decode(node, None, design.constraints.avg_output_tokens, None),
        ], None, None  # fmt: skip
    model_ttft = next((e for e in capacity.estimates if e.name == MODEL_TTFT), None)
    prefill = next((e for e in report.estimates if e.name.startswith("Prefill")), None)
    wait_ms = None if point.overloaded else (point.ttft_s - point.prefill_s) * 1e3
    queue_estimate = (
        Estimate(
            name="Queue and waits",
            value=wait_ms,
            unit="ms",
            formula="request overhead + wait for a free slot + wait for earlier prefills "
            "(M/D/1) + half a decode step",
            worked=f"{point.ttft_s * 1e3:,.1f} ms first token - {point.prefill_s * 1e3:,.1f} ms "
            f"prefill = {wait_ms:,.1f} ms",
            assumptions=model_ttft.assumptions[:2] if model_ttft else (),
            sources=model_ttft.sources if model_ttft else (),
        )
        if wait_ms is not None
        else None
    )
    prefill_ms = point.prefill_s * 1e3
    itl_ms = point.itl_s * 1e3
    steps = [
        Step(id="queue", name="Queue", node=node, ms=wait_ms, before_first_token=True,
             estimate=queue_estimate),
        Step(id="prefill", name="Prefill", node=node, ms=prefill_ms, before_first_token=True,
             estimate=prefill.model_copy(update={"value": prefill_ms}) if prefill else None),
        _decode(node, itl_ms, design.constraints.avg_output_tokens, model_ttft),
    ]  # fmt: skip
    model = None if wait_ms is None else wait_ms + prefill_ms
    return steps, model, itl_ms


def _path(design: Design, catalog: Catalog) -> tuple[str, str]:
    m = design.model
    if m.kind == "hosted":
        return f"hosted {name_of(catalog.hosted_models, m.hosted_model)}", "llm"
    if m.kind == "self_hosted":
        return f"self-hosted {name_of(catalog.open_models, m.open_model)}", "llm"
    large = name_of(catalog.hosted_models + catalog.open_models, m.large_model)
    hosted = " (hosted)" if m.large_model in ids(catalog.hosted_models) else ""
    return (
        f"the small model, self-hosted {name_of(catalog.open_models, m.small_model)}, which "
        f"answers {m.small_share_pct}% of requests (the large model, {large}{hosted}, answers "
        "the rest)",
        "small_llm",
    )


def timeline(
    design: Design,
    catalog: Catalog,
    *,
    before: list[Step],
    capacity: Capacity | None,
    prompt: Estimate,
) -> Timeline:
    """Return the request timeline: `before` the model, then the model's own stages."""
    path, node = _path(design, catalog)
    model_ttft: float | None
    itl: float | None
    if capacity is None:
        model_steps, model_ttft, itl = _hosted_steps(design, catalog)
        state: State = OK
    else:
        served, served_ttft, served_itl = _served_steps(design, node, capacity)
        model_steps, model_ttft, itl, state = served, served_ttft, served_itl, capacity.state
    steps = [*before, *model_steps]
    if guards_output(design):
        steps.append(
            _fixed(
                "output_guardrails", "Output guardrails", "output_guard", GUARDRAIL_MS,
                "one pass of a small safety classifier over the answer",
            ).model_copy(update={"before_first_token": False})
        )  # fmt: skip
    before_ms = elapsed_ms(before)
    ttft = None if model_ttft is None else before_ms + model_ttft
    after = [s for s in steps if not s.before_first_token]
    total = None if ttft is None or any(s.ms is None for s in after) else ttft + elapsed_ms(after)
    large = _large_path(design, catalog, capacity, before_ms, after)
    return Timeline(
        large=large,
        path=path,
        model_node=node,
        steps=tuple(steps),
        state=state,
        prompt_tokens=prompt,
        before_model_ms=before_ms,
        model_ttft_ms=model_ttft,
        ttft_ms=ttft,
        itl_ms=itl,
        total_ms=total,
    )


def _large_path(
    design: Design,
    catalog: Catalog,
    capacity: Capacity | None,
    before_ms: float,
    after: list[Step],
) -> ModelPath | None:
    """Return the path of the requests a routed design sends to its large model."""
    m = design.model
    if m.kind != "routing" or capacity is None or m.small_share_pct == 100:
        return None
    share = 100 - m.small_share_pct
    guard = sum(s.ms or 0.0 for s in after if s.id == "output_guardrails")
    output = design.constraints.avg_output_tokens
    if m.large_model in ids(catalog.hosted_models):
        steps, ttft, itl = _hosted_steps(design, catalog, m.large_model)
        name = f"the large model, {name_of(catalog.hosted_models, m.large_model)} (hosted), "
        return ModelPath(
            name=f"{name}{share}% of requests", node="large_llm", state=OK,
            model_ttft_ms=ttft, itl_ms=itl, ttft_ms=before_ms + ttft,
            total_ms=before_ms + ttft + (output - 1) * itl + guard,
            first_token=steps[0].estimate,
        )  # fmt: skip
    qps = design.constraints.peak_qps * share / 100
    _, sized = large_fleet(design, catalog, capacity, qps)
    name = (
        f"the large model, self-hosted {sized.model.name} on {sized.replicas} × "
        f"{sized.tensor_parallel}× {sized.gpu.name}, {share}% of requests"
    )
    if not sequences_that_fit(sized):
        state = State(kind="does_not_fit", reason=f"does not fit: {sized.model.name} on "
                      f"{sized.tensor_parallel}× {sized.gpu.name}")  # fmt: skip
        return ModelPath(name=name, node="large_llm", state=state, model_ttft_ms=None,
                         itl_ms=None, ttft_ms=None, total_ms=None)  # fmt: skip
    point = operating_point(sized, load=Load(qps=qps))
    itl_ms = point.itl_s * 1e3
    if point.overloaded:
        state = State(kind="overloaded", reason=f"overloaded: {qps:g} QPS on {sized.replicas} "
                      "replica(s) of the large model")  # fmt: skip
        return ModelPath(name=name, node="large_llm", state=state, model_ttft_ms=None,
                         itl_ms=itl_ms, ttft_ms=None, total_ms=None)  # fmt: skip
    model_ttft = point.ttft_s * 1e3
    return ModelPath(
        name=name, node="large_llm", state=OK, model_ttft_ms=model_ttft, itl_ms=itl_ms,
        ttft_ms=before_ms + model_ttft, total_ms=before_ms + model_ttft + (output - 1) * itl_ms
        + guard,
    )  # fmt: skip
