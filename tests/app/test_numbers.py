"""Numbers beside the choices: the ladder recommendation and retrieval estimates follow them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


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
