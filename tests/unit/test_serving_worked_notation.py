"""The replicas' worked line prints positional numbers whatever the rate: a setup that carries
almost nothing printed `ceil(150 ÷ 0.00) = 1.66535e+06` (found by the analysis property test)."""

from __future__ import annotations

import pytest

from playbook import Design, update_design
from playbook.design import catalog_for
from playbook.estimates.serving import report
from playbook.estimates.serving.report import replicas_needed, setup_from_design


def test_a_tiny_rate_prints_in_full_and_the_count_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    design = update_design(Design(), "model", kind="self_hosted")
    setup = setup_from_design(design, catalog_for(design))
    assert setup is not None
    monkeypatch.setattr(report, "best_rate", lambda *_args, **_kwargs: 0.0000901)

    needed = replicas_needed(setup, qps=150, ttft_ms=800, itl_ms=50)

    # 150 ÷ 0.0000901 = 1,664,816.87…, so ceil gives 1,664,817 replicas.
    assert needed.value == 1_664_817
    assert needed.worked == "ceil(150 ÷ 0.0000901) = 1,664,817"
