"""Hints: one per phase on request, drawn from the playbook for the design as it stands.

In order of preference: the clarifying questions not yet asked (Phase 1), the technique ladder's
verdict on the chosen rungs (Phase 2), the rubric's most severe finding in the phase with its fix,
and otherwise the playbook's rule of thumb for the phase.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from playbook.design import Design, Phase
from playbook.interview.prompts import TOPIC_LABELS, TOPICS, Topic
from playbook.labels import RUNGS
from playbook.ladder import check_technique, recommend_technique
from playbook.rubric import Review

HintSource = Literal["questions", "ladder", "rubric", "playbook"]
RULES_OF_THUMB: Final[dict[Phase, str]] = {
    "constraints": "State the gaps the ask reveals: missing facts point to RAG, a required voice "
    "or format to fine-tuning, and data that may not leave your infrastructure rules out hosted "
    "APIs.",
    "technique": "Climb the ladder only as far as the bar needs: prompt, few-shot, RAG, LoRA, "
    "continued pretraining; each rung costs about 10× the one below.",
    "model": "Compare hosted, self-hosted and routing on cost per month at your peak load; "
    "self-host when the volume pays for the GPUs or the data must stay with you.",
    "retrieval": "Size the index from the corpus: chunks × dimensions × bytes; add BM25 and a "
    "reranker when the accuracy bar is high, and set a recall@k target above the bar.",
    "serving": "Check that weights plus KV cache fit the GPU, then count replicas from the peak "
    "QPS; continuous batching and paged attention come first, speculative decoding helps ITL.",
    "evaluation": "Name a golden set sized for the bar, offline metrics for retrieval and "
    "faithfulness, an online metric users feel, and a mitigation per failure mode.",
}


class Hint(BaseModel):
    """A hint for one phase, and where in the playbook it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: Phase
    text: str
    source: HintSource


def _questions_hint(asked: tuple[Topic, ...]) -> Hint | None:
    missing = [TOPIC_LABELS[topic].lower() for topic in TOPICS if topic not in asked]
    if not missing:
        return None
    return Hint(
        phase="constraints",
        text=f"Ask the interviewer for the {', '.join(missing)} before you choose anything: the "
        "four numbers decide the technique, the model and the serving stack.",
        source="questions",
    )


def _ladder_hint(design: Design) -> Hint:
    problems = check_technique(design)
    if problems:
        return Hint(phase="technique", text=problems[0].message, source="ladder")
    rec = recommend_technique(design.constraints)
    top = rec.rungs[-1]
    reason = next((r.text for r in rec.reasons if r.rung == top), "")
    below = rec.why_not_below.get(top, "")
    text = f"The ladder recommends {' + '.join(RUNGS[r] for r in rec.rungs)}: {reason}"
    return Hint(phase="technique", text=f"{text}. {below.capitalize()}".strip(), source="ladder")


def _rubric_hint(phase: Phase, review: Review) -> Hint | None:
    finding = next((f for f in review.findings if f.phase == phase), None)
    if finding is None:
        return None
    return Hint(phase=phase, text=f"{finding.message}. Fix: {finding.fix}", source="rubric")


def hint_for(
    phase: Phase, *, design: Design, review: Review, asked: tuple[Topic, ...] = ()
) -> Hint:
    """Return the hint for `phase` given the design, its review and the questions asked so far."""
    found: Hint | None = None
    if phase == "constraints":
        found = _questions_hint(asked)
    elif phase == "technique":
        found = _ladder_hint(design)
    found = found or _rubric_hint(phase, review)
    return found or Hint(phase=phase, text=RULES_OF_THUMB[phase], source="playbook")
