"""Every rule stays quiet on the reference architectures, which are sound by construction."""

from __future__ import annotations

from functools import cache

import pytest

from playbook.catalog import load_catalog
from playbook.rubric import RULES, Review, review_design
from playbook.scenarios import load_scenario, scenario_names


@cache
def _review(name: str) -> Review:
    return review_design(load_scenario(name), load_catalog())


def test_there_are_reference_architectures_to_check() -> None:
    assert scenario_names()


@pytest.mark.parametrize("name", scenario_names())
@pytest.mark.parametrize("rule_id", [rule.id for rule in RULES])
def test_a_rule_stays_quiet_on_a_reference_architecture(rule_id: str, name: str) -> None:
    review = _review(name)

    fired = [f.message for f in review.findings if f.rule_id == rule_id]

    assert fired == []
