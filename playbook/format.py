"""One way to print numbers: money, counts, durations and memory, never in scientific notation.

Every page, the diagram, the report and the command line print figures through these functions,
so a number shown twice reads the same. A value that cannot be printed as a number (infinite,
NaN) prints as `UNBOUNDED`; callers that know why (does not fit, overloaded) say so instead.
"""

from __future__ import annotations

import math
from typing import Final

UNBOUNDED: Final = "unbounded"
_SUFFIXES: Final = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _plain(value: float, significant: int = 2) -> str:
    """Return a positive `value` < 1 with `significant` digits, in positional notation."""
    decimals = max(0, significant - 1 - math.floor(math.log10(value)))
    return f"{value:.{decimals}f}"


def _scaled(value: float) -> str:
    """Return 2 significant digits at least, and every integer digit: 2.9, 12, 345."""
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}".removesuffix(".0")


def plain(value: float, significant: int = 3) -> str:
    """Return `value` with about `significant` digits, in positional notation: 0.000128, 1,230."""
    if not math.isfinite(value):
        return UNBOUNDED
    if value == 0:
        return "0"
    if abs(value) >= 10 ** (significant - 1):
        return f"{value:,.0f}"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def money(usd: float) -> str:
    """Return dollars: '$2.9k', '$1.2M', '$29.13', '$0.004', '$0.000074', '$0', '-$3.10'."""
    if not math.isfinite(usd):
        return UNBOUNDED
    if usd < 0:
        return "-" + money(-usd)
    for threshold, suffix in _SUFFIXES:
        if usd >= threshold:
            return f"${_scaled(usd / threshold)}{suffix}"
    if usd >= 100:
        return f"${usd:,.0f}"
    if usd >= 1:
        return f"${usd:,.0f}" if usd == round(usd) else f"${usd:,.2f}"
    if usd >= 0.1:
        return f"${usd:.2f}"
    if usd == 0:
        return "$0"
    return "$" + _plain(usd).rstrip("0").rstrip(".")


def count(value: float) -> str:
    """Return a count: '950', '9,500', '12k', '1.2M', '3.4B'; fractions below 10 keep 2 digits."""
    if not math.isfinite(value):
        return UNBOUNDED
    if value < 0:
        return "-" + count(-value)
    for threshold, suffix in _SUFFIXES:
        if value >= threshold and (threshold > 1e3 or value >= 10_000):
            return f"{_scaled(value / threshold)}{suffix}"
    if value >= 10 or value == round(value):
        return f"{value:,.0f}"
    return _plain(value, 2).rstrip("0").rstrip(".") if value < 1 else f"{value:.2g}"


def duration(ms: float | None) -> str:
    """Return milliseconds as a short duration: '0.05 ms', '6.5 ms', '618 ms', '1.2 s', '14 s'."""
    if ms is None or not math.isfinite(ms):
        return UNBOUNDED
    if ms < 0:
        return "-" + duration(-ms)
    if ms >= 10_000:
        return f"{ms / 1e3:,.0f} s"
    if ms >= 1_000:
        return f"{ms / 1e3:.1f} s"
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.0f} ms"
    if ms == 0:
        return "0 ms"
    return f"{ms:.2g} ms" if ms >= 1 else f"{_plain(ms, 2)} ms"


def memory(gib: float) -> str:
    """Return GiB: '131 GiB', '15.2 GiB', '512 MiB', '0 GiB' (never negative: nothing is left)."""
    if not math.isfinite(gib):
        return UNBOUNDED
    if gib <= 0:
        return "0 GiB"
    if gib >= 1_000:
        return f"{gib / 1024:.1f} TiB"
    if gib >= 100:
        return f"{gib:.0f} GiB"
    if gib >= 1:
        return f"{gib:.1f}".removesuffix(".0") + " GiB"
    mib = gib * 1024
    return f"{mib:.0f} MiB" if mib >= 1 else f"{mib * 1024:.0f} KiB"


def number(value: float, unit: str = "") -> str:
    """Return a value with its unit in the format its unit calls for ('$', 'ms', 'GiB' or any)."""
    if not math.isfinite(value):
        return UNBOUNDED
    if unit in ("$", "USD"):
        return money(value)
    if unit == "ms":
        return duration(value)
    if unit == "s":
        return duration(value * 1e3)
    if unit == "GiB":
        return memory(value)
    if unit == "B" and value >= 1_024:
        return memory(value / 1024**3)
    return f"{count(value)} {unit}".strip()
