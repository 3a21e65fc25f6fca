"""`ui.tables.dataframe`: rows sent as Arrow show the same table; mixed columns still draw."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from ui import tables

    tables.dataframe(st.session_state["rows"], hide_index=True)


def _drawn(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    at = AppTest.from_function(_script)
    at.session_state["rows"] = rows
    at.run()
    assert not at.exception, at.exception
    records: list[dict[str, object]] = at.dataframe[0].value.to_dict("records")
    return records


def test_rows_of_plain_values_are_drawn_as_given() -> None:
    rows: list[dict[str, object]] = [{"GPU": "H100", "replicas": 2}, {"GPU": "L4", "replicas": 9}]
    assert _drawn(rows) == rows


def test_a_column_mixing_numbers_and_text_still_draws() -> None:
    # Arrow cannot type this column; the rows go through pandas as st.dataframe always did.
    assert [r["value"] for r in _drawn([{"value": 1}, {"value": "one"}])] == ["1", "one"]


def test_no_rows_draw_an_empty_table() -> None:
    assert _drawn([]) == []
