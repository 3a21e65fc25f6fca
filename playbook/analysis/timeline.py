"""The request timeline: every stage from the gateway to the last token, with its estimate.

The stages before the model come from `playbook.analysis.stages`; the model's stages come from
the serving estimates (self-hosted) or from published measurements of the provider's API
(hosted). A routed design also carries the path of the requests its large model answers.
TTFT, ITL and the whole response are checked against Phase 1 in one place, `checks`.
"""

from __future__ import annotations

from typing import Final

from playbook.analysis.capacity import MODEL_TTFT, large_fleet
from playbook.analysis.figures import (
    OK,
    Capacity,
    HostedLatency,
    ModelPath,
    State,
    Step,
    Timeline,
)
from playbook.analysis.stages import (
    GUARDRAIL_MS,
    before_model,
    elapsed_ms,
    fixed,
    guards_output,
    prompt_tokens,
    screens_input,
    served_design,
)
from playbook.catalog import Catalog, HostedModel, find, ids, name_of
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.serving import Load, operating_point, sequences_that_fit

__all__ = [
    "HOSTED_DEFAULT_NOTE",
    "HOSTED_MEASURED_NOTE",
    "before_model",
    "elapsed_ms",
    "guards_output",
    "hosted_latency",
    "prompt_tokens",
    "screens_input",
    "served_design",
    "timeline",
]

# For a hosted model whose catalog entry has no published latency (the step says so).
DEFAULT_HOSTED_TTFT_MS: Final = 500.0
DEFAULT_HOSTED_TOKENS_PER_S: Final = 80.0
HOSTED_DEFAULT_NOTE: Final = (
    "no published latency in the catalog for this model: 500 ms to the first token and 80 "
    "output tokens/s assumed (typical of hosted frontier models in 2024)"
)
HOSTED_MEASURED_NOTE: Final = (
    "a published median, measured on the workload and route the source names; prompts longer "
    "than the measured ones and busy hours take longer (not modelled)"
)


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


def hosted_latency(hosted: HostedModel, node: str) -> HostedLatency:
    """Return the TTFT and output speed a hosted model is judged on, and where they come from.

    Both published figures, their source and their date, or none: a model with only some of
    them is judged on the stated default, which its note says.
    """
    measured = (
        hosted.ttft_ms is not None
        and hosted.output_tokens_per_s is not None
        and bool(hosted.latency_source)
        and bool(hosted.latency_as_of)
    )
    if not measured or hosted.ttft_ms is None or hosted.output_tokens_per_s is None:
        return HostedLatency(
            model=hosted.name, node=node, ttft_ms=DEFAULT_HOSTED_TTFT_MS,
            output_tokens_per_s=DEFAULT_HOSTED_TOKENS_PER_S, source=None, as_of=None,
            note=HOSTED_DEFAULT_NOTE,
        )  # fmt: skip
    return HostedLatency(
        model=hosted.name, node=node, ttft_ms=hosted.ttft_ms,
        output_tokens_per_s=hosted.output_tokens_per_s, source=hosted.latency_source,
        as_of=hosted.latency_as_of, note=HOSTED_MEASURED_NOTE,
    )  # fmt: skip


def _hosted_steps(
    design: Design, catalog: Catalog, model_id: str | None = None, node: str = "llm"
) -> tuple[list[Step], float, float, HostedLatency]:
    hosted: HostedModel = find(catalog.hosted_models, model_id or design.model.hosted_model)
    basis = hosted_latency(hosted, node)
    ttft, speed, note = basis.ttft_ms, basis.output_tokens_per_s, basis.note
    source = (f"{basis.source} (as of {basis.as_of})",) if basis.source else ()
    first = Estimate(
        name=f"{hosted.name} time to first token",
        value=ttft,
        unit="ms",
        formula="published median time to first token" if basis.source else "stated default",
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
    speed_is = "published" if basis.source else "assumed"
    itl_note = f"ITL = 1,000 ÷ {speed:g} {speed_is} output tokens/s = {itl:.1f} ms"
    if decode.estimate is not None:
        decode = decode.model_copy(
            update={
                "estimate": decode.estimate.model_copy(
                    update={"assumptions": (itl_note, note), "sources": source}
                )
            }
        )
    return [step, decode], ttft, itl, basis


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
    hosted: list[HostedLatency] = []
    if capacity is None:
        model_steps, model_ttft, itl, basis = _hosted_steps(design, catalog)
        hosted.append(basis)
        state: State = OK
    else:
        served, served_ttft, served_itl = _served_steps(design, node, capacity)
        model_steps, model_ttft, itl, state = served, served_ttft, served_itl, capacity.state
    steps = [*before, *model_steps]
    if guards_output(design):
        steps.append(
            fixed(
                "output_guardrails", "Output guardrails", "output_guard", GUARDRAIL_MS,
                "one pass of a small safety classifier over the answer",
            ).model_copy(update={"before_first_token": False})
        )  # fmt: skip
    before_ms = elapsed_ms(before)
    ttft = None if model_ttft is None else before_ms + model_ttft
    after = [s for s in steps if not s.before_first_token]
    total = None if ttft is None or any(s.ms is None for s in after) else ttft + elapsed_ms(after)
    large = _large_path(design, catalog, capacity, before_ms, after)
    if large is not None and design.model.large_model in ids(catalog.hosted_models):
        hosted.append(
            hosted_latency(find(catalog.hosted_models, design.model.large_model), "large_llm")
        )
    return Timeline(
        large=large,
        hosted=tuple(hosted),
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
        steps, ttft, itl, _ = _hosted_steps(design, catalog, m.large_model, "large_llm")
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
