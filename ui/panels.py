"""The numbers panels of the Model and Serving pages: verdicts, metrics with math, and charts."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playbook import Design, DesignError, update_design
from playbook.estimates.charts import LoadPoint, MemorySlice
from playbook.labels import MODEL_KINDS_SHORT, PRECISIONS
from playbook.planner import PlanRow
from ui import numbers, resources, state


def cost_panel(design: Design) -> None:
    """Draw the design's monthly cost against the ceilings, and each model class's cost."""
    report, by_class = resources.cost_numbers(design)
    c = design.constraints
    numbers.verdict(report.within_request_ceiling, report.verdicts[0])
    numbers.verdict(report.within_user_ceiling, report.verdicts[1])
    numbers.grid(list(report.estimates), per_row=1)
    st.caption(
        f"Cost per month by model class (the ceiling is ${c.cost_per_user_month_usd:g} × "
        f"{c.monthly_active_users:,} monthly active users = "
        f"${c.cost_per_user_month_usd * c.monthly_active_users:,.0f})"
    )
    st.bar_chart(
        {
            "model class": [MODEL_KINDS_SHORT[item.kind] for item in by_class],
            "$ per month": [item.usd_per_month for item in by_class],
        },
        x="model class", y="$ per month", horizontal=True, height=180,
    )  # fmt: skip


def serving_panel(design: Design) -> None:
    """Draw whether the model fits, its latency and throughput against Phase 1, and charts."""
    found = resources.serving_numbers(design)
    if found is None:
        return
    report = found.report
    numbers.verdict(report.fit.fits, report.fit.verdict)
    for fix in report.fit.fixes:
        st.markdown(f"- **{fix.change}**: {fix.detail} → {fix.max_concurrency:,} sequences fit")
    if report.fit.fits:
        numbers.verdict(report.meets_ttft, report.verdicts[1])
        numbers.verdict(report.meets_itl, report.verdicts[2])
        numbers.verdict(report.enough_replicas, report.verdicts[3])
    st.caption(f"Sizing {report.role}: {report.setup.model.name} at " + (
        f"{PRECISIONS[report.setup.precision.id]} on {report.setup.gpu.name}"
    ))  # fmt: skip
    numbers.grid(list(report.estimates))


def serving_charts(design: Design) -> None:
    """Draw one GPU's memory at peak load, and ITL and throughput against requests in flight."""
    found = resources.serving_numbers(design)
    if found is None:
        return
    memory_column, itl_column, throughput_column = st.columns(3, gap="medium")
    with memory_column:
        _memory_chart(found.memory)
    _load_charts(design, found.sweep, itl_column, throughput_column)


def _memory_chart(memory: tuple[MemorySlice, ...]) -> None:
    st.caption(
        "Memory of one GPU at the peak load (GiB): reserved is the 10% headroom plus "
        "activations; free holds more sequences"
    )
    st.bar_chart(
        {"part": [item.part for item in memory], "GiB": [item.gib for item in memory]},
        x="part", y="GiB", horizontal=True, height=220, sort=False,
    )  # fmt: skip


def _load_charts(
    design: Design, sweep: tuple[LoadPoint, ...], itl: DeltaGenerator, throughput: DeltaGenerator
) -> None:
    if not sweep:
        return
    x = [point.concurrency for point in sweep]
    itl.caption("ITL against requests in flight, with the Phase 1 budget (ms)")
    itl.line_chart(
        {
            "requests in flight": x,
            "ITL": [point.itl_ms for point in sweep],
            "ITL budget": [float(design.constraints.itl_ms)] * len(x),
        },
        x="requests in flight", y=["ITL", "ITL budget"], height=220,
        color=["#3b5bdb", "#e03131"],
    )  # fmt: skip
    throughput.caption("Output tokens/s of one replica against requests in flight")
    throughput.line_chart(
        {"requests in flight": x, "tokens/s": [point.tokens_per_s for point in sweep]},
        x="requests in flight", y="tokens/s", height=220,
    )  # fmt: skip


def _use_setup(row: PlanRow) -> None:
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
    state.flash(
        f"Serving set to {row.replicas} × {row.gpus_per_replica}× {row.gpu}, {row.precision}."
    )


def planner_panel(design: Design) -> None:
    """Draw the reverse planner: the cheapest setups that meet Phase 1, and a way to use one."""
    with st.expander("Cheapest setups that meet the Phase 1 targets", icon=":material/search:"):
        found = resources.plan_numbers(design)
        if found is None:
            return
        if not found.rows:
            st.warning(found.reason)
            return
        st.caption(
            f"{found.evaluated} configurations tried for this model (GPU × GPUs per replica × "
            "weight and KV precision); lower precisions can cost quality: check your golden set."
        )
        st.dataframe(
            [
                {
                    "$/hour": round(row.usd_per_hour, 2),
                    "GPU": row.gpu,
                    "GPUs/replica": row.gpus_per_replica,
                    "replicas": row.replicas,
                    "weights/KV": f"{row.precision}/{row.kv_precision}",
                    "TTFT ms": round(row.ttft_ms),
                    "ITL ms": round(row.itl_ms, 1),
                    "tokens/s": round(row.output_tokens_per_s),
                }
                for row in found.rows
            ],
            hide_index=True,
        )
        st.button(
            "Use the cheapest setup", key="serving.use_plan", on_click=_use_setup,
            args=(found.rows[0],), icon=":material/check:",
        )  # fmt: skip
