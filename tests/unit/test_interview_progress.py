"""Progress: per-phase scores over past interviews, oldest first, and the weakest phase."""

from __future__ import annotations

from playbook.design import PHASES
from playbook.interview import phase_averages, progress_points, weakest_phase
from playbook.interview.progress import ProgressPoint, drill, exercise
from playbook.interview.prompts import load_prompts
from playbook.interview.scorecard import Scorecard
from tests.unit.test_interview_export import sample_card


def _scored(card: Scorecard, finished_at: float, scores: tuple[int, ...]) -> Scorecard:
    phases = tuple(
        entry.model_copy(update={"score": score})
        for entry, score in zip(card.phases, scores, strict=True)
    )
    return card.model_copy(update={"phases": phases, "finished_at": finished_at})


def test_points_come_oldest_first_with_each_phases_score() -> None:
    later = _scored(sample_card(), 2_000, (4, 4, 3, 2, 1, 4))
    earlier = _scored(sample_card(), 1_000, (3, 3, 3, 3, 3, 3))

    points = progress_points([later, earlier])

    assert [p.finished_at for p in points] == [1_000, 2_000]
    assert [points[1].scores[phase] for phase in PHASES] == [4, 4, 3, 2, 1, 4]


def test_the_weakest_phase_has_the_lowest_mean_score() -> None:
    cards = [
        _scored(sample_card(), 1_000, (4, 4, 2, 3, 2, 4)),
        _scored(sample_card(), 2_000, (4, 3, 1, 3, 2, 4)),
    ]

    points = progress_points(cards)

    assert phase_averages(points)["model"] == 1.5
    assert weakest_phase(points) == "model"


def test_a_tie_names_the_earlier_phase() -> None:
    points = progress_points([_scored(sample_card(), 1_000, (4, 4, 4, 2, 2, 4))])

    assert weakest_phase(points) == "retrieval"


def test_no_interviews_have_no_weakest_phase() -> None:
    empty: tuple[ProgressPoint, ...] = ()

    assert weakest_phase(empty) is None
    assert phase_averages(empty) == {}


def _point(prompt_id: str) -> ProgressPoint:
    return ProgressPoint(
        session_id="ab12cd34", prompt_id=prompt_id, finished_at=1.0, prompt_title="t",
        scores=dict.fromkeys(PHASES, 2), mean_score=2.0, verdict="Borderline",
    )  # fmt: skip


def test_a_retrieval_drill_is_a_prompt_with_a_reranker_untrusted_text_and_a_big_corpus() -> None:
    # research-archive: reranker (96 % bar), outside papers, 30 M documents: 1 + 1 + 1 + 1 = 4,
    # more than any other prompt gives the retrieval phase.
    chosen = drill("retrieval", (), load_prompts())

    assert chosen is not None
    assert chosen.id == "research-archive"
    assert exercise(chosen, "retrieval") == 4


def test_a_drill_prefers_a_prompt_not_yet_attempted() -> None:
    chosen = drill("retrieval", (_point("research-archive"),), load_prompts())

    assert chosen is not None
    assert chosen.id != "research-archive"
    assert exercise(chosen, "retrieval") == 3


def test_a_technique_drill_combines_rungs_and_a_style_gap() -> None:
    # global-support: two groups of rungs, one over-engineering rung, a style gap: 2 + 1 + 1.
    chosen = drill("technique", (), load_prompts())

    assert chosen is not None
    assert exercise(chosen, "technique") == 4
    assert chosen.expects.style_gap


def test_a_serving_drill_must_self_host() -> None:
    chosen = drill("serving", (), load_prompts())

    assert chosen is not None
    assert chosen.expects.self_hosts
