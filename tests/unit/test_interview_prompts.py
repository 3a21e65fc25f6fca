"""The prompt bank: enough prompts, each mapping to a reference architecture, numbers by topic."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from playbook import Design
from playbook.interview import TOPICS, apply_answer, get_prompt, load_prompts, prompt_ids, reveal
from playbook.interview.prompts import DIFFICULTIES, TOPIC_FIELDS, Prompt
from playbook.scenarios import scenario_names

IDS = prompt_ids()


def test_the_bank_holds_at_least_ten_prompts_with_unique_ids() -> None:
    assert len(IDS) >= 10
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize(
    "prompt_id",
    ["ide-completion", "contract-qa", "telco-support", "workplace-search", "meeting-minutes",
     "sql-copilot"],
)  # fmt: skip
def test_the_bank_covers_the_products_the_issue_names(prompt_id: str) -> None:
    assert prompt_id in IDS


@pytest.mark.parametrize("prompt_id", IDS)
def test_every_prompt_maps_to_a_shipped_reference_architecture(prompt_id: str) -> None:
    assert get_prompt(prompt_id).reference in scenario_names()


@pytest.mark.parametrize("prompt_id", IDS)
def test_every_prompt_answers_each_topic_with_only_that_topics_numbers(prompt_id: str) -> None:
    prompt = get_prompt(prompt_id)

    fields = {topic: set(prompt.answers[topic].values) for topic in TOPICS}

    assert all(fields[topic] and fields[topic] <= set(TOPIC_FIELDS[topic]) for topic in TOPICS)


@pytest.mark.parametrize("prompt_id", IDS)
def test_every_prompts_numbers_are_ones_phase_1_accepts(prompt_id: str) -> None:
    prompt = get_prompt(prompt_id)
    design = Design()

    for topic in TOPICS:
        design = apply_answer(design, reveal(prompt, topic))

    assert design.constraints.model_dump(include=set(prompt.targets())) == prompt.targets()


def test_the_bank_has_prompts_of_every_difficulty() -> None:
    assert {prompt.difficulty for prompt in load_prompts()} == set(DIFFICULTIES)


def test_an_unknown_prompt_id_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="choose one of: ide-completion, pr-review-bot"):
        get_prompt("no-such-prompt")


def _prompt_data(**answers: dict[str, float]) -> dict[str, object]:
    says = {topic: {"says": "…", "values": answers.get(topic, {})} for topic in TOPICS}
    return {
        "id": "made-up", "title": "Made up", "difficulty": "easy", "reference": "document-qa",
        "ask": "Build it.", "answers": says,
        "expects": {
            "knowledge_gap": True, "style_gap": False, "on_prem": False, "rungs": [["rag"]],
        },
    }  # fmt: skip


def test_an_answer_that_reveals_another_topics_number_is_refused() -> None:
    data = _prompt_data(accuracy={"accuracy_bar_pct": 90, "ttft_ms": 500})

    with pytest.raises(ValidationError, match="accuracy: ttft_ms is not one of: accuracy_bar_pct"):
        Prompt.model_validate(data)


def test_an_answer_outside_phase_1_ranges_is_refused() -> None:
    data = _prompt_data(accuracy={"accuracy_bar_pct": 120})

    with pytest.raises(ValidationError, match="accuracy_bar_pct"):
        Prompt.model_validate(data)
