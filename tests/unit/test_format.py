"""One format for money, counts, durations and memory: short, never scientific, never negative."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playbook.format import count, duration, memory, money, number

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.mark.parametrize(
    ("usd", "shown"),
    [
        (0, "$0"),
        (0.004, "$0.004"),
        (7.99e-05, "$0.00008"),
        (0.0133, "$0.013"),
        (0.5, "$0.50"),
        (5, "$5"),
        (29.125, "$29.12"),
        (397, "$397"),
        (2_910, "$2.9k"),
        (5_825.4, "$5.8k"),
        (105_014.88, "$105k"),
        (1.2e6, "$1.2M"),
        (-3.1, "-$3.10"),
        (math.inf, "unbounded"),
    ],
)
def test_money_reads_short(usd: float, shown: str) -> None:
    assert money(usd) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (38, "38"), (9_500, "9,500"), (300_000, "300k"), (1.2e6, "1.2M"), (1e8, "100M"),
     (0.25, "0.25"), (2.5, "2.5"), (math.nan, "unbounded")],
)  # fmt: skip
def test_counts_read_short(value: float, shown: str) -> None:
    assert count(value) == shown


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(0.047696, "0.048 ms"), (6.5, "6.5 ms"), (53.2, "53 ms"), (618, "618 ms"),
     (1_018, "1.0 s"), (10_200, "10 s"), (None, "unbounded")],
)  # fmt: skip
def test_durations_read_short(ms: float | None, shown: str) -> None:
    assert duration(ms) == shown


@pytest.mark.parametrize(
    ("gib", "shown"),
    [(-66.4, "0 GiB"), (0.5, "512 MiB"), (15.23, "15.2 GiB"), (131.4, "131 GiB"),
     (2_048, "2.0 TiB")],
)  # fmt: skip
def test_memory_is_never_negative(gib: float, shown: str) -> None:
    assert memory(gib) == shown


@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    unit=st.sampled_from(["$", "ms", "s", "GiB", "B", "tokens", "replicas", ""]),
)
def test_no_value_prints_in_scientific_notation_or_as_inf(value: float, unit: str) -> None:
    shown = number(value, unit)

    assert not SCIENTIFIC.search(shown)
    assert "inf" not in shown.replace("unbounded", "")
    assert "nan" not in shown
