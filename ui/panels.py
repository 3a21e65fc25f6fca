"""The numbers panels of the Model and Serving pages: verdicts, metrics with math, and charts.

Every number drawn here is read from the design's one analysis (`resources.analysis`, through
`ui.cached.analysis`).
"""

from __future__ import annotations

import streamlit as st

from playbook import Design, DesignError, update_design
from playbook.analysis import DesignAnalysis, design_hash
from playbook.catalog import find, name_of
from playbook.design import catalog_for
from playbook.estimates.charts import LoadPoint
from playbook.format import duration, money
from playbook.labels import MODEL_KINDS_SHORT, PRECISIONS, escape_markdown
from playbook.planner import PlanRow
from ui import cached, charts, numbers, resources, state, tables

# The open state of the math expanders: their contents are drawn only while they are open.
BILL_MATH = "numbers.bill_math_open"
STAGE_MATH = "numbers.stage_math_open"


def _checks(found: DesignAnalysis, *ids: str) -> None:
    for check in found.checks:
        if check.id in ids:
            numbers.verdict(check.ok, check.text)


def cost_panel(design: Design) -> None:
    """Draw the design's monthly bill line by line against the ceilings, and each class's bill."""
    found = cached.analysis(design)
    bill, c = found.bill, design.constraints
    if not bill.state.ok:
        reason = escape_markdown(bill.state.reason or "")
        st.error(f"Not priced as within: {reason}", icon=":material/error:")
    _checks(found, "cost_per_request", "cost_per_user")
    numbers.metric(bill.total, key="math.bill.total")
    st.dataframe(cached.bill_table(design), hide_index=True, width="stretch")
    lines_math = st.expander("Show the math of each line", key=BILL_MATH, on_change="rerun")
    for estimate in bill.estimates if lines_math.open else ():
        with lines_math:
            st.markdown(f"**{escape_markdown(estimate.name)}**: {estimate.shown()}")
            numbers.math(estimate)
    if bill.routing is not None:
        numbers.metric(
            bill.routing.saving, key="math.bill.saving",
            help="The large model alone against the routed bill.",
        )  # fmt: skip
    if bill.by_class:
        st.caption(
            f"Cost per month by model class (the ceiling is {money(c.cost_per_user_month_usd)} × "
            f"{c.monthly_active_users:,} monthly active users = "
            f"{money(c.cost_per_user_month_usd * c.monthly_active_users)})"
        )
        by_class = bill.by_class
        charts.draw_once(
            f"cost_by_class:{design_hash(design)}",
            lambda: charts.horizontal_bars(
                "model class", "$ per month",
                [MODEL_KINDS_SHORT[item.kind] for item in by_class],
                [item.usd_per_month for item in by_class],
                height=180,
            ),
        )  # fmt: skip


def timeline_panel(design: Design) -> None:
    """Draw the request timeline stage by stage, and the latency verdicts against Phase 1."""
    found = cached.analysis(design)
    t = found.timeline
    _checks(found, "ttft", "itl", "total_response")
    # The path and a routed model can name the design's own model: user text.
    path = escape_markdown(t.path)
    st.caption(f"Request timeline of {path}; the model reads {t.prompt_tokens.shown()}.")
    for hosted in t.hosted:  # the catalog's source text: escaped like everything else shown
        st.caption(f"Hosted latency of {escape_markdown(hosted.line())}")
    if t.large is not None:
        st.caption(
            f"Requests routed to {escape_markdown(t.large.name)} pass the same stages before the "
            "model, then: "
            + (
                f"first token {duration(t.large.ttft_ms)}, ITL {duration(t.large.itl_ms)}."
                if t.large.ttft_ms is not None
                else f"{escape_markdown(t.large.state.reason or '')}."
            )
        )
    st.dataframe(cached.timeline_table(design), hide_index=True, width="stretch")
    stages_math = st.expander("Show the math of each stage", key=STAGE_MATH, on_change="rerun")
    stages = (t.prompt_tokens, *(s.estimate for s in t.steps if s.estimate))
    for estimate in stages if stages_math.open else ():
        with stages_math:
            st.markdown(f"**{escape_markdown(estimate.name)}**: {estimate.shown()}")
            numbers.math(estimate)


def serving_panel(design: Design) -> None:
    """Draw whether the model fits, whether it carries the load, its replicas, and the math."""
    found = cached.analysis(design)
    capacity = found.capacity
    if capacity is None:
        return
    report = capacity.report
    _checks(found, "fit")
    for fix in report.fit.fixes:
        change, detail = escape_markdown(fix.change), escape_markdown(fix.detail)
        st.markdown(f"- **{change}**: {detail} → {fix.max_concurrency:,} sequences fit")
    _checks(found, "load", "replicas")
    # The model and GPU may be the design's own entries: their names are user text.
    model, gpu = escape_markdown(report.setup.model.name), escape_markdown(report.setup.gpu.name)
    st.caption(
        f"Sizing {escape_markdown(report.role)}: {model} at "
        f"{PRECISIONS[report.setup.precision.id]} on {gpu}"
    )
    numbers.grid(list(capacity.estimates), key="math.serving")


def serving_charts(design: Design) -> None:
    """Draw one GPU's memory at peak load, and ITL and throughput against requests in flight."""
    specs = _serving_specs(design_hash(design), design)
    if not specs:
        return
    memory_column, itl_column, throughput_column = st.columns(3, gap="medium")
    memory_column.caption(
        "Memory of one GPU at the peak load (GiB): reserved is the 10% headroom plus "
        "activations; free holds more sequences"
    )
    charts.draw(specs[0], memory_column)
    if len(specs) > 1:
        itl_column.caption("ITL against requests in flight, with the Phase 1 budget (ms)")
        charts.draw(specs[1], itl_column)
        throughput_column.caption("Output tokens/s of one replica against requests in flight")
        charts.draw(specs[2], throughput_column)


# Built once per design (keyed on its hash), shared by every session like the analysis.
@st.cache_data(max_entries=128, show_spinner=False)
def _serving_specs(key: str, _design: Design) -> tuple[charts.Spec, ...]:
    del key  # the design's hash
    capacity = resources.analysis(_design).capacity
    if capacity is None or not capacity.memory:
        return ()
    memory = capacity.memory
    specs = [
        charts.horizontal_bars(
            "part", "GiB", [item.part for item in memory], [item.gib for item in memory],
            height=220,
        )
    ]  # fmt: skip
    return tuple(charts.packed(spec) for spec in specs + _load_specs(_design, capacity.sweep))


def _load_specs(design: Design, sweep: tuple[LoadPoint, ...]) -> list[charts.Spec]:
    if not sweep:
        return []
    x = [point.concurrency for point in sweep]
    itl = charts.lines(
        "requests in flight", x,
        {
            "ITL": [point.itl_ms for point in sweep],
            "ITL budget": [float(design.constraints.itl_ms)] * len(x),
        },
        height=220, colors=["#3b5bdb", "#e03131"],
    )  # fmt: skip
    tokens = charts.lines(
        "requests in flight", x, {"tokens/s": [p.tokens_per_s for p in sweep]}, height=220
    )
    return [itl, tokens]


def use_setup(row: PlanRow) -> None:
    """Apply a planner row to the design's serving phase (a button's callback)."""
    try:
        changed = update_design(
            state.design(), "serving",
            gpu=row.gpu, gpus_per_replica=row.gpus_per_replica, replicas=row.replicas,
            precision=row.precision, kv_cache_precision=row.kv_precision,
        )  # fmt: skip
    except DesignError as exc:
        st.session_state[state.EDIT_ERROR] = f"Not changed: {exc}"
        return
    state.set_design(changed)
    gpu = name_of(catalog_for(changed).gpus, row.gpu)
    replicas = f"{row.replicas} replica" + ("" if row.replicas == 1 else "s")
    state.flash(
        f"Serving set to {replicas} of {row.gpus_per_replica}× {escape_markdown(gpu)}, "
        f"{PRECISIONS[row.precision]} weights, {PRECISIONS[row.kv_precision]} KV cache."
    )


def _use_chosen(rows: tuple[PlanRow, ...]) -> None:
    use_setup(rows[int(st.session_state.get("serving.plan_row", 0))])


PLANNER_OPEN = "serving.planner_open"


def planner_panel(design: Design) -> None:
    """Draw the reverse planner: the cheapest setups that meet Phase 1, and a way to use one."""
    panel = st.expander(
        "Cheapest setups that meet the Phase 1 targets", icon=":material/search:",
        key=PLANNER_OPEN, on_change="rerun",
    )  # fmt: skip
    if not panel.open:
        return  # drawn only when opened: the table and its widgets cost every Serving rerun
    with panel:
        found = resources.plan_numbers(design)
        if found is None:
            return
        if not found.rows:
            st.warning(escape_markdown(found.reason))
            return
        before = cached.analysis(design).timeline.before_model_ms
        st.caption(
            f"{found.evaluated} configurations tried for this model (GPU × GPUs per replica × "
            "weight and KV precision), each with this design's engine options; the first token "
            f"adds the {duration(before)} spent before the model. Lower precisions can cost "
            "quality: check your golden set."
        )
        tables.dataframe(
            [
                {
                    "$/hour": money(row.usd_per_hour),
                    "GPU": row.gpu,
                    "GPUs/replica": row.gpus_per_replica,
                    "replicas": row.replicas,
                    "weights/KV": f"{row.precision}/{row.kv_precision}",
                    "model TTFT": duration(row.ttft_ms),
                    "first token": duration(before + row.ttft_ms),
                    "ITL": duration(row.itl_ms),
                    "tokens/s": round(row.output_tokens_per_s),
                }
                for row in found.rows
            ],
            hide_index=True,
        )
        gpus = dict.fromkeys(row.gpu for row in found.rows)  # in the table's order, once each
        catalog = catalog_for(design)
        st.caption(
            "GPU prices: "
            + "; ".join(escape_markdown(find(catalog.gpus, gpu).price_basis) for gpu in gpus)
        )
        st.button(
            "Use the cheapest setup", key="serving.use_plan", on_click=use_setup,
            args=(found.rows[0],), icon=":material/check:",
        )  # fmt: skip
        pick, use = st.columns([3, 1], vertical_alignment="bottom")
        pick.selectbox(
            "Or use row", options=range(len(found.rows)), key="serving.plan_row",
            format_func=lambda i: f"{i + 1}: {found.rows[i].replicas} × "
            f"{found.rows[i].gpus_per_replica}× {found.rows[i].gpu}, {found.rows[i].precision}",
        )  # fmt: skip
        use.button("Use this row", key="serving.use_row", on_click=_use_chosen, args=(found.rows,))
