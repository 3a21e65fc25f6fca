"""What every rule shares: the finding it reports, the rule itself, and the review's numbers.

A rule is a named check of one phase with a fixed severity. Its `detect` function looks at the
design and at the estimates computed once per review (`ReviewContext`) and yields a `Hit` per
problem; `Rule.check` turns each hit into a `Finding` that carries the rule's id and severity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playbook.catalog import Catalog, ids
from playbook.design import Design, FailureMode, Phase, inapplicable_failure_modes
from playbook.estimates.base import Estimate
from playbook.estimates.retrieval import RetrievalReport
from playbook.estimates.serving import OperatingPoint, ServingReport
from playbook.ladder import LadderFinding, Recommendation, check_technique, recommend_technique

if TYPE_CHECKING:  # the analysis runs the rubric, so the rubric names its types only here
    from playbook.analysis.figures import Bill, Figures

Severity = Literal["info", "warn", "block"]
SEVERITIES: tuple[Severity, ...] = ("block", "warn", "info")  # most severe first
RULE_ID = r"^[a-z]+\.[a-z0-9_]+$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Frozen):
    """One problem with a design: which rule, how bad, where, why (with the math), and the fix."""

    rule_id: Annotated[str, Field(min_length=1, max_length=100)]  # stable for rubric rules
    severity: Severity
    phase: Phase
    component: str | None = None  # a diagram node id (llm, retriever, ...) or an own component
    constraint: str | None = None  # the Constraints field, or an expression of them, it ties to
    message: str
    numbers: tuple[Estimate, ...] = ()  # the estimates behind it, each with its formula
    fix: str
    source: Literal["rubric", "llm"] = "rubric"


class Hit(_Frozen):
    """What a rule's check found; the rule adds its id and severity to make it a `Finding`."""

    message: str
    fix: str
    component: str | None = None
    constraint: str | None = None
    numbers: tuple[Estimate, ...] = ()
    phase: Phase | None = None  # None: the rule's own phase


@dataclass(frozen=True)
class ReviewContext:
    """The design's figures as every rule reads them: computed once, by the analysis."""

    catalog: Catalog
    figures: Figures
    serving_report: ServingReport | None  # None: every model is hosted
    peak_point: OperatingPoint | None  # one replica at the peak load (None: nothing self-hosted)
    cost_report: Bill  # the monthly bill (named as before for the rules that read it)
    retrieval_report: RetrievalReport | None  # None: the technique has no RAG
    recommendation: Recommendation
    technique_findings: tuple[LadderFinding, ...]
    inapplicable: dict[FailureMode, str]


Detect = Callable[[Design, ReviewContext], Iterable[Hit]]


class Rule(_Frozen):
    """A check of one phase with a stable id and a fixed severity."""

    id: Annotated[str, Field(pattern=RULE_ID)]
    phase: Phase
    severity: Severity
    title: str
    detect: Detect

    @model_validator(mode="after")
    def _id_names_the_phase(self) -> Rule:
        if self.id.split(".")[0] != self.phase:
            raise ValueError(f"rule id {self.id!r} must start with its phase {self.phase!r}")
        return self

    def check(self, design: Design, ctx: ReviewContext) -> list[Finding]:
        """Return this rule's findings on `design`; [] when it has nothing to say."""
        return [
            Finding(
                rule_id=self.id,
                severity=self.severity,
                phase=hit.phase or self.phase,
                component=hit.component,
                constraint=hit.constraint,
                message=hit.message,
                # An unbounded estimate (nothing fits, no replica count works) cannot travel as
                # JSON; the message says so in words instead.
                numbers=tuple(n for n in hit.numbers if math.isfinite(n.value)),
                fix=hit.fix,
            )
            for hit in self.detect(design, ctx)
        ]


def rule(rule_id: str, *, phase: Phase, severity: Severity, title: str) -> Callable[[Detect], Rule]:
    """Turn a detect function into a `Rule` with this id, phase, severity and title."""

    def wrap(detect: Detect) -> Rule:
        return Rule(id=rule_id, phase=phase, severity=severity, title=title, detect=detect)

    return wrap


def with_design_entries(catalog: Catalog, design: Design) -> Catalog:
    """Return `catalog` plus the design's own models and GPUs that it does not list yet."""
    models = tuple(m for m in design.custom_models if m.id not in ids(catalog.open_models))
    gpus = tuple(g for g in design.custom_gpus if g.id not in ids(catalog.gpus))
    if not models and not gpus:
        return catalog
    return catalog.model_copy(
        update={"open_models": catalog.open_models + models, "gpus": catalog.gpus + gpus}
    )


def review_context_of(design: Design, catalog: Catalog, figures: Figures) -> ReviewContext:
    """Return what the rules read about `design`, from the analysis's `figures`."""
    capacity = figures.capacity
    return ReviewContext(
        catalog=with_design_entries(catalog, design),
        figures=figures,
        serving_report=capacity.report if capacity else None,
        peak_point=capacity.point if capacity else None,
        cost_report=figures.bill,
        retrieval_report=figures.retrieval,
        recommendation=recommend_technique(design.constraints),
        technique_findings=tuple(check_technique(design)),
        inapplicable=inapplicable_failure_modes(design),
    )


def review_context(design: Design, catalog: Catalog) -> ReviewContext:
    """Return what the rules read about `design`, computing its figures (the analysis's)."""
    from playbook.analysis import figures  # late: the analysis imports the rubric

    mine = with_design_entries(catalog, design)
    return review_context_of(design, mine, figures(design, mine, by_class=False))


# Diagram node ids (diagrams/graph.py), so a finding can point at the box it concerns.
def label(path: str) -> str:
    """Return the label a page shows for a design field, e.g. `constraints.itl_ms` → its title.

    Findings name fields the way the pages do, never by their Python names.
    """
    from playbook.fields import field_meta, nested_model

    phase, name = path.split(".")
    part = nested_model(Design, phase)
    found = field_meta(part, name) if part is not None else None
    return f"“{found.label}”" if found else name


def answer_node(design: Design) -> str:
    """Return the node that produces the answer: the router when routing, else the LLM."""
    return "router" if design.model.kind == "routing" else "llm"


def served_node(design: Design) -> str:
    """Return the node of the self-hosted model: the small model when routing, else the LLM."""
    return "small_llm" if design.model.kind == "routing" else "llm"


def named(estimates: Iterable[Estimate], name: str) -> Estimate | None:
    """Return the estimate called `name`, or None when the report has none by that name."""
    return next((estimate for estimate in estimates if estimate.name == name), None)


def numbers(*found: Estimate | None) -> tuple[Estimate, ...]:
    """Return the estimates that exist, in order (a report may lack some)."""
    return tuple(estimate for estimate in found if estimate is not None)
