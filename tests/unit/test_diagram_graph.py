"""The architecture graph of a design, its DOT text and label escaping (no Graphviz needed)."""

from __future__ import annotations

import itertools
import re
from typing import Any, cast

import networkx as nx
import pytest

from diagrams import (
    DotNotFoundError,
    build_graph,
    check_graph,
    design_dot,
    escape_html_label,
    render,
    to_dot,
)
from diagrams.graph import SLUG
from playbook import Design, Phase, update_design

RAG_NODES = ("retriever", "vector_index", "bm25_index", "chunker", "embedder", "documents")
HOSTILE_TITLES = [
    'say "hello"',
    "back\\slash\\",
    "<script>alert(1)</script>",
    "first line\nsecond line",
    '"]; evil [URL="javascript:alert(1)',
]


def _design(**phases: dict[str, Any]) -> Design:
    design = Design()
    for phase, changes in phases.items():
        design = update_design(design, cast("Phase", phase), **changes)
    return design


def _edge_label(graph: nx.DiGraph, a: str, b: str) -> str:
    label: str = graph.edges[a, b]["label"]
    return label


@pytest.mark.parametrize("rungs", [["prompt"], ["few_shot"], ["prompt", "lora"]])
def test_a_design_without_rag_has_no_retrieval_or_ingestion_nodes(rungs: list[str]) -> None:
    design = _design(technique={"rungs": rungs})

    graph = build_graph(design)

    assert not set(RAG_NODES) & set(graph.nodes)
    assert "reranker" not in graph


@pytest.mark.parametrize(
    ("kind", "model_node"),
    [("hosted", "llm"), ("self_hosted", "llm"), ("routing", "router")],
)
def test_rag_puts_the_retriever_on_the_request_path_between_client_and_model(
    kind: str, model_node: str
) -> None:
    design = _design(technique={"rungs": ["rag"]}, model={"kind": kind})

    path = nx.shortest_path(build_graph(design), "client", model_node)

    assert path.index("client") < path.index("gateway") < path.index("retriever")
    assert path[-1] == model_node


def test_the_ingestion_path_runs_from_documents_to_the_index_the_retriever_reads() -> None:
    design = _design(retrieval={"index": "ivf_pq", "embedding_model": "gte-large"})

    graph = build_graph(design)

    assert nx.shortest_path(graph, "documents", "vector_index") == [
        "documents",
        "chunker",
        "embedder",
        "vector_index",
    ]
    assert graph.has_edge("vector_index", "retriever")
    assert graph.nodes["vector_index"]["detail"] == "IVF-PQ"
    assert graph.nodes["embedder"]["detail"] == "GTE-large"


def test_the_chunker_shows_its_strategy_and_chunk_size() -> None:
    design = _design(retrieval={"chunking": "semantic", "chunk_tokens": 256})

    detail = build_graph(design).nodes["chunker"]["detail"]

    assert "Semantic" in detail
    assert "256 tokens" in detail


@pytest.mark.parametrize("hybrid", [True, False])
def test_a_bm25_index_exists_only_for_hybrid_search(hybrid: bool) -> None:
    design = _design(retrieval={"bm25_hybrid": hybrid})

    graph = build_graph(design)

    assert ("bm25_index" in graph) is hybrid
    assert graph.has_edge("documents", "bm25_index") is hybrid


@pytest.mark.parametrize("reranker", [True, False])
def test_a_reranker_node_exists_only_when_the_design_reranks(reranker: bool) -> None:
    design = _design(retrieval={"reranker": reranker, "top_k": 40, "rerank_top_n": 5})

    graph = build_graph(design)

    assert ("reranker" in graph) is reranker
    assert nx.has_path(graph, "retriever", "llm")
    handoff = ("reranker", "llm") if reranker else ("retriever", "llm")
    assert _edge_label(graph, *handoff).startswith("top 5 · " if reranker else "top 40 · ")


@pytest.mark.parametrize(
    ("gpu", "count", "shown"),
    [("h100-sxm", 2, "2\u00d7 H100 SXM"), ("mi300x", 8, "8\u00d7 MI300X"), ("l4", 1, "1\u00d7 L4")],
)
def test_a_self_hosted_model_is_served_on_the_named_gpus(gpu: str, count: int, shown: str) -> None:
    design = _design(
        model={"kind": "self_hosted", "open_model": "qwen2.5-7b"},
        serving={"gpu": gpu, "gpus_per_replica": count, "engine": "sglang", "precision": "fp8"},
    )

    node = build_graph(design).nodes["llm"]

    assert node["cluster"] == "serving"
    assert "Qwen2.5 7B" in node["label"]
    assert shown in node["detail"]
    assert "SGLang" in node["detail"]
    assert "FP8" in node["detail"]


def test_the_serving_detail_counts_replicas() -> None:
    design = _design(model={"kind": "self_hosted"}, serving={"replicas": 3})

    detail = build_graph(design).nodes["llm"]["detail"]

    assert detail.endswith("3 replicas")


@pytest.mark.parametrize(
    ("model", "provider", "name"),
    [
        ("gpt-4o", "OpenAI", "GPT-4o"),
        ("claude-sonnet-5.5", "Anthropic", "Claude Sonnet 5.5"),
        ("gemini-3.5-flash", "Google", "Gemini 3.5 Flash"),
    ],
)
def test_a_hosted_model_shows_its_provider_and_name(model: str, provider: str, name: str) -> None:
    design = _design(model={"kind": "hosted", "hosted_model": model})

    node = build_graph(design).nodes["llm"]

    assert node["detail"] == f"{provider} \u00b7 {name}"
    assert node["cluster"] == "online"


@pytest.mark.parametrize(("small", "large"), [(70, "30%"), (100, "0%"), (5, "95%")])
def test_routing_splits_traffic_between_a_small_and_a_large_model(small: int, large: str) -> None:
    design = _design(model={"kind": "routing", "small_share_pct": small})

    graph = build_graph(design)

    assert graph.nodes["router"]["kind"] == "router"
    assert _edge_label(graph, "router", "small_llm") == f"{small}%"
    assert _edge_label(graph, "router", "large_llm") == large
    assert "llm" not in graph


@pytest.mark.parametrize(
    ("large_model", "cluster", "shown"),
    [("gpt-4o", "online", "OpenAI"), ("llama-3.1-70b", "serving", "vLLM")],
)
def test_a_routed_large_model_is_hosted_or_served_by_us(
    large_model: str, cluster: str, shown: str
) -> None:
    design = _design(model={"kind": "routing", "large_model": large_model})

    graph = build_graph(design)

    assert graph.nodes["large_llm"]["cluster"] == cluster
    assert shown in graph.nodes["large_llm"]["detail"]
    assert graph.nodes["small_llm"]["cluster"] == "serving"


@pytest.mark.parametrize(
    ("rungs", "kind", "trainer", "target"),
    [
        (["rag", "lora"], "self_hosted", "LoRA fine-tune", "llm"),
        (["continued_pretraining"], "self_hosted", "Continued pretraining", "llm"),
        (
            ["lora", "continued_pretraining"],
            "routing",
            "Continued pretraining + LoRA fine-tune",
            "small_llm",
        ),
    ],
)
def test_fine_tuning_feeds_a_trainer_into_the_model(
    rungs: list[str], kind: str, trainer: str, target: str
) -> None:
    design = _design(technique={"rungs": rungs}, model={"kind": kind})

    graph = build_graph(design)

    assert graph.nodes["trainer"]["label"] == trainer
    assert graph.has_edge("training_data", "trainer")
    assert graph.has_edge("trainer", target)


def test_a_design_without_fine_tuning_has_no_trainer() -> None:
    graph = build_graph(_design(technique={"rungs": ["rag"]}))

    assert "trainer" not in graph
    assert "training_data" not in graph


@pytest.mark.parametrize(
    ("mitigation", "untrusted", "guards"),
    [
        ("input_output_guardrails", False, {"input_guard", "output_guard"}),
        ("none", True, {"input_guard"}),
        ("pii_redaction", False, set()),
    ],
)
def test_guardrails_follow_the_mitigations_and_untrusted_documents(
    mitigation: str, untrusted: bool, guards: set[str]
) -> None:
    design = _design(
        retrieval={"untrusted_documents": untrusted},
        evaluation={"mitigations": {"prompt_injection": mitigation}},
    )

    graph = build_graph(design)

    assert {node for node, kind in graph.nodes(data="kind") if kind == "guardrail"} == guards


def test_input_guardrails_sit_between_the_gateway_and_the_retriever() -> None:
    design = _design(evaluation={"mitigations": {"pii_leak": "input_output_guardrails"}})

    path = nx.shortest_path(build_graph(design), "client", "response")

    assert path == [
        "client",
        "gateway",
        "input_guard",
        "retriever",
        "reranker",
        "llm",
        "output_guard",
        "response",
    ]


def test_the_evaluation_cluster_shows_every_chosen_evaluation() -> None:
    design = _design(
        evaluation={"golden_set_size": 1500, "red_team_set": True, "offline_metrics": ["pass_at_k"]}
    )

    graph = build_graph(design)

    assert graph.nodes["golden_set"]["detail"] == "1,500 examples"
    assert graph.nodes["offline_eval"]["detail"] == "pass@k"
    assert graph.has_edge("red_team", "offline_eval")
    assert graph.edges["response", "judge"]["flow"] == "eval"
    assert {"golden_set", "offline_eval", "judge", "monitor", "red_team"} <= {
        node for node, cluster in graph.nodes(data="cluster") if cluster == "evaluation"
    }


def test_evaluations_left_out_of_the_design_are_left_out_of_the_graph() -> None:
    design = _design(
        evaluation={
            "golden_set_size": 0,
            "offline_metrics": [],
            "online_metrics": [],
            "llm_as_judge": False,
        }
    )

    graph = build_graph(design)

    assert not {"golden_set", "offline_eval", "judge", "monitor", "red_team"} & set(graph.nodes)


GRID = list(itertools.product(("hosted", "self_hosted", "routing"), (True, False), (True, False)))


@pytest.mark.parametrize(("kind", "rag", "reranker"), GRID)
def test_every_combination_of_model_retrieval_and_reranking_gives_a_valid_graph(
    kind: str, rag: bool, reranker: bool
) -> None:
    design = _design(
        technique={"rungs": ["rag", "lora"] if rag else ["prompt"]},
        model={"kind": kind, "large_model": "llama-3.1-70b"},
        retrieval={"reranker": reranker, "bm25_hybrid": not reranker},
        evaluation={"red_team_set": rag, "golden_set_size": 0 if reranker else 10},
    )

    graph = build_graph(design)

    assert check_graph(graph) == []
    assert all(SLUG.match(node) for node in graph.nodes)


def test_check_graph_names_unknown_edge_targets_and_unreachable_nodes() -> None:
    graph = build_graph(Design())
    graph.add_edge("llm", "nowhere", label="", flow="request")
    graph.add_node("island", kind="eval", label="Island", detail="", cluster="evaluation")

    problems = check_graph(graph)

    assert "edge to unknown node 'nowhere'" in problems
    assert "node 'island' is unreachable" in problems


def test_check_graph_names_bad_kinds_clusters_and_ids() -> None:
    graph = build_graph(Design())
    graph.add_node("Bad Id", kind="cloud", label="", detail="", cluster="elsewhere")
    graph.add_edge("client", "Bad Id", label="", flow="teleport")
    graph.nodes["llm"]["flags"] = (("fatal", "made up"),)

    problems = check_graph(graph)

    assert "node id 'Bad Id' is not a slug" in problems
    assert "node 'Bad Id' has unknown kind 'cloud'" in problems
    assert "node 'Bad Id' has unknown cluster 'elsewhere'" in problems
    assert "node 'Bad Id' has no label" in problems
    assert "edge 'client' -> 'Bad Id' has unknown flow 'teleport'" in problems
    assert "node 'llm' has a flag of unknown severity 'fatal'" in problems


def test_user_text_never_becomes_a_node_id() -> None:
    design = Design(title="client", scenario="llm", author="<evil id>")

    graph = build_graph(design)

    assert all(SLUG.match(node) for node in graph.nodes)
    assert all(design.author not in data["label"] for _, data in graph.nodes(data=True))


def test_the_dot_text_names_every_node_and_lays_out_top_to_bottom() -> None:
    design = _design(model={"kind": "routing"}, technique={"rungs": ["rag", "lora"]})

    dot = design_dot(design)

    for node in build_graph(design).nodes:
        assert re.search(rf"^\s+{node} \[", dot, flags=re.MULTILINE)
    assert "rankdir=TB" in dot
    assert "subgraph cluster_online" in dot
    assert "subgraph cluster_serving" in dot


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_reaches_the_dot_text_only_escaped(title: str) -> None:
    dot = design_dot(Design(title=title))

    assert title not in dot
    assert escape_html_label(title, max_length=120) in dot
    assert "<script" not in dot
    assert 'URL="' not in dot
    assert "\\" not in dot


def test_to_dot_refuses_a_node_id_that_is_not_a_slug() -> None:
    graph = nx.DiGraph()
    graph.add_node('a" [URL="x', kind="llm", label="x", detail="", cluster="online")

    with pytest.raises(ValueError, match="not a slug"):
        to_dot(graph, title="t")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a & b", "a &amp; b"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("it's", "it&#39;s"),
        ("&amp;", "&amp;amp;"),
        ("C:\\path\\", "C:&#92;path&#92;"),
        ("one\ntwo\tthree\r\nfour", "one two three four"),
        ("nul\x00 bell\x07 del\x7f c1\x85end", "nul bell del c1 end"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("\ufffe\uffff\ufdd0\U0001fffeok", "ok"),
        ("   spaced    out  ", "spaced out"),
        ("\u202eevil\u202c \u2067isolated\u2069", "evil isolated"),
        ("\u05e9\u05dc\u05d5\u05dd \U0001f642", "\u05e9\u05dc\u05d5\u05dd \U0001f642"),
        ("", ""),
    ],
)
def test_escape_html_label_escapes_and_cleans_text(text: str, expected: str) -> None:
    assert escape_html_label(text) == expected


def test_escape_html_label_truncates_with_an_ellipsis_before_escaping() -> None:
    long_text = "x" * 200

    short = escape_html_label(long_text, max_length=10)
    ampersands = escape_html_label("&" * 20, max_length=5)

    assert short == "x" * 9 + "\u2026"
    assert ampersands == "&amp;" * 4 + "\u2026"


def test_escape_html_label_output_always_encodes_as_utf8() -> None:
    text = "".join(chr(code) for code in range(0, 0x11000, 7))

    escaped = escape_html_label(text, max_length=100_000)

    assert escaped.encode("utf-8")
    assert not {"<", ">", '"', "'", "\\"} & set(escaped)


def test_render_without_graphviz_explains_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")

    with pytest.raises(DotNotFoundError) as caught:
        render(design_dot(Design()), fmt="svg")

    assert "apt-get install graphviz" in str(caught.value)
    assert "brew install graphviz" in str(caught.value)
