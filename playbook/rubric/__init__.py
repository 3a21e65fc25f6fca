"""The rubric: deterministic rules that review a design, each finding with its math and a fix.

`review_design(design, catalog)` runs every rule in `RULES` on the design's one analysis
(`playbook.analysis`, which holds the review it produces) and returns a `Review`: the findings
(blocking first), a score from 1 to 4 per phase with what the next level needs, and a one-line
verdict. Pure: no network, no I/O.
"""

from playbook.rubric.base import (
    SEVERITIES,
    Finding,
    Hit,
    ReviewContext,
    Rule,
    Severity,
    review_context,
    review_context_of,
)
from playbook.rubric.evaluation import golden_set_needed
from playbook.rubric.review import (
    RULES,
    PhaseScore,
    Review,
    build_review,
    review_design,
    score_phase,
    sort_findings,
    verdict_of,
)

__all__ = [
    "RULES",
    "SEVERITIES",
    "Finding",
    "Hit",
    "PhaseScore",
    "Review",
    "ReviewContext",
    "Rule",
    "Severity",
    "build_review",
    "golden_set_needed",
    "review_context",
    "review_context_of",
    "review_design",
    "score_phase",
    "sort_findings",
    "verdict_of",
]
