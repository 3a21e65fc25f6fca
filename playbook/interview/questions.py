"""Clarifying questions: the interviewer's answer to each of the four Phase 1 numbers."""

from __future__ import annotations

from playbook.codec import update_design
from playbook.design import Design
from playbook.interview.prompts import TOPICS, Answer, Prompt, Topic


def reveal(prompt: Prompt, topic: Topic) -> Answer:
    """Return what the interviewer says, and the numbers it gives, when asked about `topic`."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose one of: {', '.join(TOPICS)}")
    return prompt.answers[topic]


def apply_answer(design: Design, answer: Answer) -> Design:
    """Return `design` with the answer's numbers set into Phase 1 (its other fields untouched)."""
    return update_design(design, "constraints", **answer.values)
