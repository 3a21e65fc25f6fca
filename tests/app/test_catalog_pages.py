"""The catalog in the app: a model from its config.json, retired models hidden from new choices,
and a saved design that says what changed since it was saved (library load and share link)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import db.designs
from db import create_share_link, save_design
from playbook import Design, design_from_data, update_design
from playbook.catalog import SavedPrice
from playbook.design import Design as DesignModel
from playbook.labels import escape_markdown
from tests.app.conftest import APP
from tests.app.library_support import app_engine, click, open_library
from ui import custom_entries

FIXTURES = Path(__file__).parents[1] / "fixtures" / "hf_configs"


@pytest.fixture
def engine(app: AppTest) -> Engine:
    return app_engine()


def _self_hosted_model_page(app: AppTest) -> None:
    app.session_state[custom_entries.MODEL_FORM_OPEN] = True  # the form's expander, opened
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("self_hosted").run()
    assert not app.exception, app.exception


def _holding(model_id: str, **fields: object) -> DesignModel:
    """A design saved back when `model_id` could be chosen (read, not chosen now)."""
    data = Design(title="Old contracts QA").model_dump(mode="json")
    data["model"] |= {"kind": "hosted", "hosted_model": model_id}
    return design_from_data({**data, **fields})


def test_a_pasted_config_json_adds_the_model_with_its_numbers(app: AppTest) -> None:
    _self_hosted_model_page(app)

    app.text_input(key="custom_model_hf.id").input("qwen3-moe-ours")
    text = (FIXTURES / "qwen3-30b-a3b.json").read_text("utf-8")
    app.text_area(key="custom_model_hf.text").input(text)
    app.button(key="FormSubmitter:custom_model_hf-Add model from config.json").click().run()

    (model,) = app.session_state["design"].custom_models
    assert (model.id, model.name) == ("qwen3-moe-ours", "Qwen3-30B-A3B")
    assert model.total_params == pytest.approx(30.5e9, rel=0.02)
    assert model.active_params == pytest.approx(3.3e9, rel=0.02)
    # 2 × 48 layers × 4 KV heads × 128 × 2 bytes = 98,304 B per token.
    assert "98,304 B of KV cache per token" in app.success[0].value
    assert "Qwen3-30B-A3B" in app.selectbox(key="model.open_model").options


def test_an_uploaded_config_json_is_read_too(app: AppTest) -> None:
    _self_hosted_model_page(app)

    app.text_input(key="custom_model_hf.id").input("scout-ours")
    upload = (FIXTURES / "llama-4-scout.json").read_bytes()
    app.file_uploader(key="custom_model_hf.file").upload("config.json", upload, "application/json")
    app.button(key="FormSubmitter:custom_model_hf-Add model from config.json").click().run()

    (model,) = app.session_state["design"].custom_models
    assert (model.sliding_window_layers, model.window_kind) == (36, "chunked")


def test_a_config_without_a_key_names_it_and_adds_nothing(app: AppTest) -> None:
    _self_hosted_model_page(app)

    app.text_area(key="custom_model_hf.text").input('{"hidden_size": 4096}')
    app.button(key="FormSubmitter:custom_model_hf-Add model from config.json").click().run()

    assert app.session_state["design"].custom_models == ()
    assert escape_markdown('no "num_hidden_layers"') in app.error[0].value


def test_the_hosted_picker_hides_retired_models(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()

    options = app.selectbox(key="model.hosted_model").options

    assert not any("Claude 3.5 Sonnet" in option for option in options)
    assert any("Claude Sonnet 5.5" in option for option in options)
    assert "GPT-4o (hosted, OpenAI, retires 2027-01-14)" in options


def test_a_design_holding_a_retired_model_still_shows_it(app: AppTest) -> None:
    app.session_state["design"] = _holding("claude-3.5-sonnet")
    app.switch_page("pages/model.py").run()

    assert not app.exception, app.exception
    picker = app.selectbox(key="model.hosted_model")
    assert picker.value == "claude-3.5-sonnet"
    assert "Claude 3.5 Sonnet (hosted, Anthropic, retired 2025-10-22)" in picker.options


def test_loading_a_design_with_a_retired_model_and_an_old_price_says_what_changed(
    app: AppTest, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_price = SavedPrice(id="claude-3.5-sonnet", field="usd_per_1m_input", value=6.0)
    monkeypatch.setattr(db.designs, "stamp_prices", lambda design: design)  # keep the old stamp
    save_design(engine, _holding("claude-3.5-sonnet", saved_prices=[old_price.model_dump()]))
    open_library(app)

    opener = next(button for button in app.button if button.key.startswith("library.load."))
    opener.click().run()

    notice = app.warning[0].value
    assert escape_markdown("Claude 3.5 Sonnet was retired on 2025-10-22") in notice
    assert escape_markdown("Claude Sonnet 5.5 replaces it at $2.00 / $10.00") in notice
    assert escape_markdown("input price per 1M tokens: $6.00 when saved, $3.00 now") in notice
    assert escape_markdown("Cost per month: $") in notice
    assert app.session_state["design"].model.hosted_model == "claude-3.5-sonnet"


def test_loading_a_design_with_nothing_changed_shows_no_notice(
    app: AppTest, engine: Engine
) -> None:
    save_design(engine, update_design(Design(title="Fresh"), "model", hosted_model="gpt-5.4"))
    open_library(app)

    click(app, next(b.key for b in app.button if b.key.startswith("library.load.")))

    assert "Loaded “Fresh”" in app.success[0].value
    assert [w.value for w in app.warning if "catalog changed" in w.value] == []


def test_a_share_link_to_a_design_with_a_retired_model_says_so(engine: Engine) -> None:
    saved = save_design(engine, _holding("gemini-1.5-pro"))
    token = create_share_link(engine, saved.id).token

    visitor = AppTest.from_file(str(APP), default_timeout=30)
    visitor.query_params["share"] = token
    visitor.run()

    assert not visitor.exception, visitor.exception
    assert escape_markdown("Gemini 1.5 Pro was retired on 2025-09-24") in visitor.warning[0].value
