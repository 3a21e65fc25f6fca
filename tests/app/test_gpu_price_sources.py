"""Where the app prices a GPU (the bill's GPU line), its math names every provider behind it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playbook.catalog import find, load_catalog
from playbook.labels import escape_markdown
from ui import panels


def _sources(at: AppTest) -> str:
    return " ".join(str(c.value) for c in at.caption if str(c.value).startswith("Sources: "))


@pytest.mark.parametrize("gpu_id", ["h100-sxm", "mi325x"])
def test_the_gpu_bill_lines_math_names_each_provider_price_and_date_of_the_chosen_gpu(
    app: AppTest, gpu_id: str
) -> None:
    gpu = find(load_catalog().gpus, gpu_id)
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("self_hosted").run()
    app.switch_page("pages/serving.py").run()
    app.selectbox(key="serving.gpu").set_value(gpu_id).run()
    app.switch_page("pages/model.py").run()
    app.session_state[panels.BILL_MATH] = True  # the reader opens "Show the math of each line"
    app.run()

    shown = _sources(app)

    assert len(gpu.prices) >= 2
    for price in gpu.prices:
        # e.g. "RunPod $3.99 (2026-11-09)", drawn through the one Markdown escaper.
        assert escape_markdown(f"{price.provider} ${price.usd_per_hour:g} ({price.as_of})") in shown
