"""The numbers on the whiteboard: each node's estimates, request edges' latency, and flags.

Pure: a design and its catalog in, strings out. `build_graph` puts the lines under the nodes
(and the flags on them) after it has drawn the structure, so the structure can be tested alone.
Flags are `Finding`s: a node id, a severity (error: an estimate breaks a Phase 1 budget;
warning: no constraint justifies the component) and a short reason.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from diagrams.nodes import SEP, Finding, own_id, served_node
from playbook.catalog import Catalog, find
from playbook.design import Design, Rung
from playbook.estimates.base import GIB
from playbook.estimates.cost import cost_report, hosted_usd_per_request, routing_saving
from playbook.estimates.retrieval import RetrievalReport, retrieval_report
from playbook.estimates.serving import ServingReport, operating_point, serving_report
from playbook.labels import RUNGS, compact_number
from playbook.ladder import check_technique

__all__ = ["Annotations", "annotate", "duration", "usd"]

# The node a rung above the ladder's recommendation shows up on (prompting has none).
RUNG_NODES = {"rag": "retriever", "lora": "trainer", "continued_pretraining": "trainer"}


class Annotations(BaseModel):
    """Estimate lines per node, text for the request edges leaving a node, and findings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    numbers: dict[str, tuple[str, ...]]
    edge_labels: dict[str, str]  # node id -> added to the labels of request edges leaving it
    findings: tuple[Finding, ...]


def annotate(design: Design, catalog: Catalog) -> Annotations:
    """Return the estimates to show on each node and edge of `design`, and what to flag."""
    numbers: dict[str, list[str]] = {}
    edges: dict[str, str] = {}
    findings: list[Finding] = []
    c = design.constraints
    numbers["gateway"] = [f"peak {c.peak_qps:g} QPS{SEP}{c.concurrent_users:,} users"]
    before_model_ms = 0.0
    if design.uses_rag:
        report = retrieval_report(design, catalog)
        before_model_ms = _retrieval(design, report, numbers, edges)
    first_token_ms = _serving(design, catalog, before_model_ms, numbers, edges, findings)
    _response(design, before_model_ms, first_token_ms, numbers, findings)
    _cost(design, catalog, numbers, findings)
    findings += _unjustified(design)
    return Annotations(
        numbers={node: tuple(lines) for node, lines in numbers.items()},
        edge_labels=edges,
        findings=tuple(findings),
    )


def _retrieval(
    design: Design, report: RetrievalReport, numbers: dict[str, list[str]], edges: dict[str, str]
) -> float:
    # Returns the milliseconds retrieval (and reranking) spend before the model starts.
    c, r = design.constraints, design.retrieval
    tokens = c.corpus_documents * c.avg_document_tokens
    numbers["documents"] = [f"{compact_number(tokens)} tokens"]
    numbers["chunker"] = [report.chunks.shown()]
    numbers["embedder"] = [f"{report.embedding_storage.shown()} of vectors"]
    vectors = compact_number(report.chunks.value)
    numbers["vector_index"] = [f"{vectors} vectors{SEP}{report.index_memory.shown()}"]
    search = report.query_latency.value
    numbers["retriever"] = [f"search ≈ {duration(search)}"]
    edges["retriever"] = f"search {duration(search)}"
    if report.rerank_latency is None:
        return search
    rerank = report.rerank_latency.value
    numbers["reranker"] = [f"≈ {duration(rerank)} for {r.top_k} pairs"]
    edges["reranker"] = f"rerank {duration(rerank)}"
    return search + rerank


def _serving(
    design: Design,
    catalog: Catalog,
    before_model_ms: float,
    numbers: dict[str, list[str]],
    edges: dict[str, str],
    findings: list[Finding],
) -> float | None:
    # Returns the first-token time of the whole path when the model's TTFT is estimated.
    node = served_node(design, catalog)
    report = serving_report(design, catalog)
    if node is None or report is None:
        return None
    fit = report.fit
    if not fit.fits:
        findings.append(Finding(node, "error", _no_fit_reason(report)))
        return None
    seqs = min(int(fit.max_concurrency.value), report.setup.max_num_seqs)
    numbers[node] = [f"{seqs:,} seqs per replica"]
    point = operating_point(report.setup, load=report.load)
    if point.overloaded:
        edges[node] = "overloaded at peak"
        findings.append(Finding(node, "error", _overload_reason(design, report)))
        return None
    ttft_ms, itl_ms = point.ttft_s * 1e3, point.itl_s * 1e3
    edges[node] = f"TTFT {duration(ttft_ms)}{SEP}ITL {duration(itl_ms)}"
    findings += _latency_findings(design, node, ttft_ms, itl_ms, before_model_ms)
    return before_model_ms + ttft_ms


def _no_fit_reason(report: ServingReport) -> str:
    setup = report.setup
    budget = setup.gpu_memory_utilization * setup.gpu.memory_bytes / GIB
    weights = report.fit.weights_per_gpu.value
    if weights >= budget:
        return f"does not fit: {weights:,.0f} GiB weights per GPU, {budget:,.0f} GiB usable"
    return f"does not fit: no room for one {setup.context_tokens:,}-token sequence"


def _overload_reason(design: Design, report: ServingReport) -> str:
    qps = report.load.qps or 0.0
    return f"overloaded: {design.serving.replicas} replica(s) cannot carry {qps:g} QPS"


def _latency_findings(
    design: Design, node: str, ttft_ms: float, itl_ms: float, before_model_ms: float
) -> list[Finding]:
    c = design.constraints
    found = []
    if ttft_ms > c.ttft_ms:
        found.append(Finding(node, "error", f"TTFT {duration(ttft_ms)} > {c.ttft_ms} ms budget"))
    elif ttft_ms + before_model_ms > c.ttft_ms:
        total = duration(ttft_ms + before_model_ms)
        found.append(Finding(node, "error", f"retrieval + TTFT {total} > {c.ttft_ms} ms budget"))
    if itl_ms > c.itl_ms:
        found.append(Finding(node, "error", f"ITL {duration(itl_ms)} > {c.itl_ms} ms budget"))
    return found


def _response(
    design: Design,
    before_model_ms: float,
    first_token_ms: float | None,
    numbers: dict[str, list[str]],
    findings: list[Finding],
) -> None:
    c = design.constraints
    lines = [f"budget: TTFT {c.ttft_ms:,} ms{SEP}ITL {c.itl_ms:,} ms"]
    if first_token_ms is not None:
        lines.append(f"first token ≈ {duration(first_token_ms)}")
    elif before_model_ms > 0:
        lines.append(f"retrieval ≈ {duration(before_model_ms)} + model")
    numbers["response"] = lines
    if before_model_ms > c.ttft_ms:
        # Retrieval alone spends the whole budget: the reranker (or the search) is the culprit.
        node = "reranker" if design.retrieval.reranker else "retriever"
        reason = f"retrieval {duration(before_model_ms)} > {c.ttft_ms} ms TTFT budget"
        findings.append(Finding(node, "error", reason))


def _cost(
    design: Design, catalog: Catalog, numbers: dict[str, list[str]], findings: list[Finding]
) -> None:
    c = design.constraints
    report = cost_report(design, catalog)
    node = served_node(design, catalog) or "llm"
    if design.model.kind == "routing":
        node = "router"
        numbers.setdefault("large_llm", []).append(_large_price(design, catalog))
        saving = routing_saving(design, catalog)
        if saving is not None and math.isfinite(saving.value):
            verb = "saves" if saving.value >= 0 else "costs"
            numbers.setdefault("router", []).append(f"{verb} {usd(abs(saving.value))}/month")
    per_request = f"{usd(report.usd_per_request)}/request"
    numbers.setdefault(node, []).append(f"{per_request}{SEP}{usd(report.usd_per_month)}/month")
    if not report.within_request_ceiling:
        ceiling = usd(c.cost_per_request_usd)
        findings.append(Finding(node, "error", f"{per_request} > {ceiling} ceiling"))
    if not report.within_user_ceiling:
        per_user = f"{usd(report.usd_per_user_month)}/user/month"
        ceiling = usd(c.cost_per_user_month_usd)
        findings.append(Finding(node, "error", f"{per_user} > {ceiling} ceiling"))


def _large_price(design: Design, catalog: Catalog) -> str:
    c, large = design.constraints, design.model.large_model
    share = f"{100 - design.model.small_share_pct}% of traffic"
    if large not in {model.id for model in catalog.hosted_models}:
        return share
    hosted = find(catalog.hosted_models, large, what="hosted model")
    price = hosted_usd_per_request(
        hosted, prompt_tokens=c.avg_prompt_tokens, output_tokens=c.avg_output_tokens
    )
    return f"{usd(price.value)}/request{SEP}{share}"


def _unjustified(design: Design) -> list[Finding]:
    findings = [
        Finding(node, "warning", f"above the ladder's pick ({_rungs(f.recommended)}), no reason")
        for f in check_technique(design)
        if f.kind == "unjustified_rung" and (node := RUNG_NODES.get(f.rung))
    ]
    findings += [
        Finding(own_id(component.id), "warning", "no constraint stated for it")
        for component in design.components
        if not component.justification.strip()
    ]
    return findings


def _rungs(rungs: tuple[Rung, ...]) -> str:
    return " + ".join(RUNGS[rung].split(" (")[0] for rung in rungs)


def duration(ms: float) -> str:
    """Return milliseconds as a short duration: '0.05 ms', '618 ms', '1.2 s', 'unbounded'."""
    if not math.isfinite(ms):
        return "unbounded"
    if ms >= 1_000:
        return f"{ms / 1e3:.2g} s" if ms < 10_000 else f"{ms / 1e3:,.0f} s"
    return f"{ms:.2g} ms" if ms < 10 else f"{ms:,.0f} ms"


def usd(value: float) -> str:
    """Return dollars as a short amount: '$0.0067', '$29.13', '$5.83k'."""
    if not math.isfinite(value):
        return "unbounded"
    if value >= 1_000:
        return f"${compact_number(value)}"
    if value >= 1:
        return f"${value:,.0f}" if value == round(value) else f"${value:,.2f}"
    if value <= 0:
        return "$0"
    # Two significant digits in plain notation: $0.0067, $0.000074 (never 7.4e-05).
    decimals = max(2, 1 - math.floor(math.log10(value)))
    shown = f"{value:.{decimals}f}".rstrip("0")
    return f"${shown}" if len(shown.split(".")[1]) >= 2 else f"${value:.2f}"
