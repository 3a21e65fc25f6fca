"""Reference architectures: sound designs of common GenAI products, shipped as Design JSON.

Each file in `playbook/data/scenarios/` is a complete `Design` whose `scenario` is its file name.
They are starting points and yardsticks: their numbers fit the budgets by the app's own
estimates, and the tests hold them to it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from playbook.catalog import name_of
from playbook.codec import parse_design
from playbook.design import Constraints, Design, catalog_for
from playbook.format import money, number
from playbook.labels import MODEL_KINDS_SHORT, RUNGS, compact_number

SCENARIO_DIR = "data/scenarios"


class UnknownScenarioError(LookupError):
    """No reference architecture has this name; the message lists the valid names."""


class ScenarioSummary(BaseModel):
    """One line per reference architecture: what it is, its Phase 1 numbers and main choices."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    pitch: str  # the first sentence of the Phase 1 notes, or the title
    numbers: str  # accuracy bar, latency budget, cost ceilings and scale in one line
    technique: str
    model: str


@cache
def scenario_names() -> tuple[str, ...]:
    """Return the names of the shipped reference architectures, sorted."""
    folder = resources.files("playbook").joinpath(SCENARIO_DIR)
    found = (entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    return tuple(sorted(name.removesuffix(".json") for name in found))


@cache
def load_scenario(name: str) -> Design:
    """Return the reference architecture `name`, or raise `UnknownScenarioError` naming them."""
    if name not in scenario_names():
        raise UnknownScenarioError(
            f"no reference architecture {name!r}; choose one of: {', '.join(scenario_names())}"
        )
    path = resources.files("playbook").joinpath(f"{SCENARIO_DIR}/{name}.json")
    return parse_design(path.read_text("utf-8"))


def phase1_line(constraints: Constraints) -> str:
    """Return the four Phase 1 numbers (accuracy, latency, cost, scale) as one line."""
    c = constraints
    return (
        f"{c.accuracy_bar_pct:g}% accuracy · TTFT {c.ttft_ms:,} ms, ITL {c.itl_ms:,} ms · "
        f"{money(c.cost_per_request_usd)}/request, {money(c.cost_per_user_month_usd)}/user/month · "
        f"{number(c.peak_qps)} QPS peak, {compact_number(c.concurrent_users)} users"
    )


def technique_line(design: Design) -> str:
    """Return the chosen rungs of the ladder as one line, e.g. 'RAG (retrieval)'."""
    return " + ".join(RUNGS[rung] for rung in design.technique.rungs)


def model_line(design: Design) -> str:
    """Return the model class and the model(s) by name, e.g. 'Self-hosted: Qwen2.5 14B'."""
    catalog, m = catalog_for(design), design.model
    kind = MODEL_KINDS_SHORT[m.kind]
    if m.kind == "hosted":
        return f"{kind}: {name_of(catalog.hosted_models, m.hosted_model)}"
    if m.kind == "self_hosted":
        return f"{kind}: {name_of(catalog.open_models, m.open_model)}"
    small = name_of(catalog.open_models, m.small_model)
    everything = catalog.open_models + catalog.hosted_models
    large = name_of(everything, m.large_model)
    return f"{kind}: {small} ({m.small_share_pct}%) and {large} ({100 - m.small_share_pct}%)"


def pitch_of(design: Design) -> str:
    """Return the first sentence of the design's Phase 1 notes, or its title without notes."""
    notes = " ".join(design.constraints.notes.split())
    if not notes:
        return design.title
    first, dot, _ = notes.partition(". ")
    return first + dot.strip()


def scenario_summaries() -> tuple[ScenarioSummary, ...]:
    """Return a summary of every reference architecture, in name order."""
    return tuple(_summary(name, load_scenario(name)) for name in scenario_names())


def _summary(name: str, design: Design) -> ScenarioSummary:
    return ScenarioSummary(
        name=name,
        title=design.title,
        pitch=pitch_of(design),
        numbers=phase1_line(design.constraints),
        technique=technique_line(design),
        model=model_line(design),
    )
