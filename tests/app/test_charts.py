"""The Serving, Model and Retrieval charts: plain Vega-Lite specs carrying the analysis's rows."""

from __future__ import annotations

import json

import pyarrow as pa  # type: ignore[import-untyped]
from streamlit.testing.v1 import AppTest

from playbook.analysis import analyze
from playbook.design import catalog_for


def _charts(app: AppTest) -> list[tuple[dict[str, object], list[dict[str, object]]]]:
    """Return each chart's spec and its rows, as the browser receives them."""
    found = []
    for chart in app.get("vega_lite_chart"):
        proto = chart.proto
        payload = proto.datasets[0].data.data if proto.datasets else proto.data.data
        found.append((json.loads(proto.spec), pa.ipc.open_stream(payload).read_all().to_pylist()))
    return found


def test_the_serving_charts_draw_the_analysis_sweep_and_memory(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    app.radio(key="model.kind").set_value("self_hosted").run()
    app.switch_page("pages/serving.py").run()
    design = app.session_state["design"]
    capacity = analyze(design, catalog_for(design)).capacity
    assert capacity is not None

    memory, itl, tokens = _charts(app)

    assert memory[1] == [{"part": m.part, "GiB": m.gib} for m in capacity.memory]
    assert memory[0]["mark"] == {"type": "bar", "tooltip": True}
    flight = [p.concurrency for p in capacity.sweep]
    assert [r["value"] for r in itl[1] if r["series"] == "ITL"] == [
        p.itl_ms for p in capacity.sweep
    ]
    # The budget is a flat line at Phase 1's ITL for every point of the sweep.
    budget = [r for r in itl[1] if r["series"] == "ITL budget"]
    assert [r["requests in flight"] for r in budget] == flight
    assert {r["value"] for r in budget} == {float(design.constraints.itl_ms)}
    assert [r["value"] for r in tokens[1]] == [p.tokens_per_s for p in capacity.sweep]


def test_the_cost_by_class_chart_lists_each_model_class(app: AppTest) -> None:
    app.switch_page("pages/model.py").run()
    design = app.session_state["design"]
    bill = analyze(design, catalog_for(design)).bill

    (spec, rows), *_ = _charts(app)

    assert [r["$ per month"] for r in rows] == [item.usd_per_month for item in bill.by_class]
    assert spec["encoding"]["y"]["field"] == "model class"  # type: ignore[index]
