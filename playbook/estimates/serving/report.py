"""Serving estimates for a design: its self-hosted setup, load, replicas and verdicts."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from playbook.catalog import Catalog, find
from playbook.design import Design
from playbook.estimates.base import Estimate
from playbook.estimates.memory import (
    kv_bytes_per_token,
)
from playbook.estimates.serving.core import best_rate
from playbook.estimates.serving.fit import MemoryFit, memory_fit
from playbook.estimates.serving.numbers import (
    _sources,
    itl,
    output_throughput,
    prefill_time,
    ttft,
)
from playbook.estimates.serving.setup import (
    DEFAULT_PREFIX_HIT_RATE,
    EFFICIENCY_SOURCE,
    Efficiency,
    Load,
    ServingSetup,
    load_efficiency,
)
from playbook.format import plain

# --- from a design -----------------------------------------------------------------------------


def setup_from_design(design: Design, catalog: Catalog) -> ServingSetup | None:
    """Return the self-hosted deployment of `design`, or None when every model is hosted."""
    # Routing designs serve their small model themselves (the design only allows open-weights
    # small models); a large open-weights model would need a second deployment, not sized here
    # (the cost report prices it per request on the same GPU type instead).
    if design.model.kind == "hosted":
        return None
    model_id = (
        design.model.open_model
        if design.model.kind == "self_hosted"
        else (design.model.small_model)
    )
    serving = design.serving
    return ServingSetup(
        model=find(catalog.open_models, model_id, what="open model"),
        gpu=find(catalog.gpus, serving.gpu, what="GPU"),
        tensor_parallel=serving.gpus_per_replica,
        replicas=serving.replicas,
        precision=find(catalog.precisions, serving.precision, what="precision"),
        kv_precision=find(catalog.precisions, serving.kv_cache_precision, what="precision"),
        prompt_tokens=design.constraints.avg_prompt_tokens,
        output_tokens=design.constraints.avg_output_tokens,
        max_context=serving.max_context_tokens,
        engine=serving.engine,
        speculative_decoding=serving.speculative_decoding,
        prefix_cache_hit_rate=DEFAULT_PREFIX_HIT_RATE if serving.prefix_caching else 0.0,
    )


def self_hosted_share(design: Design) -> float:
    """Return the share of the traffic the self-hosted model carries (routing: the small share)."""
    return design.model.small_share_pct / 100 if design.model.kind == "routing" else 1.0


def design_load(design: Design) -> Load:
    """Return the peak load on the self-hosted model: Phase 1's peak QPS times its share."""
    qps = design.constraints.peak_qps * self_hosted_share(design)
    return Load(qps=qps) if qps > 0 else Load(concurrency=1)


def replicas_needed(
    setup: ServingSetup,
    *,
    qps: float,
    ttft_ms: float,
    itl_ms: float,
    efficiency: Efficiency | None = None,
) -> Estimate:
    """Return the replicas needed to carry `qps` within both latency targets (inf: none can)."""
    rate = best_rate(setup, ttft_s=ttft_ms / 1e3, itl_s=itl_ms / 1e3, efficiency=efficiency)
    count = math.ceil(qps / rate) if rate > 0 else math.inf
    return Estimate(
        name="Replicas needed at peak",
        value=float(count),
        unit="replicas",
        formula="ceil(peak requests/s ÷ most requests/s one replica carries within TTFT and ITL)",
        worked=f"ceil({plain(qps)} ÷ {plain(rate)}) = {count:,}"
        if rate > 0
        else f"no load meets TTFT ≤ {ttft_ms:g} ms and ITL ≤ {itl_ms:g} ms on one replica",
        assumptions=(
            "latency grows with load; the search finds the highest load that still meets both",
            (efficiency or load_efficiency()).describe(),
        ),
        sources=(*_sources(setup), EFFICIENCY_SOURCE),
    )


class ServingReport(BaseModel):
    """Everything the serving page shows for a design's self-hosted model, each with its math."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    setup: ServingSetup
    load: Load
    role: str
    fit: MemoryFit
    estimates: tuple[Estimate, ...]
    meets_ttft: bool
    meets_itl: bool
    enough_replicas: bool
    verdicts: tuple[str, ...]


def _verdicts(design: Design, fit: MemoryFit, numbers: dict[str, Estimate]) -> tuple[str, ...]:
    c = design.constraints
    found = [
        fit.verdict,
        *(f"Fix: {fix.detail} ({fix.max_concurrency:,} sequences)" for fix in fit.fixes),
    ]
    if fit.fits:
        found.append(f"TTFT {numbers['ttft'].shown()} against a target of {c.ttft_ms} ms")
        found.append(f"ITL {numbers['itl'].shown()} against a target of {c.itl_ms} ms")
        needed = numbers["replicas"].value
        found.append(
            f"{design.serving.replicas} replica(s) chosen; {needed:,.0f} needed at peak"
            if math.isfinite(needed)
            else "no number of replicas meets both latency targets: change GPU, precision or model"
        )
    return tuple(found)


def _under_load(
    design: Design, setup: ServingSetup, load: Load, eff: Efficiency
) -> dict[str, Estimate]:
    """Return the design's latency, throughput and replica estimates at its peak load."""
    return {
        "ttft": ttft(setup, load=load, efficiency=eff),
        "itl": itl(setup, load=load, efficiency=eff),
        "throughput": output_throughput(setup, load=load, efficiency=eff),
        "replicas": replicas_needed(
            setup,
            qps=load.qps or 0.0,
            ttft_ms=design.constraints.ttft_ms,
            itl_ms=design.constraints.itl_ms,
            efficiency=eff,
        ),
    }


def serving_report(
    design: Design, catalog: Catalog, *, efficiency: Efficiency | None = None
) -> ServingReport | None:
    """Return the serving estimates of `design`'s self-hosted model, or None when all hosted."""
    setup = setup_from_design(design, catalog)
    if setup is None:
        return None
    eff, load = efficiency or load_efficiency(), design_load(design)
    fit = memory_fit(setup, precisions=catalog.precisions)
    numbers = _under_load(design, setup, load, eff)
    share = self_hosted_share(design)
    role = (
        "the self-hosted model"
        if share == 1
        else f"the small model, carrying {share:.0%} of traffic"
    )
    head = (
        fit.weights_per_gpu,
        kv_bytes_per_token(setup.model, setup.kv_precision),
        fit.kv_space,
        fit.max_concurrency,
        prefill_time(setup, efficiency=eff),
    )
    return ServingReport(
        setup=setup,
        load=load,
        role=role,
        fit=fit,
        estimates=head + (tuple(numbers.values()) if fit.fits else ()),
        meets_ttft=fit.fits and numbers["ttft"].value <= design.constraints.ttft_ms,
        meets_itl=fit.fits and numbers["itl"].value <= design.constraints.itl_ms,
        enough_replicas=fit.fits and numbers["replicas"].value <= setup.replicas,
        verdicts=_verdicts(design, fit, numbers),
    )
