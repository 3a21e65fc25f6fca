"""The headline figures of an analysis as plain data and as the lines the command line prints."""

from __future__ import annotations

from typing import Any

from playbook.analysis.figures import Figures
from playbook.format import count, duration, money


def headline(found: Figures) -> dict[str, Any]:
    """Return the figures every view shows, as JSON-ready data (None: the state says why)."""
    t, b, capacity = found.timeline, found.bill, found.capacity
    return {
        "state": t.state.kind,
        "reason": t.state.reason,
        "prompt_tokens": int(t.prompt_tokens.value),
        "before_model_ms": t.before_model_ms,
        "model_ttft_ms": t.model_ttft_ms,
        "ttft_ms": t.ttft_ms,
        "itl_ms": t.itl_ms,
        "total_ms": t.total_ms,
        "replicas_chosen": capacity.replicas_chosen if capacity else None,
        "replicas_needed": capacity.replicas_needed if capacity else None,
        "usd_per_month": b.usd_per_month,
        "usd_per_request": b.usd_per_request,
        "usd_per_user_month": b.usd_per_user_month,
        "one_off_usd": b.one_off_usd,
        "steps": [{"id": s.id, "name": s.name, "ms": s.ms} for s in t.steps],
        "hosted_latency": [h.model_dump(mode="json") for h in t.hosted],
        "bill": [
            {
                "id": line.id,
                "name": line.name,
                "usd_per_month": line.usd_per_month,
                "one_off_usd": line.one_off_usd,
            }
            for line in b.lines
        ],
        "checks": [{"id": c.id, "ok": c.ok, "text": c.text} for c in found.checks],
    }


def lines(found: Figures) -> list[str]:
    """Return the analysis as the lines `python -m playbook estimate --design` prints."""
    t, b = found.timeline, found.bill
    out = [f"Request timeline of {t.path}; the model reads {t.prompt_tokens.shown()}"]
    for step in t.steps:
        shown = duration(step.ms) if step.ms is not None else t.state.reason
        beside = " (beside the search)" if step.parallel_with else ""
        out.append(f"  {step.name + beside:.<44} {shown}")
    out.append(f"  {'first token, end to end':.<44} {duration(t.ttft_ms)}")
    out.append(f"  {'ITL':.<44} {duration(t.itl_ms)}")
    out.append(f"  {'whole answer':.<44} {duration(t.total_ms)}")
    out += [f"  Hosted latency of {h.line()}" for h in t.hosted]
    if found.capacity is not None:
        needed = found.capacity.replicas_needed
        out.append(
            f"Replicas: {found.capacity.replicas_chosen} chosen, "
            f"{count(needed) if needed else 'none meets the targets'} needed"
        )
    out.append("Monthly bill")
    for line in b.lines:
        once = f" (+ {money(line.one_off_usd)} once)" if line.one_off_usd else ""
        out.append(f"  {line.name:.<44} {money(line.usd_per_month)}{once}")
    out.append(f"  {'total':.<44} {money(b.usd_per_month)}")
    out.append("Verdicts")
    out += [f"  {'ok ' if c.ok else 'NO '} {c.text}" for c in found.checks]
    return out
