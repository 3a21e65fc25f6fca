"""Two designs side by side: the decisions that differ and the key numbers that differ.

A design is flattened into (field path, shown value) pairs: `constraints.ttft_ms`,
`evaluation.mitigations.hallucination`, `components.<id>.kind`. Comparing shown values keeps a
difference the reader cannot see (a float's last bit) out of the table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from playbook import labels
from playbook.analysis.figures import Bill, Figures
from playbook.design import (
    CUSTOM_GPU_FIELDS,
    CUSTOM_MODEL_FIELDS,
    PHASES,
    Component,
    Design,
    Phase,
)
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import RetrievalReport
from playbook.estimates.serving import ServingReport
from playbook.fields import FieldMeta, described_fields, field_meta, nested_model
from playbook.format import duration, money

MISSING: Final = "—"
# Lists of entries with an id are compared entry by entry, keyed by that id.
_KEYED: Final = {
    key: described.label
    for key in ("components", "custom_models", "custom_gpus")
    if (described := field_meta(Design, key)) is not None
}
_SKIPPED: Final = {"schema_version", "saved_prices"}  # saved_prices: bookkeeping, not a decision


def _field_labels() -> dict[str, str]:
    """Return the label (with unit) of every flattened field path, read from the design's fields."""
    found: dict[str, str] = {}
    for name, described in described_fields(Design).items():
        part = nested_model(Design, name)
        if name in _KEYED or name in _SKIPPED:
            continue
        if part is None:
            found[name] = described.title
            continue
        found |= {f"{name}.{field}": meta.title for field, meta in described_fields(part).items()}
    return found


# Kept for callers that look labels up by path; built from `playbook.design`'s metadata.
FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(_field_labels())


def _meta_of(path: str) -> FieldMeta | None:
    parts = path.split(".")
    if len(parts) < 2 or parts[0] in _KEYED:
        return None
    part = nested_model(Design, parts[0])
    return field_meta(part, parts[1]) if part is not None else None


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Decision(_Frozen):
    """One decision of a design: where it lives, what to call it, and its value as shown."""

    path: str
    section: str  # the phase's display name, "Design", or "Own component" and the like
    label: str
    value: str


class DecisionDiff(_Frozen):
    """A decision that differs between two designs; `MISSING` where one side lacks it."""

    path: str
    section: str
    label: str
    left: str
    right: str


class KeyNumber(_Frozen):
    """One headline estimate of a design, with its value for arithmetic and as shown."""

    key: str
    label: str
    value: float
    shown: str


class NumberDiff(_Frozen):
    """A key number that differs between two designs, and the relative change when it has one."""

    key: str
    label: str
    left: str
    right: str
    change: str  # "+25%", or "" when a side is missing or the left value is zero


def label_of(path: str) -> str:
    """Return the display name of a flattened field path, e.g. 'Chunk size (tokens)'."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    parts = path.split(".")
    described = _meta_of(path)
    if described is not None and described.items and len(parts) == 3:
        return f"{described.label}: {described.items.get(parts[2], parts[2])}"
    if parts[0] in _KEYED and len(parts) == 3:
        return f"{parts[1]}: {_entry_field_label(parts[0], parts[2])}"
    if parts[-1] == "notes":
        return "Notes"
    return parts[-1].replace("_", " ").capitalize()


def _entry_field_label(kind: str, field: str) -> str:
    if kind == "components" and (described := field_meta(Component, field)) is not None:
        return described.title
    table = CUSTOM_MODEL_FIELDS if kind == "custom_models" else CUSTOM_GPU_FIELDS
    return table[field][0] if field in table else field.replace("_", " ")


def section_of(path: str) -> str:
    """Return the part of the design a path belongs to: a phase, 'Design', or an entry list."""
    head = path.split(".")[0]
    if head in PHASES:
        return labels.PHASES[head]
    return _KEYED.get(head, "Design")


def decisions(design: Design) -> tuple[Decision, ...]:
    """Return every decision of `design`, flattened, in the order the phases ask for them."""
    return tuple(
        Decision(path=path, section=section_of(path), label=label_of(path), value=value)
        for path, value in _flatten(design.model_dump(mode="json"), "")
    )


def phase_decisions(design: Design, phase: Phase) -> tuple[Decision, ...]:
    """Return one phase's decisions, without its free-text notes."""
    prefix = f"{phase}."
    return tuple(
        d for d in decisions(design) if d.path.startswith(prefix) and d.path != f"{phase}.notes"
    )


def decisions_that_differ(left: Design, right: Design) -> tuple[DecisionDiff, ...]:
    """Return the decisions whose shown values differ, left's order first, then right's extras."""
    mine = {d.path: d.value for d in decisions(left)}
    theirs = {d.path: d.value for d in decisions(right)}
    return tuple(
        DecisionDiff(path=path, section=section_of(path), label=label_of(path), left=a, right=b)
        for path, a, b in _differing(mine, theirs)
    )


def _differing(mine: dict[str, str], theirs: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """Yield (key, left, right) where the shown values differ, `MISSING` for an absent side."""
    for key in list(mine) + [key for key in theirs if key not in mine]:
        a, b = mine.get(key, MISSING), theirs.get(key, MISSING)
        if a != b:
            yield key, a, b


def _flatten(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _SKIPPED:
                yield from _flatten(item, f"{path}.{key}" if path else key)
    elif path in _KEYED:
        for entry in value:
            rest = {key: item for key, item in entry.items() if key != "id"}
            for field, item in rest.items():
                yield f"{path}.{entry['id']}.{field}", _shown(path, item)
    else:
        yield path, _shown(path, value)


def _shown(path: str, value: Any) -> str:
    described = _meta_of(path)
    choices = described.choices if described is not None else None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_shown(path, item) for item in value) or "none"
    if isinstance(value, str):
        return (labels.label(dict(choices), value) if choices else value) or MISSING
    return MISSING if value is None else str(value)


def key_numbers(
    *, cost: Bill, serving: ServingReport | None, retrieval: RetrievalReport | None
) -> tuple[KeyNumber, ...]:
    """Return the headline numbers of a design from its reports (None: not in the design)."""
    found = [
        KeyNumber(key=key, label=label, value=value, shown=_usd(value))
        for key, label, value in (
            ("usd_per_month", "Cost per month", cost.usd_per_month),
            ("usd_per_request", "Cost per request", cost.usd_per_request),
            ("usd_per_user_month", "Cost per user per month", cost.usd_per_user_month),
        )
    ]
    if serving is not None:
        found += _serving_numbers(serving)
    if retrieval is not None:
        found += [
            _from_estimate("chunks", retrieval.chunks),
            _from_estimate("embedding_storage", retrieval.embedding_storage),
            # The estimate's own name says which index; two designs may use different ones.
            _from_estimate("index_memory", retrieval.index_memory, label="ANN index memory"),
            _from_estimate(
                "query_latency", retrieval.query_latency, label="ANN query latency (rough)"
            ),
        ]
    return tuple(found)


def _usd(value: float) -> str:
    return money(value)


NO_ESTIMATE: Final = "no estimate"


def key_numbers_of(found: Figures) -> tuple[KeyNumber, ...]:
    """Return the headline numbers of a design from its one analysis."""
    t, capacity = found.timeline, found.capacity
    numbers = list(key_numbers(cost=found.bill, serving=None, retrieval=found.retrieval))
    if capacity is not None:
        fits = capacity.report.fit.fits
        numbers += [
            KeyNumber(key="fits", label="Fits on the GPUs", value=float(fits),
                      shown="yes" if fits else "no"),
            _from_estimate("max_concurrency", capacity.report.fit.max_concurrency),
        ]  # fmt: skip
        throughput = named_estimate(capacity.estimates, "Output throughput")
        if throughput is not None:
            numbers.append(_from_estimate("throughput", throughput))
        if capacity.replicas_needed is not None:
            count = capacity.replicas_needed
            numbers.append(
                KeyNumber(key="replicas_needed", label="Replicas needed at peak",
                          value=float(count), shown=f"{count:,} replica{'' if count == 1 else 's'}")
            )  # fmt: skip
    for key, label, ms in (
        ("ttft", "Time to first token", t.ttft_ms),  # end to end, as the timeline says
        ("itl", "Inter-token latency", t.itl_ms),
        ("total_response", "Whole answer", t.total_ms),
    ):
        # A latency that cannot exist is shown as the state that stops it, never left out.
        shown = (
            duration(ms) if ms is not None else f"{NO_ESTIMATE}: {t.state.kind.replace('_', ' ')}"
        )
        numbers.append(KeyNumber(key=key, label=label, value=ms or 0.0, shown=shown))
    return tuple(numbers)


def named_estimate(estimates: Iterable[Estimate], name: str) -> Estimate | None:
    """Return the estimate called `name` among `estimates`, or None."""
    return next((e for e in estimates if e.name == name), None)


_SERVING_NAMES: Final = {
    "Time to first token": "ttft",
    "Inter-token latency": "itl",
    "Output throughput": "throughput",
    "Replicas needed at peak": "replicas_needed",
}


def _serving_numbers(report: ServingReport) -> list[KeyNumber]:
    fits = report.fit.fits
    found = [
        KeyNumber(key="fits", label="Fits on the GPUs", value=float(fits),
                  shown="yes" if fits else "no"),
        _from_estimate("max_concurrency", report.fit.max_concurrency),
    ]  # fmt: skip
    found += [
        _from_estimate(_SERVING_NAMES[estimate.name], estimate)
        for estimate in report.estimates
        if estimate.name in _SERVING_NAMES
    ]
    # "1 replicas" reads wrong; a count of replicas is shown as a count.
    return [
        n.model_copy(update={"shown": f"{n.value:,.0f} replica{'' if n.value == 1 else 's'}"})
        if n.key == "replicas_needed" and math.isfinite(n.value)
        else n
        for n in found
    ]


def _from_estimate(key: str, estimate: Estimate, *, label: str | None = None) -> KeyNumber:
    return KeyNumber(
        key=key, label=label or estimate.name, value=estimate.value, shown=estimate.shown()
    )


def numbers_that_differ(
    left: tuple[KeyNumber, ...], right: tuple[KeyNumber, ...]
) -> tuple[NumberDiff, ...]:
    """Return the key numbers whose shown values differ, with the relative change left → right."""
    mine, theirs = {n.key: n for n in left}, {n.key: n for n in right}
    return tuple(
        NumberDiff(
            key=key,
            label=(mine.get(key) or theirs[key]).label,
            left=a,
            right=b,
            change=_change(mine.get(key), theirs.get(key)),
        )
        for key, a, b in _differing(
            {k: n.shown for k, n in mine.items()}, {k: n.shown for k, n in theirs.items()}
        )
    )


def _change(a: KeyNumber | None, b: KeyNumber | None) -> str:
    if a is None or b is None or a.value == 0 or a.key == "fits":
        return ""
    if NO_ESTIMATE in (a.shown.split(":")[0], b.shown.split(":")[0]):
        return ""
    return f"{(b.value - a.value) / abs(a.value):+.0%}"
