"""Grading a mock interview's design against what the prompt's ask implies.

The rubric judges a design on its own terms: the technique against the candidate's own gap
toggles, the model against the candidate's own on-prem switch. An interviewer judges it against
the ask. Each prompt carries what its ask implies (`Expects`); this module turns every gap
between the design and that yardstick into a finding in the phase it belongs to, with the
interviewer's reason, and adds them to the rubric's: the phase scores then rank answers the way
an interviewer would. A phase left as the interview started it (and never opened) scores as
unanswered.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Final

from playbook.analysis import figures
from playbook.catalog import Catalog
from playbook.codec import design_from_data
from playbook.design import PHASES, Design, Phase
from playbook.interview.followups import FollowUp
from playbook.interview.prompts import TOPIC_LABELS, TOPICS, Expects, Prompt, Topic
from playbook.labels import MODEL_KINDS, RUNGS
from playbook.rubric import Finding, Review
from playbook.rubric.review import build_review
from playbook.scenarios import load_scenario

RULE_PREFIX: Final = "prompt."
# Relative tolerance when a Phase 1 number is compared with the prompt's.
_SAME: Final = 1e-6


def blank_design(prompt: Prompt) -> Design:
    """Return the design an interview starts from: nothing chosen beyond what the ask states.

    The ask states only whether data may leave the company (on-prem); every gap, rung, model,
    metric and mitigation is the candidate's to choose, and the Phase 1 numbers come from the
    questions they ask.
    """
    return design_from_data(
        {
            "title": prompt.title,
            "constraints": {
                "knowledge_gap": False, "style_gap": False, "on_prem": prompt.expects.on_prem,
            },
            "technique": {"rungs": ["prompt"]},
            "evaluation": {
                "golden_set_size": 0, "offline_metrics": [], "online_metrics": [],
                "llm_as_judge": False, "red_team_set": False,
            },
        }
    )  # fmt: skip


def reference_for(prompt: Prompt, catalog: Catalog) -> Design:
    """Return the prompt's reference design at the prompt's own numbers and load.

    The scenario's decisions, with the changes the ask makes to them, Phase 1 set to the
    prompt's numbers, and the fleet sized for the prompt's peak: the like-for-like yardstick.
    """
    data = load_scenario(prompt.reference).model_dump(mode="json")
    data["title"] = f"Reference for {prompt.title}"
    expects = prompt.expects
    data["constraints"].update(prompt.targets())
    data["constraints"].update(
        knowledge_gap=expects.knowledge_gap, style_gap=expects.style_gap, on_prem=expects.on_prem
    )
    for path, value in prompt.reference_changes.items():
        *parents, field = path.split(".")
        part = data
        for name in parents:
            part = part[name]
        part[field] = value
    return sized_for_load(design_from_data(data), catalog)


def reference_at_load(prompt: Prompt, design: Design, catalog: Catalog) -> Design:
    """Return the prompt's reference re-sized for the candidate's own Phase 1 numbers.

    A scorecard compares a candidate's fleet with a reference sized for the same load, not
    for the numbers the scenario was written with.
    """
    data = reference_for(prompt, catalog).model_dump(mode="json")
    data["constraints"] = design.constraints.model_dump(mode="json")
    return sized_for_load(design_from_data(data), catalog)


def sized_for_load(design: Design, catalog: Catalog) -> Design:
    """Return `design` with as many replicas as its peak load needs (unchanged when hosted).

    The count is the analysis's: the replicas that carry the peak within the TTFT budget left
    once retrieval has run, for the prompt the model really reads.
    """
    capacity = figures(design, catalog, by_class=False).capacity
    if capacity is None:
        return design
    needed = capacity.replicas_needed
    if needed is None or needed <= design.serving.replicas:
        return design
    data = design.model_dump(mode="json")
    data["serving"]["replicas"] = int(needed)
    return design_from_data(data)


def after_followups(prompt: Prompt, followups: Iterable[FollowUp]) -> Prompt:
    """Return the prompt as the interviewer's follow-ups left it.

    A follow-up changes the ask mid-interview ("the data must stay on-prem", "traffic grows
    10x"): from then on the candidate is graded against the changed numbers and flags.
    """
    changed: dict[str, int | float] = {}
    expects = prompt.expects
    for change in (c for followup in followups for c in followup.changes):
        if change.field == "on_prem" and change.after is True:
            kinds = tuple(kind for kind in expects.model_kinds if kind != "hosted")
            expects = expects.model_copy(
                update={"on_prem": True, "model_kinds": kinds or ("self_hosted", "routing")}
            )
        elif not isinstance(change.after, bool):
            changed[change.field] = change.after
    answers = {
        topic: answer.model_copy(
            update={"values": {f: changed.get(f, v) for f, v in answer.values.items()}}
        )
        for topic, answer in prompt.answers.items()
    }
    return prompt.model_copy(update={"answers": answers, "expects": expects})


def grade(
    design: Design,
    prompt: Prompt,
    review: Review,
    *,
    visited: frozenset[Phase] | None = None,
    asked: tuple[Topic, ...] | None = None,
) -> Review:
    """Return `review` with the prompt's findings added, rescored phase by phase.

    `visited` names the phases the candidate spent time on; a phase left exactly as the
    interview started it counts as unanswered unless it was visited. `asked` names the Phase 1
    topics the candidate asked about: a number never asked for is missing even when the design
    happens to hold it. None for either: judge by the design alone.
    """
    extra = tuple(prompt_findings(design, prompt, visited=visited, asked=asked))
    return build_review((*review.findings, *extra))


def counted_phases(design: Design, prompt: Prompt) -> tuple[Phase, ...]:
    """Return the phases the overall score averages: those the design or the ask puts in play.

    Retrieval counts when the design retrieves or the ask needs retrieval, serving when the
    design self-hosts or the ask rules hosted models out; leaving out what neither needs is
    right, and is credited in the phase that decided it.
    """
    skip = set()
    if not design.uses_rag and not prompt.expects.needs_rag:
        skip.add("retrieval")
    if not design.self_hosts and not prompt.expects.self_hosts:
        skip.add("serving")
    return tuple(phase for phase in PHASES if phase not in skip)


def overall_score(review: Review, design: Design, prompt: Prompt) -> float:
    """Return the mean score over the phases in play, to two decimals."""
    counted = counted_phases(design, prompt)
    scores = [s.score for s in review.scores if s.phase in counted]
    return round(sum(scores) / len(scores), 2)


def prompt_findings(
    design: Design,
    prompt: Prompt,
    *,
    visited: frozenset[Phase] | None = None,
    asked: tuple[Topic, ...] | None = None,
) -> Iterator[Finding]:
    """Yield a finding for every way `design` falls short of what the prompt's ask implies."""
    expects = prompt.expects
    yield from _numbers(design, prompt, asked)
    yield from _gaps(design, expects)
    yield from _technique(design, expects)
    yield from _model(design, expects)
    yield from _retrieval(design, expects)
    yield from _serving(design, expects)
    yield from _evaluation(design, expects)
    yield from _untouched(design, prompt, visited)


def _finding(
    rule: str, phase: Phase, severity: str, message: str, fix: str, constraint: str | None = None
) -> Finding:
    return Finding.model_validate(
        {
            "rule_id": RULE_PREFIX + rule, "severity": severity, "phase": phase,
            "message": message, "fix": fix, "constraint": constraint,
        }
    )  # fmt: skip


def _why(expects: Expects, key: str) -> str:
    reason = expects.why.get(key)
    return f" ({reason})" if reason else ""


def _holds(design: Design, prompt: Prompt, topic: Topic) -> bool:
    held = design.constraints.model_dump()
    return all(
        math.isclose(float(held[field]), float(value), rel_tol=_SAME)
        for field, value in prompt.answers[topic].values.items()
    )


def _numbers(design: Design, prompt: Prompt, asked: tuple[Topic, ...] | None) -> Iterator[Finding]:
    missing = [
        topic
        for topic in TOPICS
        if (asked is not None and topic not in asked) or not _holds(design, prompt, topic)
    ]
    if not missing:
        return
    names = ", ".join(TOPIC_LABELS[topic].lower() for topic in missing)
    severity = "block" if len(missing) == len(TOPICS) else "warn"
    yield _finding(
        "numbers_missing", "constraints", severity,
        f"Phase 1 does not hold the ask's {names}: the design is sized for numbers the "
        "interviewer never gave",
        "ask the interviewer for each number and set it into Phase 1",
    )  # fmt: skip


def _gaps(design: Design, expects: Expects) -> Iterator[Finding]:
    c = design.constraints
    for field, label in (("knowledge_gap", "a knowledge gap"), ("style_gap", "a style gap")):
        implied = getattr(expects, field)
        if getattr(c, field) != implied:
            said = "implies" if implied else "does not imply"
            yield _finding(
                "gap_misread", "constraints", "warn",
                f"the ask {said} {label}{_why(expects, field)}",
                f"{'turn on' if implied else 'turn off'} {label} in Phase 1", constraint=field,
            )  # fmt: skip
    if c.on_prem != expects.on_prem:
        said = "requires" if expects.on_prem else "does not require"
        yield _finding(
            "on_prem_misread", "constraints", "block",
            f"the ask {said} keeping data in-house{_why(expects, 'on_prem')}",
            f"{'turn on' if expects.on_prem else 'turn off'} on-prem only in Phase 1",
            constraint="on_prem",
        )  # fmt: skip


def _technique(design: Design, expects: Expects) -> Iterator[Finding]:
    rungs = design.technique.rungs
    for group in expects.rungs:
        if not set(group) & set(rungs):
            names = " or ".join(RUNGS[rung] for rung in group)
            reason = _why(expects, "rungs") or _why(
                expects, "knowledge_gap" if "rag" in group else "style_gap"
            )
            yield _finding(
                "rung_missing", "technique", "block",
                f"the ask needs {names}{reason}; the design's ladder has "
                f"{', '.join(RUNGS[r] for r in rungs)}",
                f"add {names} in Phase 2",
            )  # fmt: skip
    for rung in rungs:
        if rung in expects.overkill:
            yield _finding(
                "rung_overkill", "technique", "warn",
                f"{RUNGS[rung]} is over-engineering for this ask{_why(expects, 'overkill')}",
                f"drop {RUNGS[rung]} from Phase 2",
            )  # fmt: skip


def _model(design: Design, expects: Expects) -> Iterator[Finding]:
    if design.model.kind in expects.model_kinds:
        return
    allowed = " or ".join(MODEL_KINDS[kind] for kind in expects.model_kinds)
    yield _finding(
        "model_kind", "model", "block",
        f"{MODEL_KINDS[design.model.kind]} does not fit the ask{_why(expects, 'model_kinds')}",
        f"choose {allowed} in Phase 3",
    )  # fmt: skip


def _retrieval(design: Design, expects: Expects) -> Iterator[Finding]:
    if expects.needs_rag and not design.uses_rag:
        yield _finding(
            "no_retrieval", "retrieval", "block",
            f"the ask needs retrieval{_why(expects, 'knowledge_gap')} and no retrieval is designed",
            "add RAG in Phase 2, then design chunking, index and reranking in Phase 4",
        )  # fmt: skip
        return
    if not design.uses_rag:
        return
    r = design.retrieval
    if expects.reranker and not r.reranker:
        yield _finding(
            "reranker_missing", "retrieval", "block",
            f"no reranker, where the ask's bar needs one{_why(expects, 'reranker')}",
            "turn on the reranker in Phase 4", constraint="accuracy_bar_pct",
        )  # fmt: skip
    if expects.untrusted_documents and not r.untrusted_documents:
        yield _finding(
            "untrusted_misread", "retrieval", "warn",
            f"the corpus holds text from outside the team{_why(expects, 'untrusted_documents')}, "
            "but Phase 4 treats every document as trusted",
            "mark the documents as untrusted in Phase 4",
        )  # fmt: skip


def _serving(design: Design, expects: Expects) -> Iterator[Finding]:
    if expects.self_hosts and not design.self_hosts:
        yield _finding(
            "no_serving", "serving", "block",
            f"the ask needs a model on your own GPUs{_why(expects, 'model_kinds')} and no "
            "serving is designed",
            "choose a self-hosted model in Phase 3, then size its GPUs in Phase 5",
        )  # fmt: skip


def _evaluation(design: Design, expects: Expects) -> Iterator[Finding]:
    if expects.red_team and not design.evaluation.red_team_set:
        yield _finding(
            "red_team_missing", "evaluation", "warn",
            f"no red-team set{_why(expects, 'red_team')}",
            "add a red-team set in Phase 6",
        )  # fmt: skip


def _in_effect(design: Design, phase: Phase) -> bool:
    if phase == "retrieval":
        return design.uses_rag
    if phase == "serving":
        return design.self_hosts
    return True


def _untouched(
    design: Design, prompt: Prompt, visited: frozenset[Phase] | None
) -> Iterator[Finding]:
    start = blank_design(prompt)
    for phase in PHASES[1:]:  # Phase 1 is judged by its numbers above
        if not _in_effect(design, phase) or (visited is not None and phase in visited):
            continue
        if getattr(design, phase) == getattr(start, phase):
            yield _finding(
                "phase_untouched", phase, "block",
                "this phase is as the interview started it: nothing was decided here",
                "open the phase and make its decisions",
            )  # fmt: skip
