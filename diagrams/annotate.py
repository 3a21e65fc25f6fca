"""The numbers on the whiteboard: each node's estimates, request edges' latency, and flags.

Pure: a design and its analysis in, strings out. Every figure comes from the design's one
analysis (`playbook.analysis`), so the diagram shows the numbers the pages show. `build_graph`
puts the lines under the nodes (and the flags on them) after it has drawn the structure, so the
structure can be tested alone. Flags are `Finding`s: a node id, a severity (error: an estimate
breaks a Phase 1 budget; warning: no constraint justifies the component) and a short reason.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from diagrams.nodes import SEP, Finding, own_id, served_node
from playbook.analysis import Figures, figures
from playbook.catalog import Catalog, find, ids
from playbook.design import Design, Rung
from playbook.format import count, duration, money
from playbook.labels import RUNGS
from playbook.ladder import check_technique

__all__ = ["Annotations", "annotate", "duration", "usd"]

# The node a rung above the ladder's recommendation shows up on (prompting has none).
RUNG_NODES = {"rag": "retriever", "lora": "trainer", "continued_pretraining": "trainer"}


def usd(value: float) -> str:
    """Return dollars as the app prints them everywhere ('$0.0067', '$29.13', '$5.8k')."""
    return money(value)


class Annotations(BaseModel):
    """Estimate lines per node, text for the request edges leaving a node, and findings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    numbers: dict[str, tuple[str, ...]]
    edge_labels: dict[str, str]  # node id -> added to the labels of request edges leaving it
    findings: tuple[Finding, ...]


def annotate(design: Design, catalog: Catalog, analysis: Figures | None = None) -> Annotations:
    """Return the estimates to show on each node and edge of `design`, and what to flag."""
    found = analysis or figures(design, catalog, by_class=False)
    numbers: dict[str, list[str]] = {}
    edges: dict[str, str] = {}
    findings: list[Finding] = []
    c = design.constraints
    numbers["gateway"] = [f"peak {count(c.peak_qps)} QPS{SEP}{count(c.concurrent_users)} users"]
    if found.retrieval is not None:
        _retrieval(design, found, numbers, edges)
    _serving(design, catalog, found, numbers, edges, findings)
    _response(design, found, numbers, findings)
    _cost(design, catalog, found, numbers, findings)
    for hosted in found.timeline.hosted:  # a published median and its date, or "assumed"
        numbers.setdefault(hosted.node, []).append(hosted.short())
    findings += _unjustified(design)
    return Annotations(
        numbers={node: tuple(lines) for node, lines in numbers.items()},
        edge_labels=edges,
        findings=tuple(findings),
    )


def _retrieval(
    design: Design, found: Figures, numbers: dict[str, list[str]], edges: dict[str, str]
) -> None:
    c, r, report = design.constraints, design.retrieval, found.retrieval
    assert report is not None  # the caller checked
    numbers["documents"] = [f"{count(c.corpus_documents * c.avg_document_tokens)} tokens"]
    numbers["chunker"] = [report.chunks.shown()]
    numbers["embedder"] = [f"{report.embedding_storage.shown()} of vectors"]
    vectors = count(report.chunks.value)
    numbers["vector_index"] = [f"{vectors} vectors{SEP}{report.index_memory.shown()}"]
    timeline = found.timeline
    search = timeline.step("ann_search")
    if search is not None:
        numbers["retriever"] = [f"search ≈ {duration(search.ms)}"]
        edges["retriever"] = f"search {duration(search.ms)}"
    rerank = timeline.step("rerank")
    if rerank is not None:
        numbers["reranker"] = [f"≈ {duration(rerank.ms)} for {r.top_k} pairs"]
        edges["reranker"] = f"rerank {duration(rerank.ms)}"


def _serving(
    design: Design,
    catalog: Catalog,
    found: Figures,
    numbers: dict[str, list[str]],
    edges: dict[str, str],
    findings: list[Finding],
) -> None:
    c, timeline = design.constraints, found.timeline
    node = served_node(design, catalog) or "llm"
    capacity = found.capacity
    if capacity is not None:
        if not capacity.report.fit.fits:
            findings.append(Finding(node, "error", capacity.state.reason))
            return
        seqs = min(
            int(capacity.report.fit.max_concurrency.value), capacity.report.setup.max_num_seqs
        )
        numbers[node] = [f"{count(seqs)} seqs per replica"]
        if capacity.state.kind == "overloaded":
            edges[node] = "overloaded at peak"
            findings.append(Finding(node, "error", capacity.state.reason))
            return
    model_ttft, itl = timeline.model_ttft_ms, timeline.itl_ms
    edges[node] = f"TTFT {duration(model_ttft)}{SEP}ITL {duration(itl)}"
    if timeline.large is not None and timeline.large.model_ttft_ms is not None:
        large = timeline.large
        edges["large_llm"] = (
            f"TTFT {duration(large.model_ttft_ms)}{SEP}ITL {duration(large.itl_ms)}"
        )
    for check in found.broken("ttft"):
        reason = f"first token {duration(check.figure)} > {c.ttft_ms:,} ms budget"
        findings.append(Finding(check.node or node, "error", reason))
    for check in found.broken("itl"):
        reason = f"ITL {duration(check.figure)} > {c.itl_ms:,} ms budget"
        findings.append(Finding(check.node or node, "error", reason))


def _response(
    design: Design, found: Figures, numbers: dict[str, list[str]], findings: list[Finding]
) -> None:
    c, timeline = design.constraints, found.timeline
    lines = [f"budget: TTFT {c.ttft_ms:,} ms{SEP}ITL {c.itl_ms:,} ms"]
    if timeline.ttft_ms is not None:
        lines.append(f"first token ≈ {duration(timeline.ttft_ms)}")
        if timeline.total_ms is not None:
            lines.append(f"whole answer ≈ {duration(timeline.total_ms)}")
    elif timeline.before_model_ms > 0:
        lines.append(f"before the model ≈ {duration(timeline.before_model_ms)}")
        lines.append(timeline.state.reason)
    numbers["response"] = lines
    if design.uses_rag and timeline.before_model_ms > c.ttft_ms:
        # Retrieval alone spends the whole budget: the reranker (or the search) is the culprit.
        node = "reranker" if design.retrieval.reranker else "retriever"
        reason = f"before the model {duration(timeline.before_model_ms)} > {c.ttft_ms} ms budget"
        findings.append(Finding(node, "error", reason))


def _cost(
    design: Design,
    catalog: Catalog,
    found: Figures,
    numbers: dict[str, list[str]],
    findings: list[Finding],
) -> None:
    c, bill = design.constraints, found.bill
    node = served_node(design, catalog) or "llm"
    if design.model.kind == "routing":
        node = "router"
        numbers.setdefault("large_llm", []).append(_large_price(design, catalog, found))
        if bill.routing is not None:
            saving = bill.routing.saving.value
            verb = "saves" if saving >= 0 else "costs"
            numbers.setdefault("router", []).append(f"{verb} {money(abs(saving))}/month")
    per_request = f"{money(bill.usd_per_request)}/request"
    numbers.setdefault(node, []).append(f"{per_request}{SEP}{money(bill.usd_per_month)}/month")
    if bill.over_request_ceiling:
        ceiling = money(c.cost_per_request_usd)
        findings.append(Finding(node, "error", f"{per_request} > {ceiling} ceiling"))
    if bill.over_user_ceiling:
        per_user = f"{money(bill.usd_per_user_month)}/user/month"
        ceiling = money(c.cost_per_user_month_usd)
        findings.append(Finding(node, "error", f"{per_user} > {ceiling} ceiling"))


def _large_price(design: Design, catalog: Catalog, found: Figures) -> str:
    share = f"{100 - design.model.small_share_pct}% of traffic"
    line = found.bill.line("large_model")
    if line is None:
        return share
    if design.model.large_model in ids(catalog.hosted_models):
        hosted = find(catalog.hosted_models, design.model.large_model)
        return f"{hosted.name}: {money(line.usd_per_month)}/month{SEP}{share}"
    return f"fleet {money(line.usd_per_month)}/month{SEP}{share}"


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
