"""The README's count of rubric rules is the registry's count."""

from __future__ import annotations

import re
from pathlib import Path

from playbook.rubric.review import RULES

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_states_as_many_rubric_rules_as_the_registry_holds() -> None:
    stated = re.findall(r"\((\d+) rules across the six phases", README.read_text("utf-8"))

    assert stated == [str(len(RULES))]
