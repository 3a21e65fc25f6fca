"""A Markdown design report: the phases' decisions and notes, the key numbers, the diagram.

Row names are the fields' labels from `playbook.design`. Every string that is not our own
constant text goes through `escape_markdown` (`playbook.sanitize.markdown`), so a title,
note or component name cannot add headings, links, HTML or Streamlit directives.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from pydantic import BaseModel

from diagrams.graph import Finding, build_graph
from diagrams.mermaid import to_mermaid
from playbook.analysis import Figures, figures
from playbook.catalog import Catalog, name_of
from playbook.design import (
    Constraints,
    Design,
    Evaluation,
    ModelChoice,
    Retrieval,
    Serving,
    Technique,
    inapplicable_failure_modes,
)
from playbook.estimates.base import Estimate
from playbook.fields import field_meta
from playbook.format import duration, money
from playbook.labels import (
    CHUNKING,
    ENGINES,
    FAILURE_MODES,
    INDEXES,
    MITIGATIONS,
    MODEL_KINDS,
    OFFLINE_METRICS,
    ONLINE_METRICS,
    PHASES,
    PRECISIONS,
    RUNGS,
    escape_markdown,
)
from playbook.ladder import check_technique, recommend_technique

__all__ = ["design_report"]

NONE = "none"


def design_report(
    design: Design,
    catalog: Catalog,
    *,
    findings: Iterable[Finding] = (),
    analysis: Figures | None = None,
) -> str:
    """Return a Markdown report of `design`: every phase, the key estimates and the diagram.

    The numbers are the design's one analysis (`analysis`; computed when not given).
    """
    found = analysis or figures(design, catalog, by_class=False)
    graph = build_graph(design, catalog=catalog, findings=findings, analysis=found)
    sections = [
        _heading(design),
        _constraints(design),
        _technique(design),
        _model(design, catalog),
        _retrieval(design, catalog),
        _serving(design, catalog),
        _evaluation(design),
        _components(design),
        _verdicts(found),
        _timeline(found),
        _bill(found),
        _flags(graph),
        _estimates(found),
        _diagram(design, graph),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _md(value: object) -> str:
    return escape_markdown(str(value))


def _table(rows: list[tuple[str, object]]) -> str:
    lines = ["| decision | value |", "| --- | --- |"]
    lines += [f"| {_md(name)} | {_md(value) or NONE} |" for name, value in rows]
    return "\n".join(lines)


def _notes(text: str) -> str:
    return f"**Notes:** {_md(text)}" if text.strip() else ""


def _section(number: int, phase: str, *parts: str) -> str:
    title = f"## {number} · {PHASES[phase]}"
    return "\n\n".join([title, *(part for part in parts if part)])


def _heading(design: Design) -> str:
    scenario = _md(design.scenario) or NONE
    author = _md(design.author) or NONE
    return f"# {_md(design.title)}\n\n**Scenario:** {scenario} · **Author:** {author}"


def _on(flag: bool) -> str:
    return "yes" if flag else "no"


def _label(part: type[BaseModel], field: str) -> str:
    # The label a page shows for the field, from beside the field in playbook.design.
    described = field_meta(part, field)
    return described.label if described else field


def _with_unit(part: type[BaseModel], field: str, value: object) -> str:
    described = field_meta(part, field)
    unit = described.unit if described else ""
    if isinstance(value, bool):
        return _on(value)
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    if unit == "$":
        return f"${shown}"
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}" if unit else shown


def _constraints(design: Design) -> str:
    c = design.constraints
    rows: list[tuple[str, object]] = [
        (_label(Constraints, field), _with_unit(Constraints, field, getattr(c, field)))
        for field in Constraints.model_fields
        if field != "notes"
    ]
    return _section(1, "constraints", _table(rows), _notes(c.notes))


def _technique(design: Design) -> str:
    t = design.technique
    recommended = recommend_technique(design.constraints).rungs
    rows: list[tuple[str, object]] = [
        (_label(Technique, "rungs"), " + ".join(RUNGS[rung] for rung in t.rungs)),
        ("Ladder recommends", " + ".join(RUNGS[rung] for rung in recommended)),
        (_label(Technique, "justification"), t.justification),
    ]
    problems = "\n".join(f"- {_md(finding.message)}" for finding in check_technique(design))
    return _section(2, "technique", _table(rows), problems, _notes(t.notes))


def _model(design: Design, catalog: Catalog) -> str:
    m = design.model
    names = catalog.hosted_models + catalog.open_models
    rows: list[tuple[str, object]] = [(_label(ModelChoice, "kind"), MODEL_KINDS[m.kind])]
    if m.kind == "hosted":
        rows.append((_label(ModelChoice, "hosted_model"), name_of(names, m.hosted_model)))
    elif m.kind == "self_hosted":
        rows.append((_label(ModelChoice, "open_model"), name_of(names, m.open_model)))
    else:
        small, large = _label(ModelChoice, "small_model"), _label(ModelChoice, "large_model")
        rows += [
            (small, f"{name_of(names, m.small_model)} ({m.small_share_pct}% of traffic)"),
            (large, f"{name_of(names, m.large_model)} ({100 - m.small_share_pct}%)"),
        ]
    return _section(3, "model", _table(rows), _notes(m.notes))


def _retrieval(design: Design, catalog: Catalog) -> str:
    r = design.retrieval
    if not design.uses_rag:
        return _section(4, "retrieval", "Not used: the technique has no RAG rung.", _notes(r.notes))
    rows: list[tuple[str, object]] = [
        (_label(Retrieval, "chunking"), CHUNKING[r.chunking]),
        *(
            (_label(Retrieval, field), _with_unit(Retrieval, field, getattr(r, field)))
            for field in ("chunk_tokens", "chunk_overlap_tokens")
        ),
        (
            _label(Retrieval, "embedding_model"),
            name_of(catalog.embedding_models, r.embedding_model),
        ),
        (_label(Retrieval, "index"), INDEXES[r.index]),
        (_label(Retrieval, "bm25_hybrid"), _on(r.bm25_hybrid)),
        (
            _label(Retrieval, "reranker"),
            f"top {r.top_k} to {r.rerank_top_n}" if r.reranker else "no",
        ),
        *(
            (_label(Retrieval, field), _with_unit(Retrieval, field, getattr(r, field)))
            for field in ("recall_at_k_target_pct", "untrusted_documents")
        ),
    ]
    return _section(4, "retrieval", _table(rows), _notes(r.notes))


def _serving(design: Design, catalog: Catalog) -> str:
    s = design.serving
    if not design.self_hosts:
        return _section(5, "serving", "Not used: every model is hosted.", _notes(s.notes))
    switches = ("continuous_batching", "paged_attention", "speculative_decoding", "prefix_caching")
    options = [_label(Serving, name) for name in switches if getattr(s, name)]
    rows: list[tuple[str, object]] = [
        (_label(Serving, "engine"), ENGINES[s.engine]),
        (
            "GPUs",
            f"{s.replicas} replica(s) of {s.gpus_per_replica}× {name_of(catalog.gpus, s.gpu)}",
        ),
        (_label(Serving, "precision"), PRECISIONS[s.precision]),
        (_label(Serving, "kv_cache_precision"), PRECISIONS[s.kv_cache_precision]),
        (_label(Serving, "max_context_tokens"), f"{s.max_context_tokens:,} tokens"),
        ("Options", ", ".join(options)),
    ]
    return _section(5, "serving", _table(rows), _notes(s.notes))


def _evaluation(design: Design) -> str:
    e = design.evaluation
    rows: list[tuple[str, object]] = [
        (_label(Evaluation, "golden_set_size"), f"{e.golden_set_size:,} examples"),
        (
            _label(Evaluation, "offline_metrics"),
            ", ".join(OFFLINE_METRICS[m] for m in e.offline_metrics),
        ),
        (
            _label(Evaluation, "online_metrics"),
            ", ".join(ONLINE_METRICS[m] for m in e.online_metrics),
        ),
        (_label(Evaluation, "llm_as_judge"), _on(e.llm_as_judge)),
        (_label(Evaluation, "red_team_set"), _on(e.red_team_set)),
    ]
    ruled_out = inapplicable_failure_modes(design)
    rows += [
        (
            f"Failure mode: {FAILURE_MODES[mode]}",
            f"n/a ({ruled_out[mode]})" if mode in ruled_out else MITIGATIONS[mitigation],
        )
        for mode, mitigation in e.mitigations.items()
    ]
    return _section(6, "evaluation", _table(rows), _notes(e.notes))


def _components(design: Design) -> str:
    if not design.components:
        return ""
    lines = [
        "## Own components",
        "",
        "| component | kind | phase | connects to | justification |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {_md(c.name)} | {_md(c.kind)} | {_md(PHASES[c.phase])} | "
        f"{_md(', '.join(c.connects_to)) or NONE} | {_md(c.justification) or NONE} |"
        for c in design.components
    ]
    return "\n".join(lines)


def _flags(graph: nx.DiGraph) -> str:
    found = [
        f"- **{severity}** · {_md(data['label'])}: {_md(reason)}"
        for _, data in graph.nodes(data=True)
        for severity, reason in data["flags"]
    ]
    found += [
        f"- **{f.severity}** · {_md(f.node)}: {_md(f.reason)}" for f in graph.graph["unplaced"]
    ]
    body = "\n".join(found) or "Nothing flagged: every estimate is within the Phase 1 budgets."
    return f"## Flags\n\n{body}"


def _verdicts(found: Figures) -> str:
    lines = [f"- {'✓' if check.ok else '✗'} {_md(check.text)}" for check in found.checks]
    return "## Verdicts\n\n" + "\n".join(lines)


def _timeline(found: Figures) -> str:
    t = found.timeline
    lines = [
        "## Request timeline",
        "",
        f"Following {_md(t.path)}; the model reads {_md(t.prompt_tokens.shown())}.",
        "",
        "| stage | time |",
        "| --- | --- |",
    ]
    for step in t.steps:
        beside = " (beside the search)" if step.parallel_with else ""
        shown = duration(step.ms) if step.ms is not None else _md(t.state.reason or "unbounded")
        lines.append(f"| {_md(step.name)}{beside} | {shown} |")
    first = duration(t.ttft_ms) if t.ttft_ms is not None else _md(t.state.reason)
    total = duration(t.total_ms) if t.total_ms is not None else _md(t.state.reason)
    lines += [f"| **first token** | {first} |", f"| **whole answer** | {total} |"]
    if t.hosted:
        lines += ["", *(f"- Hosted latency of {_md(h.line())}" for h in t.hosted)]
    return "\n".join(lines)


def _bill(found: Figures) -> str:
    b = found.bill
    lines = ["## Monthly bill", "", "| line | per month | once |", "| --- | --- | --- |"]
    lines += [
        f"| {_md(line.name)} | {money(line.usd_per_month)} | "
        f"{money(line.one_off_usd) if line.one_off_usd else ''} |"
        for line in b.lines
    ]
    lines.append(f"| **total** | {money(b.usd_per_month)} | {money(b.one_off_usd)} |")
    lines += ["", f"- {_md(b.verdicts[0])}", f"- {_md(b.verdicts[1])}"]
    if b.routing is not None:
        lines.append(f"- {_md(b.routing.saving.name)}: {_md(b.routing.saving.shown())}")
    return "\n".join(lines)


def _estimates(found: Figures) -> str:
    listed: list[Estimate] = []
    if (r := found.retrieval) is not None:
        listed += [r.chunks, r.embedding_storage, r.embedding_cost, r.index_memory]
    listed.append(found.timeline.prompt_tokens)
    listed += [s.estimate for s in found.timeline.steps if s.estimate is not None]
    listed += list(found.capacity.estimates) if found.capacity else []
    listed += list(found.bill.estimates)
    lines = ["## Key estimates", ""]
    for estimate in listed:
        lines.append(f"- **{_md(estimate.name)}**: {_md(estimate.shown())}")
        lines.append(f"  - formula: {_md(estimate.formula)}")
        if estimate.worked:
            lines.append(f"  - worked: {_md(estimate.worked)}")
    return "\n".join(lines)


def _diagram(design: Design, graph: nx.DiGraph) -> str:
    return "\n".join(
        [
            "## Diagram",
            "",
            "```mermaid",
            to_mermaid(graph, title=design.title).rstrip("\n"),
            "```",
            "",
            "The same diagram exports as DOT, SVG and PNG (drawn by Graphviz's `dot`) from the "
            "Diagram page, or with `python -m playbook diagram DESIGN.json --format svg -o "
            "design.svg`.",
        ]
    )
