"""One analysis of a design: `analyze(design, catalog)` is the only road from a design to numbers.

It returns a `DesignAnalysis`: the request timeline, the capacity of the self-hosted model, the
monthly bill, the retrieval figures, the rubric's review and the verdicts, computed once. Pages,
the diagram, the report, the interview and the command line read it; none computes a slice of
its own.
"""

from playbook.analysis.core import DesignAnalysis, analyze, design_hash, figures
from playbook.analysis.figures import (
    Bill,
    BillLine,
    Capacity,
    Check,
    Figures,
    Routing,
    State,
    Step,
    Timeline,
)

__all__ = [
    "Bill",
    "BillLine",
    "Capacity",
    "Check",
    "DesignAnalysis",
    "Figures",
    "Routing",
    "State",
    "Step",
    "Timeline",
    "analyze",
    "design_hash",
    "figures",
]
