"""`analyze`: the one road from a design to its numbers, its review and its verdicts."""

from __future__ import annotations

import hashlib

from pydantic import ConfigDict

from playbook.analysis.bill import bill
from playbook.analysis.capacity import capacity
from playbook.analysis.checks import checks
from playbook.analysis.figures import Check, Figures
from playbook.analysis.timeline import (
    before_model,
    elapsed_ms,
    prompt_tokens,
    served_design,
    timeline,
)
from playbook.catalog import Catalog
from playbook.codec import update_design
from playbook.design import Design
from playbook.estimates.charts import ClassCost
from playbook.estimates.retrieval import retrieval_report
from playbook.rubric import RULES, Review, build_review
from playbook.rubric.base import review_context_of


class DesignAnalysis(Figures):
    """Every number of a design, the rubric's review of them, and the verdicts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    design_hash: str
    review: Review

    @property
    def verdicts(self) -> tuple[Check, ...]:
        """The verdicts (same as `checks`), by the name the issue gives them."""
        return self.checks


def design_hash(design: Design) -> str:
    """Return a canonical hash of the design: the same decisions give the same hash."""
    text = design.model_dump_json()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def figures(design: Design, catalog: Catalog, *, by_class: bool = True) -> Figures:
    """Return every number of `design` (no review); `by_class` adds the model-class bills."""
    retrieval = retrieval_report(design, catalog) if design.uses_rag else None
    prompt = prompt_tokens(design)
    served = served_design(design, prompt)
    before = before_model(design, catalog, retrieval)
    fleet = capacity(design, catalog, before_model_ms=elapsed_ms(before), served=served)
    path = timeline(design, catalog, before=before, capacity=fleet, prompt=prompt)
    money = bill(design, catalog, capacity=fleet, retrieval=retrieval, prompt=int(prompt.value))
    if by_class:
        money = money.model_copy(update={"by_class": _by_class(design, catalog)})
    return Figures(
        timeline=path,
        capacity=fleet,
        bill=money,
        retrieval=retrieval,
        checks=checks(design, path, fleet, money),
    )


def _by_class(design: Design, catalog: Catalog) -> tuple[ClassCost, ...]:
    """Return the monthly bill of the same design as hosted, self-hosted and routed."""
    found = []
    for kind in ("hosted", "self_hosted", "routing"):
        variant = design if design.model.kind == kind else update_design(design, "model", kind=kind)
        usd = figures(variant, catalog, by_class=False).bill.usd_per_month
        found.append(ClassCost(kind=kind, usd_per_month=usd))
    return tuple(found)


def analyze(design: Design, catalog: Catalog) -> DesignAnalysis:
    """Return the analysis of `design`: timeline, capacity, bill, retrieval, review, verdicts."""
    found = figures(design, catalog)
    ctx = review_context_of(design, catalog, found)
    review = build_review(finding for r in RULES for finding in r.check(design, ctx))
    return DesignAnalysis(**dict(found), design_hash=design_hash(design), review=review)
