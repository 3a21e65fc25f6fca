"""The prompt bank: interview asks, the numbers an interviewer reveals when asked, and a reference.

A prompt's four answers are the Phase 1 numbers (accuracy bar, latency budget, cost ceiling,
scale), hidden until the candidate asks for them; each answer sets only its own fields of
`Constraints`, so revealing one number never leaks another.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Annotated, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playbook.design import Constraints, ModelKind, Rung

Topic = Literal["accuracy", "latency", "cost", "scale"]
TOPICS: tuple[Topic, ...] = get_args(Topic)
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = get_args(Difficulty)

# The `Constraints` fields each clarifying question may reveal.
TOPIC_FIELDS: Final[dict[Topic, tuple[str, ...]]] = {
    "accuracy": ("accuracy_bar_pct",),
    "latency": ("ttft_ms", "itl_ms", "total_response_s"),
    "cost": ("cost_per_request_usd", "cost_per_user_month_usd"),
    "scale": (
        "peak_qps", "concurrent_users", "monthly_active_users", "corpus_documents",
        "avg_document_tokens", "avg_prompt_tokens", "avg_output_tokens",
    ),
}  # fmt: skip
TOPIC_LABELS: Final[dict[Topic, str]] = {
    "accuracy": "Accuracy bar",
    "latency": "Latency budget",
    "cost": "Cost ceiling",
    "scale": "Scale",
}
TOPIC_QUESTIONS: Final[dict[Topic, str]] = {
    "accuracy": "How often may an answer be wrong?",
    "latency": "How fast must it answer (first token, per token, in total)?",
    "cost": "What may a request, and a user per month, cost?",
    "scale": "How much traffic, how many users, how big a corpus?",
}
PROMPT_ID = r"^[a-z][a-z0-9-]{1,59}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Frozen):
    """What the interviewer says when asked about one topic, and the numbers it sets."""

    says: Annotated[str, Field(min_length=1, max_length=600)]
    values: dict[str, int | float]


class Expects(_Frozen):
    """What the product ask implies, the yardstick the interview grades a design against.

    `rungs` lists groups of the technique ladder a strong answer uses, any one rung of each
    group (e.g. `[["rag"], ["few_shot", "lora"]]`: retrieval, and examples or a LoRA for the
    voice); `overkill` the rungs that would be over-engineering for this ask. A `None` in
    `reranker` or `red_team` means the ask leaves it to the candidate. `why` gives the reason
    shown with each graded item, in the interviewer's words.
    """

    knowledge_gap: bool
    style_gap: bool
    on_prem: bool
    rungs: tuple[tuple[Rung, ...], ...]
    overkill: tuple[Rung, ...] = ()
    model_kinds: tuple[ModelKind, ...] = ("hosted", "self_hosted", "routing")
    reranker: bool | None = None
    untrusted_documents: bool = False
    red_team: bool | None = None
    why: dict[str, Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=dict
    )

    @property
    def needs_rag(self) -> bool:
        """Whether every strong answer retrieves (RAG is a group of its own)."""
        return ("rag",) in self.rungs

    @property
    def self_hosts(self) -> bool:
        """Whether the ask rules out a hosted model."""
        return "hosted" not in self.model_kinds


class Prompt(_Frozen):
    """One interview prompt: the ask, the hidden answers, a difficulty and a reference design."""

    id: Annotated[str, Field(pattern=PROMPT_ID)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    difficulty: Difficulty
    reference: Annotated[str, Field(min_length=1, max_length=60)]  # a scenario name
    ask: Annotated[str, Field(min_length=1, max_length=1_000)]
    answers: dict[Topic, Answer]
    expects: Expects
    # Decisions of the reference scenario this ask changes, by dotted path
    # ("model.kind": "self_hosted", "evaluation.mitigations.kv_cache_oom": "admission_control").
    reference_changes: dict[str, str | int | float | bool | list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _answers_fit_their_topics(self) -> Prompt:
        missing = [topic for topic in TOPICS if topic not in self.answers]
        if missing:
            raise ValueError(f"prompt {self.id!r} lacks answers for: {', '.join(missing)}")
        for topic, answer in self.answers.items():
            stray = sorted(set(answer.values) - set(TOPIC_FIELDS[topic]))
            if stray:
                allowed = ", ".join(TOPIC_FIELDS[topic])
                raise ValueError(
                    f"prompt {self.id!r}, {topic}: {', '.join(stray)} is not one of: {allowed}"
                )
        # Every revealed number must be one Phase 1 accepts.
        Constraints.model_validate(self.targets())
        return self

    def targets(self) -> dict[str, int | float]:
        """Return every hidden number of the prompt, by `Constraints` field."""
        return {field: value for a in self.answers.values() for field, value in a.values.items()}


class PromptBank(_Frozen):
    """The prompts shipped with the app."""

    prompts: tuple[Prompt, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> PromptBank:
        seen = [prompt.id for prompt in self.prompts]
        twice = sorted({pid for pid in seen if seen.count(pid) > 1})
        if twice:
            raise ValueError(f"prompt ids used twice: {', '.join(twice)}")
        return self


@cache
def load_prompts() -> tuple[Prompt, ...]:
    """Return the prompt bank shipped in `playbook/data/prompts.json` (read once)."""
    text = resources.files("playbook").joinpath("data/prompts.json").read_text("utf-8")
    return PromptBank.model_validate(json.loads(text)).prompts


def prompt_ids() -> tuple[str, ...]:
    """Return the id of every prompt in the bank, in bank order."""
    return tuple(prompt.id for prompt in load_prompts())


def get_prompt(prompt_id: str) -> Prompt:
    """Return the prompt with `prompt_id`, or raise ValueError listing the valid ids."""
    for prompt in load_prompts():
        if prompt.id == prompt_id:
            return prompt
    raise ValueError(f"unknown prompt {prompt_id!r}; choose one of: {', '.join(prompt_ids())}")
