"""The Serving page and the diagram say where a hosted model's latency comes from, and when."""

from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from playbook.analysis.timeline import HOSTED_DEFAULT_NOTE
from tests.app.conftest import diagram_of, open_expanders


def _hosted(app: AppTest, model_id: str) -> None:
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("hosted").run()
    app.selectbox(key="model.hosted_model").set_value(model_id).run()
    assert not app.exception, app.exception


def _captions(app: AppTest) -> str:
    # The captions went through the one Markdown escaper: read them without its backslashes.
    return "\n".join(str(caption.value) for caption in app.caption).replace("\\", "")


@pytest.mark.parametrize(
    ("model_id", "said", "drawn"),
    [
        # GPT-5.4's 912 ms and 44.8 tokens/s are Jonathan Wrede's OpenRouter medians.
        ("gpt-5.4", "GPT-5.4: 912 ms to the first token, 44.8 output tokens/s: published median",
         "latency: published median, as of 2026-12-02"),
        ("gpt-6-luna", f"GPT-6 Luna: 500 ms to the first token, 80 output tokens/s: "
         f"{HOSTED_DEFAULT_NOTE}", "latency assumed: no published figure"),
    ],
)  # fmt: skip
def test_the_hosted_panel_and_the_diagram_show_the_latency_source_and_date_or_the_default(
    app: AppTest, model_id: str, said: str, drawn: str
) -> None:
    _hosted(app, model_id)

    app.switch_page("pages/serving.py").run()
    shown = _captions(app)
    app.switch_page("pages/diagram.py").run()
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", diagram_of(app))).split())

    assert f"Hosted latency of {said}" in shown
    if model_id == "gpt-5.4":
        assert "jonathanwrede.de" in shown
        assert "(as of 2026-12-02)" in shown
    assert drawn in words


def test_the_critique_shows_the_source_and_date_behind_a_first_token_over_budget(
    app: AppTest,
) -> None:
    # The default design: retrieval before the model, and an 800 ms first-token budget that
    # GPT-5.4's published 912 ms alone exceeds.
    _hosted(app, "gpt-5.4")

    app.switch_page("pages/critique.py").run()
    open_expanders(app)  # the math (and its sources) is drawn once "Show the math" is opened
    shown = _captions(app)

    assert any("serving.ttft_over_budget" in str(md.value) for md in app.markdown)
    assert "Sources: https://www.jonathanwrede.de/" in shown.replace("\u2060", "")
    assert "(as of 2026-12-02)" in shown
