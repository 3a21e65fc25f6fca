"""`Estimate`: a number together with the formula, inputs and assumptions that produced it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from playbook.format import number

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
        """Return the value and unit as a short string, e.g. '15 GiB', '300k chunks', '$0.004'.

        Printed through `playbook.format`, the one number format of the app; `digits` is kept
        for callers that passed it and no longer changes anything.
        """
        del digits
        return number(self.value, self.unit)
