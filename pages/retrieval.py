"""Phase 4: the retrieval path: chunking, embeddings, ANN index, hybrid search, reranking."""

import streamlit as st

from playbook.analysis import design_hash
from playbook.catalog import ids, load_catalog, name_of
from playbook.labels import INDEXES, compact_number
from ui import cached, charts, frame, navigation, numbers, state, widgets

frame.phase_header("retrieval", ask="Anchor retrieval on chunk count and a recall@k target.")

if not state.design().uses_rag:
    st.info(
        "No retrieval path: the technique chosen in Phase 2 does not include RAG. "
        "Add RAG there if the model lacks knowledge the product needs.",
        icon=":material/block:",
    )
    st.page_link(navigation.spec_of("technique").path, label="Go to 2 · Technique")
else:
    catalog = load_catalog()
    retrieval = state.design().retrieval
    ingest, search, panel = (
        column.container(border=True) for column in st.columns([5, 5, 4], gap="medium")
    )
    with ingest:
        st.markdown("**Ingestion**")
        widgets.select("retrieval", "chunking", horizontal_radio=True)
        widgets.stepped_slider(
            "retrieval", "chunk_tokens",
            options=[128, 256, 384, 512, 768, 1_024, 2_048],
        )  # fmt: skip
        widgets.slider(
            "retrieval", "chunk_overlap_tokens",
            min_value=0, max_value=512, step=16,
        )  # fmt: skip
        widgets.select(
            "retrieval", "embedding_model",
            options=ids(catalog.embedding_models),
            format_func=lambda i: name_of(catalog.embedding_models, i),
        )  # fmt: skip
        widgets.toggle("retrieval", "untrusted_documents")
    with search:
        st.markdown("**Search**")
        widgets.select("retrieval", "index", horizontal_radio=True)
        widgets.toggle("retrieval", "bm25_hybrid")
        widgets.toggle("retrieval", "reranker")
        widgets.stepped_slider(
            "retrieval", "top_k",
            options=[5, 10, 20, 50, 100, 200, 500], format_func=compact_number,
        )  # fmt: skip
        widgets.slider(
            "retrieval", "rerank_top_n",
            min_value=1, max_value=50, step=1, disabled=not retrieval.reranker,
            help=None if retrieval.reranker else "Turn the reranker on to set how many it keeps.",
        )  # fmt: skip
        widgets.slider(
            "retrieval", "recall_at_k_target_pct",
            min_value=0.0, max_value=100.0, step=1.0,
        )  # fmt: skip

    with panel:
        st.markdown("**Numbers** for these choices")
        found = cached.analysis(state.design())
        report = found.retrieval
        assert report is not None  # this branch runs only when the design uses RAG
        for name, estimate in (
            ("chunks", report.chunks),
            ("embedding_storage", report.embedding_storage),
            ("embedding_cost", report.embedding_cost),
        ):
            numbers.metric(estimate, key=f"math.retrieval.{name}")
        numbers.metric(
            report.index_memory, key="math.retrieval.index_memory",
            help="Memory the chosen ANN index holds in RAM.",
        )  # fmt: skip
        numbers.metric(report.query_latency, key="math.retrieval.query_latency")
        if report.rerank_latency is not None:
            numbers.metric(report.rerank_latency, key="math.retrieval.rerank_latency")
        for line_id in ("query_embeddings", "ingestion_embeddings", "reranker", "vector_index"):
            line = found.bill.line(line_id)
            if line is not None:
                numbers.metric(
                    line.estimate, key=f"math.bill.{line_id}",
                    help="Its line in the monthly bill (Model page).",
                )  # fmt: skip
        st.caption("Index memory by index type (GiB)")
        by_index = report.index_memory_by_index
        charts.draw_once(
            f"index_memory:{design_hash(state.design())}",
            lambda: charts.horizontal_bars(
                "index", "GiB", [INDEXES[name] for name in by_index],
                [e.value for e in by_index.values()], height=220,
            ),
        )  # fmt: skip

frame.phase_footer("retrieval")
