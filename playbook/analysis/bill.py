"""The monthly bill of a design in lines, per request and per user, against Phase 1's ceilings.

The price of each line is a function in `playbook.estimates.cost` with its formula; this module
decides which lines a design pays, prices a self-hosted large model's fleet in full, and
compares two whole bills when the design routes between a small and a large model.
"""

from __future__ import annotations

from playbook.analysis.capacity import large_fleet
from playbook.analysis.figures import OK, Bill, BillLine, Capacity, Routing, State
from playbook.catalog import Catalog, Gpu, HostedModel, find, ids
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.cost import (
    fine_tuning_usd,
    fleet_usd_per_month,
    gpu_pool_per_month,
    hosted_tokens_per_month,
    index_memory_per_month,
    ingestion_per_month,
    judge_per_month,
    monthly_requests,
    query_embeddings_per_month,
)
from playbook.estimates.retrieval import (
    DEFAULT_EMBEDDING_PARAMS,
    GPU_FLOPS,
    QUERY_TOKENS,
    RetrievalReport,
)
from playbook.format import money, plain

RETRIEVAL_GPU = "a10g"  # the 125-TFLOPS class GPU_FLOPS assumes, for embedder and reranker
TRAINING_GPU = "h100-sxm"  # for hosted designs, whose own GPU is not chosen
JUDGE_MODEL = "gpt-4o-mini"


def _gpu(catalog: Catalog, preferred: str) -> Gpu:
    """Return the GPU `preferred`, or the catalog's cheapest when it is not listed."""
    if preferred in ids(catalog.gpus):
        return find(catalog.gpus, preferred)
    return min(catalog.gpus, key=lambda gpu: gpu.usd_per_hour)


def _judge(catalog: Catalog) -> HostedModel:
    if JUDGE_MODEL in ids(catalog.hosted_models):
        return find(catalog.hosted_models, JUDGE_MODEL)
    return min(catalog.hosted_models, key=lambda h: h.usd_per_1m_output)


def _line(line_id: str, estimate: Estimate, one_off: float = 0.0) -> BillLine:
    return BillLine.model_validate(
        {
            "id": line_id,
            "name": estimate.name,
            "usd_per_month": estimate.value,
            "one_off_usd": one_off,
            "estimate": estimate,
        }
    )


def _large(
    design: Design,
    catalog: Catalog,
    capacity: Capacity,
    *,
    requests: float,
    share: float,
    prompt: int,
) -> Estimate:
    """Return the large model's monthly bill when it answers `share` of the traffic."""
    large = design.model.large_model
    output = design.constraints.avg_output_tokens
    if large in ids(catalog.hosted_models):
        hosted = find(catalog.hosted_models, large)
        return hosted_tokens_per_month(
            hosted, requests=requests * share, prompt_tokens=prompt, output_tokens=output
        )
    return large_fleet(design, catalog, capacity, design.constraints.peak_qps * share)[0]


def _model_lines(
    design: Design, catalog: Catalog, capacity: Capacity | None, requests: float, prompt: int
) -> list[BillLine]:
    output = design.constraints.avg_output_tokens
    if capacity is None:
        hosted = find(catalog.hosted_models, design.model.hosted_model)
        tokens = hosted_tokens_per_month(
            hosted, requests=requests, prompt_tokens=prompt, output_tokens=output
        )
        return [_line("llm_tokens", tokens)]
    fleet = fleet_usd_per_month(capacity.report.setup)
    lines = [_line("gpu_fleet", fleet)]
    share = 1 - design.model.small_share_pct / 100
    if design.model.kind == "routing" and share > 0:
        large = _large(design, catalog, capacity, requests=requests, share=share, prompt=prompt)
        lines.append(_line("large_model", large))
    return lines


def _retrieval_lines(
    design: Design, catalog: Catalog, retrieval: RetrievalReport, requests: float
) -> list[BillLine]:
    model = find(catalog.embedding_models, design.retrieval.embedding_model)
    pool = _gpu(catalog, RETRIEVAL_GPU)
    peak = design.constraints.peak_qps
    lines = []
    if model.usd_per_1m_tokens is not None:
        query = query_embeddings_per_month(model, requests=requests, query_tokens=QUERY_TOKENS)
    else:
        params = model.params or DEFAULT_EMBEDDING_PARAMS
        seconds = QUERY_TOKENS * 2 * params / GPU_FLOPS
        query = gpu_pool_per_month(
            "Query embeddings", peak_qps=peak, gpu_seconds=seconds, gpu=pool,
            worked_seconds=f"({QUERY_TOKENS} tokens × 2 × {params / 1e6:,.0f}M ÷ "
            f"{GPU_FLOPS / 1e12:g} TFLOP/s = {plain(seconds, 2)} s)",
        )  # fmt: skip
    lines.append(_line("query_embeddings", query))
    hosted_pass = model.usd_per_1m_tokens is not None
    ingestion, one_off = ingestion_per_month(
        retrieval.embedding_cost, None if hosted_pass else pool
    )
    lines.append(_line("ingestion_embeddings", ingestion, one_off))
    if retrieval.rerank_latency is not None:
        seconds = retrieval.rerank_latency.value / 1e3
        rerank = gpu_pool_per_month(
            "Reranker GPUs", peak_qps=peak, gpu_seconds=seconds, gpu=pool,
            worked_seconds=f"{plain(seconds)} s",
        )  # fmt: skip
        lines.append(_line("reranker", rerank))
    lines.append(_line("vector_index", index_memory_per_month(retrieval.index_memory)))
    return lines


def _trained_model_id(design: Design) -> str:
    return design.model.small_model if design.model.kind == "routing" else design.model.open_model


def _side_lines(
    design: Design,
    catalog: Catalog,
    retrieval: RetrievalReport | None,
    requests: float,
    prompt: int,
) -> list[BillLine]:
    """Return the lines beside the model: retrieval, the judge, and training (one-off)."""
    lines = _retrieval_lines(design, catalog, retrieval, requests) if retrieval else []
    e = design.evaluation
    if e.llm_as_judge:
        judge = judge_per_month(
            _judge(catalog),
            requests=requests,
            golden_set=e.golden_set_size,
            prompt_tokens=prompt,
            output_tokens=design.constraints.avg_output_tokens,
        )
        lines.append(_line("llm_judge", judge))
    rungs = design.technique.rungs
    if "lora" in rungs or "continued_pretraining" in rungs:
        model = find(catalog.open_models, _trained_model_id(design))
        gpu = _gpu(catalog, design.serving.gpu if design.self_hosts else TRAINING_GPU)
        training = fine_tuning_usd(model, gpu, pretraining="continued_pretraining" in rungs)
        if design.model.kind == "hosted":
            note = f"the hosted model cannot be trained here: priced for {model.name} instead"
            training = training.model_copy(update={"assumptions": (*training.assumptions, note)})
        lines.append(
            BillLine(
                id="fine_tuning",
                name=training.name,
                usd_per_month=0.0,
                one_off_usd=training.value,
                estimate=training,
            )
        )
    return lines


def _routing(
    design: Design,
    catalog: Catalog,
    capacity: Capacity,
    *,
    requests: float,
    prompt: int,
    routed_model: float,
) -> Routing:
    """Return the whole bill of the large model alone against the routed design's."""
    all_large = _large(design, catalog, capacity, requests=requests, share=1.0, prompt=prompt)
    saving = all_large.value - routed_model
    return Routing(
        all_large_usd_per_month=all_large.value,
        routed_usd_per_month=routed_model,
        saving=Estimate(
            name="Routing saving per month",
            value=saving,
            unit="$",
            formula="large model alone (all traffic) - (small-model fleet + large model for "
            "its share); the lines beside the model are the same in both bills",
            worked=f"${all_large.value:,.2f} - ${routed_model:,.2f} = ${saving:,.2f}",
            assumptions=(
                "a self-hosted model's fleet is paid in full, sized for its share of the peak",
                "a negative saving means routing costs more than the large model alone",
                *all_large.assumptions,
            ),
            sources=all_large.sources,
        ),
    )


def _verdicts(design: Design, bill: tuple[float, float], state: State) -> tuple[str, str]:
    c = design.constraints
    per_request, per_user = bill
    caveat = "" if state.ok else f" for a setup that cannot carry it ({state.reason})"

    def word(value: float, ceiling: float) -> str:
        if value > ceiling:
            return "over"
        return "within" if state.ok else "not within"

    return (
        f"{money(per_request)} per request against a ceiling of "
        f"{money(c.cost_per_request_usd)}: {word(per_request, c.cost_per_request_usd)}{caveat}",
        f"{money(per_user)} per user per month against a ceiling of "
        f"{money(c.cost_per_user_month_usd)}: "
        f"{word(per_user, c.cost_per_user_month_usd)}{caveat}",
    )


def bill(
    design: Design,
    catalog: Catalog,
    *,
    capacity: Capacity | None,
    retrieval: RetrievalReport | None,
    prompt: int,
) -> Bill:
    """Return the design's monthly bill, line by line, against the Phase 1 ceilings."""
    c = design.constraints
    requests = monthly_requests(c)
    model_lines = _model_lines(design, catalog, capacity, requests.value, prompt)
    lines = (*model_lines, *_side_lines(design, catalog, retrieval, requests.value, prompt))
    total = sum(line.usd_per_month for line in lines)
    per_request, per_user = total / requests.value, total / c.monthly_active_users
    state = capacity.state if capacity else OK
    routing = (
        _routing(
            design,
            catalog,
            capacity,
            requests=requests.value,
            prompt=prompt,
            routed_model=sum(line.usd_per_month for line in model_lines),
        )
        if capacity is not None and design.model.kind == "routing"
        else None
    )
    return Bill(
        lines=lines,
        requests=requests,
        total=Estimate(
            name="Cost per month",
            value=total,
            unit="$",
            formula="the sum of the monthly lines (one-off costs apart)",
            worked=" + ".join(f"${line.usd_per_month:,.2f}" for line in lines)
            + f" = ${total:,.2f}; ÷ {requests.value:,.0f} requests = ${per_request:.5f} per "
            f"request; ÷ {c.monthly_active_users:,} monthly active users = ${per_user:,.4f} "
            "per user",
            assumptions=requests.assumptions,
        ),
        usd_per_month=total,
        one_off_usd=sum(line.one_off_usd for line in lines),
        usd_per_request=per_request,
        usd_per_user_month=per_user,
        within_request_ceiling=state.ok and per_request <= c.cost_per_request_usd,
        within_user_ceiling=state.ok and per_user <= c.cost_per_user_month_usd,
        over_request_ceiling=per_request > c.cost_per_request_usd,
        over_user_ceiling=per_user > c.cost_per_user_month_usd,
        state=state,
        verdicts=_verdicts(design, (per_request, per_user), state),
        routing=routing,
    )
