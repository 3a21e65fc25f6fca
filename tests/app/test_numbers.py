"""Numbers beside the choices: the ladder recommendation and retrieval estimates follow them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from playbook.catalog import find, load_catalog
from playbook.labels import escape_markdown
from ui import custom_entries, panels


def _metric(at: AppTest, name: str) -> str:
    return next(str(metric.value) for metric in at.metric if metric.label.startswith(name))


def test_the_technique_page_recommends_rag_for_a_knowledge_gap(app: AppTest) -> None:
    app.switch_page("pages/technique.py").run()

    assert any("Recommended from your Phase 1 numbers: RAG" in md.value for md in app.markdown)


def test_a_rung_above_the_recommendation_is_flagged_until_a_reason_is_given(app: AppTest) -> None:
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(["rag", "lora"]).run()
    flagged = [warning.value for warning in app.warning]

    app.text_area(key="technique.justification").input("legal tone must match templates").run()

    assert any("LoRA fine-tune is above the recommendation" in text for text in flagged)
    assert not app.warning


def test_retrieval_numbers_follow_the_chunk_size(app: AppTest) -> None:
    app.switch_page("pages/retrieval.py").run()
    before = _metric(app, "Chunks")

    app.select_slider(key="retrieval.chunk_tokens").set_value(256).run()

    assert before == "300k chunks"  # 100k documents of 1,000 tokens in 512-token chunks, 64 overlap
    assert _metric(app, "Chunks") == "500k chunks"  # ceil((1000 - 64) / (256 - 64)) = 5 per doc


def test_the_index_memory_follows_the_index_choice(app: AppTest) -> None:
    app.switch_page("pages/retrieval.py").run()
    hnsw = _metric(app, "HNSW index memory")

    app.radio(key="retrieval.index").set_value("ivf_pq").run()

    assert _metric(app, "IVF-PQ index memory") != hnsw


def _self_hosted(at: AppTest, model: str = "llama-3.1-8b") -> None:
    at.switch_page("pages/model.py").run()
    at.radio(key="model.kind").set_value("self_hosted").run()
    at.selectbox(key="model.open_model").set_value(model).run()


def test_the_model_page_weighs_the_cost_against_the_ceilings(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    hosted = _metric(app, "Cost per month")

    _self_hosted(app)

    texts = [box.value for box in (*app.success, *app.error)]
    # Verdicts can name a design's own model, so they are shown through escape_markdown.
    assert any(escape_markdown("per request against a ceiling of $0.01") in t for t in texts)
    assert any(escape_markdown("per user per month against a ceiling of $5") in t for t in texts)
    assert _metric(app, "Cost per month") != hosted


def test_a_70b_model_on_one_gpu_does_not_fit_and_the_fixes_are_listed(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")

    app.switch_page("pages/serving.py").run()

    assert "Does not fit" in app.error[0].value
    assert any("more GPUs" in md.value for md in app.markdown)


def test_more_gpus_make_the_70b_model_fit(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")
    app.switch_page("pages/serving.py").run()

    app.select_slider(key="serving.gpus_per_replica").set_value(4).run()

    assert app.success[0].value.startswith("Fits:")


def test_an_itl_budget_below_the_estimate_is_shown_as_broken(app: AppTest) -> None:
    app.select_slider(key="constraints.itl_ms").set_value(10).run()
    _self_hosted(app)

    app.switch_page("pages/serving.py").run()

    assert any(box.value.startswith("ITL") and "target of 10 ms" in box.value for box in app.error)


def test_a_hosted_design_shows_no_serving_numbers(app: AppTest) -> None:
    app.switch_page("pages/serving.py").run()

    assert not app.metric


def test_a_gpu_of_ones_own_can_be_added_and_chosen(app: AppTest) -> None:
    _self_hosted(app)
    app.switch_page("pages/serving.py").run()
    assert not app.text_input  # the GPU form is drawn only when its expander is opened
    app.session_state[custom_entries.GPU_FORM_OPEN] = True
    app.run()
    form = {text.label: text for text in app.text_input}
    form["Id (lowercase, digits, dots, dashes)"].input("lab-gpu")
    form["Name"].input("Lab GPU")
    numbers_in = {number.label: number for number in app.number_input}
    numbers_in["Memory (GB)"].set_value(40.0)

    next(b for b in app.button if b.label == "Add GPU").click().run()
    app.selectbox(key="serving.gpu").set_value("lab-gpu").run()

    assert "Lab GPU" in app.selectbox(key="serving.gpu").options
    assert [gpu.id for gpu in app.session_state["design"].custom_gpus] == ["lab-gpu"]
    assert app.session_state["design"].serving.gpu == "lab-gpu"
    assert any("Lab GPU" in caption.value for caption in app.caption)


def test_a_custom_gpu_with_a_catalog_id_is_refused_with_a_reason(app: AppTest) -> None:
    _self_hosted(app)
    app.switch_page("pages/serving.py").run()
    assert not app.text_input  # the GPU form is drawn only when its expander is opened
    app.session_state[custom_entries.GPU_FORM_OPEN] = True
    app.run()
    form = {text.label: text for text in app.text_input}
    form["Id (lowercase, digits, dots, dashes)"].input("h100-sxm")

    next(b for b in app.button if b.label == "Add GPU").click().run()

    assert any("already in the catalog" in error.value for error in app.error)
    assert app.session_state["design"].custom_gpus == ()


def test_the_cheapest_setup_the_planner_finds_can_be_used_in_one_click(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")
    app.switch_page("pages/serving.py").run()
    assert "Does not fit" in app.error[0].value
    assert not [b for b in app.button if b.key == "serving.use_plan"]  # drawn only when opened
    app.session_state[panels.PLANNER_OPEN] = True  # the user opens the planner's expander
    app.run()

    app.button(key="serving.use_plan").click().run()

    assert app.success[0].value.startswith("Serving set to")
    assert any(box.value.startswith("Fits:") for box in app.success)
    assert not any(box.value.startswith(("TTFT", "ITL")) for box in app.error)


def test_the_planner_says_where_each_gpu_price_comes_from(app: AppTest) -> None:
    _self_hosted(app, "llama-3.1-70b")
    app.switch_page("pages/serving.py").run()
    app.session_state[panels.PLANNER_OPEN] = True
    app.run()

    (basis,) = [c.value for c in app.caption if c.value.startswith("GPU prices: ")]
    table = app.dataframe[0].value
    catalog = load_catalog()
    for gpu_id in dict.fromkeys(table["GPU"]):
        assert escape_markdown(find(catalog.gpus, gpu_id).price_basis) in basis
