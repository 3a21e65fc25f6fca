"""Where a saved design is opened: say what changed in the catalog since it was saved."""

from __future__ import annotations

from datetime import date

import streamlit as st

from playbook.analysis import design_hash
from playbook.design import Design, catalog_for
from playbook.drift import Drift, catalog_at, catalog_drift
from playbook.estimates.cost import cost_report
from playbook.labels import escape_markdown
from ui.cached import Memo


def changes(design: Design, *, today: date | None = None) -> tuple[list[Drift], str]:
    """Return the drifts of `design` and a line with its monthly cost then and now ("" if same)."""
    catalog = catalog_for(design)
    found = catalog_drift(design, design.saved_prices, catalog, today=today or date.today())
    if not any(drift.kind == "price" for drift in found):
        return found, ""
    then = cost_report(design, catalog_at(catalog, design.saved_prices)).usd_per_month
    now = cost_report(design, catalog).usd_per_month
    return found, f"Cost per month: ${then:,.0f} when saved, ${now:,.0f} at today's prices."


def announce(design: Design) -> None:
    """Show a notice of retired models and changed prices, if `design` has any."""
    # The shared view draws it on every rerun: worked out once per design and day.
    today = date.today()
    notice = _NOTICES.get((design_hash(design), today), lambda: _notice(design, today))
    if notice:
        st.warning(notice, icon=":material/update:")


def _notice(design: Design, today: date) -> str:
    found, cost = changes(design, today=today)
    if not found:
        return ""
    lines = [f"- {escape_markdown(drift.message)}" for drift in found]
    lines += [f"- {escape_markdown(cost)}"] if cost else []
    head = "**Since this design was saved, the catalog changed.** Every number shown uses today's."
    return "\n".join([head, *lines])


_NOTICES: Memo[str] = Memo(128)
