"""`Estimate`: a number together with the formula, inputs and assumptions that produced it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from playbook.labels import compact_number

GIB = 1024**3
GB = 1e9


class Estimate(BaseModel):
    """One computed quantity, with everything a reader needs to check it by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    value: float
    unit: str
    formula: str  # symbolic, e.g. "2 × layers × kv_heads × head_dim × bytes"
    worked: str = ""  # the formula with the numbers put in, e.g. "2 × 32 × 8 × 128 × 2 B"
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(default=(), description="where the inputs come from")

    def shown(self, digits: int = 3) -> str:
        """Return the value and unit as a short string, e.g. '15 GiB' or '300k chunks'."""
        if self.unit == "B" and self.value >= 1_024:
            return _bytes(self.value)
        number = (
            compact_number(self.value) if abs(self.value) >= 1_000 else f"{self.value:.{digits}g}"
        )
        if self.unit == "$":
            return f"${number}"
        return f"{number} {self.unit}".strip()


def _bytes(value: float) -> str:
    """Return a byte count in binary units, e.g. 131072 -> '128 KiB'."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} B"
