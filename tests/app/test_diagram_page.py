"""The diagram page follows the choices made in the phases."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from diagrams import build_graph
from playbook import add_custom_entry
from playbook.labels import escape_markdown
from tests.app.conftest import diagram_of, has_node, viewer_data
from ui import components_form


def test_the_default_design_draws_retrieval_with_a_reranker_and_a_hosted_model(
    app: AppTest,
) -> None:
    svg = diagram_of(app)

    assert has_node(svg, "retriever")
    assert has_node(svg, "reranker")
    assert "OpenAI" in svg
    assert "GPT-4o" in svg


def test_dropping_rag_in_phase_2_removes_the_retrieval_path(app: AppTest) -> None:
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(["prompt", "few_shot"]).run()

    svg = diagram_of(app)

    for node in ("retriever", "reranker", "vector_index", "chunker", "embedder"):
        assert not has_node(svg, node), node


def test_turning_the_reranker_off_removes_its_node(app: AppTest) -> None:
    app.switch_page("pages/retrieval.py").run()
    app.toggle(key="retrieval.reranker").set_value(False).run()

    svg = diagram_of(app)

    assert has_node(svg, "retriever")
    assert not has_node(svg, "reranker")


def test_a_self_hosted_model_is_drawn_as_a_cluster_labelled_with_its_gpus(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("self_hosted").run()
    app.switch_page("pages/serving.py").run()
    app.selectbox(key="serving.gpu").set_value("l40s").run()
    app.select_slider(key="serving.gpus_per_replica").set_value(2).run()

    svg = diagram_of(app)

    assert "Self-hosted serving" in svg
    assert "2× L40S" in svg
    assert "OpenAI" not in svg


def test_a_constraint_change_in_phase_1_reaches_the_diagram(app: AppTest) -> None:
    app.select_slider(key="constraints.corpus_documents").set_value(1_000_000).run()

    svg = diagram_of(app)

    assert "1,000,000 documents" in svg or "1M documents" in svg


def test_user_text_in_the_title_reaches_the_viewer_only_as_text(app: AppTest) -> None:
    hostile = 'x"]; evil [URL="javascript:alert(1)"]; <b>bold</b> \\'
    app.text_input(key="design.title").input(hostile).run()

    svg = diagram_of(app)

    assert "evil [URL=" in svg  # drawn as the title's text...
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg  # ...with its markup escaped
    assert "<b>" not in svg
    assert "href" not in svg
    assert "<a " not in svg


def test_every_export_can_be_downloaded(app: AppTest) -> None:
    app.text_input(key="design.title").input("Contracts QA").run()
    app.switch_page("pages/diagram.py").run()

    buttons = {button.proto.label: button for button in app.get("download_button")}

    assert set(buttons) == {"DOT", "Mermaid", "SVG", "PNG", "Excalidraw", "Report"}
    assert buttons["DOT"].proto.url or buttons["DOT"].proto.deferred_file_id
    assert not buttons["SVG"].proto.disabled


def test_an_own_component_can_be_added_and_appears_in_the_diagram(app: AppTest) -> None:
    app.switch_page("pages/diagram.py").run()
    assert not app.text_input  # the form is drawn only when its expander is opened
    app.session_state[components_form.OPEN] = True
    app.run()
    form = {text.label: text for text in app.text_input}
    form["Name"].input("Semantic cache")
    form["The constraint it serves"].input("TTFT 800 ms")

    next(b for b in app.button if b.label == "Add component").click().run()

    assert [c.id for c in app.session_state["design"].components] == ["semantic_cache"]
    assert has_node(str(viewer_data(app)[0]["svg"]), "own_semantic_cache")


def test_removing_an_own_component_takes_it_off_the_diagram(app: AppTest) -> None:
    app.session_state[components_form.OPEN] = True
    app.switch_page("pages/diagram.py").run()
    {text.label: text for text in app.text_input}["Name"].input("Audit log")
    next(b for b in app.button if b.label == "Add component").click().run()

    app.button(key="components.remove.audit_log").click().run()

    assert app.session_state["design"].components == ()
    assert not has_node(str(viewer_data(app)[0]["svg"]), "own_audit_log")


def test_a_blocking_finding_is_flagged_on_the_diagram(app: AppTest) -> None:
    # Prompting alone keeps the default design within its budgets, so the node has room for it.
    app.switch_page("pages/technique.py").run()
    app.multiselect(key="technique.rungs").set_value(["prompt"]).run()
    before = diagram_of(app)
    app.switch_page("pages/constraints.py").run()
    app.toggle(key="constraints.on_prem").set_value(True).run()

    svg = diagram_of(app)

    assert "is on, but GPT-4o is a" not in before
    assert "“On-prem only” is on, but GPT-4o is a" in svg  # the line wraps there


def test_picking_a_component_shows_its_numbers_reasons_and_phase_page(app: AppTest) -> None:
    diagram_of(app)

    app.selectbox(key="diagram.component").set_value("retriever").run()

    text = " ".join(m.value for m in app.markdown)
    assert "Retriever" in text
    retriever = build_graph(app.session_state["design"]).nodes["retriever"]
    assert all(escape_markdown(line) in text for line in retriever["numbers"])
    assert "“Knowledge gap” is on" in text
    links = {link.proto.label: link.proto.page for link in app.get("page_link")}
    assert links["Decide it on 4 · Retrieval"] == "retrieval"


def test_the_overview_draws_one_box_per_phase(app: AppTest) -> None:
    diagram_of(app)

    app.get("button_group")[0].set_value("overview").run()

    svg = viewer_data(app)[0]["svg"]
    for phase in ("constraints", "technique", "model", "retrieval", "serving", "evaluation"):
        assert f'data-node="{phase}"' in svg
    assert 'data-node="retriever"' not in svg


def test_without_dot_the_browser_lays_the_diagram_out_and_the_page_says_so(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")

    app.switch_page("pages/diagram.py").run()

    assert not viewer_data(app)
    assert "retriever" in str(app.get("graphviz_chart")[0].proto.spec)
    assert any("Graphviz's dot is not installed" in c.value for c in app.caption)


def test_own_components_are_listed_ten_to_a_page(app: AppTest) -> None:
    design = app.session_state["design"]
    for n in range(25):
        entry = {"id": f"own_{n}", "name": f"Own {n}", "kind": "cache", "phase": "retrieval"}
        design = add_custom_entry(design, "components", entry)
    app.session_state["design"] = design
    app.session_state[components_form.OPEN] = True
    app.switch_page("pages/diagram.py").run()

    def removes() -> list[str]:
        return [b.key for b in app.button if b.key and b.key.startswith("components.remove.")]

    assert removes() == [f"components.remove.own_{n}" for n in range(10)]
    app.number_input(key=components_form.PAGE).set_value(3).run()
    # 25 components, 10 a page: the third page holds the last five.
    assert removes() == [f"components.remove.own_{n}" for n in range(20, 25)]
