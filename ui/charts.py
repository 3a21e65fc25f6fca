"""Charts as plain Vega-Lite specs drawn with `st.vega_lite_chart`.

`st.bar_chart` and `st.line_chart` build an Altair chart and validate it against the Vega-Lite
JSON schema on every rerun (about 47 ms a chart on two cores; the Serving page's three charts were
240 of its 330 ms). A plain dict spec is sent as it is (about 4 ms). The specs draw the same
data, axes and colours the built-in charts drew.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

Spec = dict[str, Any]


def horizontal_bars(
    category: str, value: str, labels: Sequence[str], values: Sequence[float], *, height: int
) -> Spec:
    """Return a horizontal bar chart spec: one bar per label, in the order given."""
    return {
        "data": {"values": [{category: c, value: v} for c, v in zip(labels, values, strict=True)]},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": category, "type": "nominal", "sort": None, "title": category},
            "x": {"field": value, "type": "quantitative", "title": value},
        },
        "height": height,
    }


def lines(
    x_title: str,
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    *,
    height: int,
    colors: Sequence[str] | None = None,
) -> Spec:
    """Return a line chart spec: one line per series against `x`, a legend when there are two."""
    values = [
        {x_title: point, "series": name, "value": ys[i]}
        for name, ys in series.items()
        for i, point in enumerate(x)
    ]
    color: dict[str, Any] = {"field": "series", "type": "nominal", "title": None}
    if colors is not None:
        color["scale"] = {"domain": list(series), "range": list(colors)}
    if len(series) == 1:
        color["legend"] = None
    y_title = next(iter(series)) if len(series) == 1 else ""
    return {
        "data": {"values": values},
        "mark": {"type": "line", "tooltip": True},
        "encoding": {
            "x": {"field": x_title, "type": "quantitative", "title": x_title},
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": color,
        },
        "height": height,
    }


def packed(spec: Spec) -> Spec:
    """Return the spec with its rows as an Arrow dataset, the form Streamlit sends.

    Given `data.values`, `st.vega_lite_chart` converts the rows through pandas to Arrow on every
    call (about 2.5 ms a chart); given Arrow bytes it sends them as they are. Cache the result
    (on the design's hash) and the conversion happens once per design.
    """
    rows = spec["data"]["values"]
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pylist(rows)
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    rest = {key: value for key, value in spec.items() if key != "data"}
    return {**rest, "data": {"name": "rows"}, "datasets": {"rows": sink.getvalue().to_pybytes()}}


def draw(spec: Spec, where: DeltaGenerator | None = None) -> None:
    """Draw a spec at the container's width (the built-in charts' default)."""
    if where is None:
        st.vega_lite_chart(spec=spec, width="stretch")
    else:
        where.vega_lite_chart(spec=spec, width="stretch")


@st.cache_data(max_entries=256, show_spinner=False)
def _packed_once(key: str, _build: Callable[[], Spec]) -> Spec:
    del key  # what the chart is and the design's hash: `_build` itself is not hashed
    return packed(_build())


def draw_once(key: str, build: Callable[[], Spec], where: DeltaGenerator | None = None) -> None:
    """Draw the spec `build` returns, built and packed once per `key` (name and design hash)."""
    draw(_packed_once(key, build), where)
