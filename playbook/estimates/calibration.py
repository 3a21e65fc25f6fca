"""Calibration: fit the serving model's efficiency factors on published measurements, and score it.

The rows are copied, with their sources, into `playbook/data/calibration_measurements.json`;
each usable row carries a `setup` (our reading of its published setup in catalog ids). The fit
is a pattern search (coordinate steps that halve when nothing improves; Hooke & Jeeves 1961)
minimising the mean absolute log error over every measured TTFT, ITL and output throughput,
with one set of factors for every model and GPU: no per-model special cases.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from playbook.catalog import Catalog, UnknownEntryError, find
from playbook.estimates.serving import (
    ENGINE_IDS,
    Efficiency,
    Load,
    ServingSetup,
    operating_point,
    sequences_that_fit,
)

Metric = Literal["ttft", "itl", "throughput"]
METRICS: tuple[Metric, ...] = ("ttft", "itl", "throughput")
UNITS: dict[Metric, str] = {"ttft": "ms", "itl": "ms", "throughput": "tokens/s"}
# Where each metric sits in a copied row (the sources name them differently).
_FIELDS: dict[Metric, tuple[str, ...]] = {
    "ttft": ("ttft_ms_mean", "ttft_ms"),
    "itl": ("itl_ms_mean", "itl_ms"),
    "throughput": ("output_throughput_tok_s", "output_throughput_tok_s_total"),
}
_START = Efficiency(
    compute=0.5,
    bandwidth=0.7,
    kv_bandwidth=0.7,
    link=0.7,
    allreduce_us=10.0,
    allreduce_pcie_us=10.0,
    allreduce_growth=0.0,
    request_overhead_ms=10.0,
    sequence_us=2.0,
    overlap=1.0,
    closed_loop_cv2=1.0,
    narrow_gain=1.0,
    step_ms_vllm=1.0,
    step_ms_sglang=1.0,
    step_ms_tensorrt_llm=1.0,
    step_ms_tgi=1.0,
)
_STEPS = {
    "compute": 0.1,
    "bandwidth": 0.1,
    "kv_bandwidth": 0.1,
    "link": 0.1,
    "allreduce_us": 8.0,
    "allreduce_pcie_us": 8.0,
    "allreduce_growth": 0.25,
    "request_overhead_ms": 8.0,
    "sequence_us": 2.0,
    "overlap": 0.1,
    "closed_loop_cv2": 0.5,
    "narrow_gain": 0.1,
    **{f"step_ms_{engine_id}": 1.0 for engine_id in ENGINE_IDS},
}
# Physical ranges: no per-request HTTP cost above 50 ms, no CPU step above 20 ms, no all-reduce
# latency above 100 µs (NCCL's small-message latency on one node is 5-50 µs). They keep a factor
# from soaking up an error that belongs to another part of the model.
_BOUNDS = {
    "compute": (0.05, 1.0),
    "bandwidth": (0.05, 1.0),
    "kv_bandwidth": (0.05, 1.0),
    "link": (0.05, 1.0),
    "allreduce_us": (0.0, 100.0),
    "allreduce_pcie_us": (0.0, 100.0),
    "allreduce_growth": (0.0, 2.0),
    "request_overhead_ms": (0.0, 50.0),
    "sequence_us": (0.0, 50.0),
    "overlap": (0.0, 1.0),
    "closed_loop_cv2": (0.5, 5.0),
    "narrow_gain": (0.5, 1.0),
    **{f"step_ms_{engine_id}": (0.0, 20.0) for engine_id in ENGINE_IDS},
}


_CAP = math.log(3)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Case(_Frozen):
    """One usable measurement: the setup, the load, and what was measured."""

    row_id: str
    source_id: str  # the publication it comes from (leave-one-source-out groups by it)
    setup: ServingSetup
    load: Load
    measured: dict[Metric, float]  # ms for ttft and itl, output tokens/s for throughput


class Skipped(_Frozen):
    """A row, or one metric of a row, left out of the fit, and why."""

    row_id: str
    reason: str
    metric: Metric | None = None  # None: the whole row


class Prediction(_Frozen):
    """One measured number, our estimate of it, and the naive roofline's."""

    row_id: str
    metric: Metric
    measured: float
    ours: float
    naive: float

    def error(self, which: Literal["ours", "naive"]) -> float:
        """Return the absolute percentage error of `which` estimate."""
        estimate = self.ours if which == "ours" else self.naive
        return abs(estimate - self.measured) / self.measured * 100


class CalibrationReport(_Frozen):
    """The predictions of both models on every usable measurement, and their median errors."""

    efficiency: Efficiency
    predictions: tuple[Prediction, ...]
    skipped: tuple[Skipped, ...]

    def median_error(self, metric: Metric, which: Literal["ours", "naive"]) -> float:
        """Return the median absolute percentage error of `which` on `metric`."""
        return statistics.median(p.error(which) for p in self.predictions if p.metric == metric)

    def count(self, metric: Metric) -> int:
        """Return how many measurements of `metric` were predicted."""
        return sum(1 for p in self.predictions if p.metric == metric)

    def rows_used(self) -> tuple[str, ...]:
        """Return the ids of the rows with at least one metric in the fit, in file order."""
        return tuple(dict.fromkeys(p.row_id for p in self.predictions))


@cache
def load_rows() -> tuple[Mapping[str, Any], ...]:
    """Return the copied measurement rows shipped in the package (read once)."""
    path = resources.files("playbook").joinpath("data/calibration_measurements.json")
    return tuple(json.loads(path.read_text("utf-8"))["rows"])


def _measured(row: Mapping[str, Any]) -> dict[Metric, float]:
    found: dict[Metric, float] = {}
    for metric, fields in _FIELDS.items():
        value = next((row[field] for field in fields if field in row), None)
        if value is not None and metric not in row["setup"].get("skip", {}):
            found[metric] = float(value)
    if "throughput" not in found and "throughput" not in row["setup"].get("skip", {}):
        derived = _derived_throughput(row)
        if derived is not None:
            found["throughput"] = derived
    return found


def _derived_throughput(row: Mapping[str, Any]) -> float | None:
    """Return the output tokens/s of a table that prints them another way (None: it does not).

    Per GPU: the replica's total is that × its GPUs. A static batch's end-to-end latency: the
    batch's output tokens over it (batch 8 × 2,048 tokens in 19.677 s = 832.6 tokens/s).
    """
    setup = row["setup"]
    if "output_throughput_tok_s_per_gpu" in row:
        return float(row["output_throughput_tok_s_per_gpu"]) * int(setup["tensor_parallel"])
    if "batch_latency_s" in row:
        tokens = float(setup["concurrency"]) * int(setup["output_tokens"])
        return tokens / float(row["batch_latency_s"])
    return None


def _case(row: Mapping[str, Any], catalog: Catalog) -> Case:
    setup = row["setup"]
    optional = {
        key: setup[key]
        for key in ("gpu_memory_utilization", "max_num_seqs", "prefill_chunk_tokens")
        if key in setup
    }
    serving = ServingSetup(
        model=find(catalog.open_models, setup["model"], what="model"),
        gpu=find(catalog.gpus, setup["gpu"], what="GPU"),
        tensor_parallel=setup["tensor_parallel"],
        precision=find(catalog.precisions, setup["precision"], what="precision"),
        kv_precision=find(catalog.precisions, setup["kv_precision"], what="precision"),
        prompt_tokens=setup["prompt_tokens"],
        output_tokens=setup["output_tokens"],
        engine=row["engine_id"],
        served=row["measured_as"] == "served",
        **optional,
    )
    load = Load(qps=setup.get("qps"), concurrency=setup.get("concurrency"))
    return Case(
        row_id=row["id"],
        source_id=row["source_id"],
        setup=serving,
        load=load,
        measured=_measured(row),
    )


def _overloaded(row: Mapping[str, Any]) -> bool:
    """Whether an open-loop run finished clearly fewer requests per second than it offered."""
    offered, finished = row["setup"].get("qps"), row.get("measured_req_per_s")
    return offered is not None and finished is not None and finished < 0.9 * offered


def cases(
    rows: Sequence[Mapping[str, Any]], catalog: Catalog
) -> tuple[tuple[Case, ...], tuple[Skipped, ...]]:
    """Return the rows with enough setup to predict, and those skipped with the reason."""
    used: list[Case] = []
    skipped: list[Skipped] = []
    for row in rows:
        if "setup" not in row:
            kind = row.get("measurement_type", "no serving setup")
            skipped.append(Skipped(row_id=row["id"], reason=f"{kind}: no latency or throughput"))
            continue
        try:
            case = _case(row, catalog)
        except UnknownEntryError as error:
            skipped.append(Skipped(row_id=row["id"], reason=f"not in the catalog: {error}"))
            continue
        for metric, reason in row["setup"].get("skip", {}).items():
            skipped.append(Skipped(row_id=row["id"], reason=reason, metric=metric))
        if _overloaded(row):
            reason = (
                f"overloaded: {row['measured_req_per_s']:g} requests/s finished of "
                f"{row['setup']['qps']:g} offered, so the queue grew through the run (its mean "
                "TTFT depends on the run's length) and the batch sat at the deployment's limit, "
                "which the source does not publish (so did the ITL)"
            )
            transient: tuple[Metric, ...] = ("ttft", "itl")
            for metric in transient:
                if metric in case.measured:
                    skipped.append(Skipped(row_id=row["id"], reason=reason, metric=metric))
            measured = {k: v for k, v in case.measured.items() if k not in transient}
            case = case.model_copy(update={"measured": measured})
        used.append(case)
    return tuple(used), tuple(skipped)


def predict(case: Case, efficiency: Efficiency) -> dict[Metric, float]:
    """Return our estimate of every metric the case measured."""
    point = operating_point(case.setup, load=case.load, efficiency=efficiency)
    ours: dict[Metric, float] = {
        "ttft": point.ttft_s * 1e3,
        "itl": point.itl_s * 1e3,
        "throughput": point.output_tokens_per_s,
    }
    return {metric: ours[metric] for metric in case.measured}


def naive(case: Case) -> dict[Metric, float]:
    """Return the naive roofline: 2·P·tokens ÷ FLOPS, weights ÷ bandwidth, concurrency ÷ ITL."""
    setup = case.setup
    tp = setup.tensor_parallel
    tflops = setup.gpu.dense_tflops.get(setup.precision.compute, setup.gpu.dense_tflops["bf16"])
    ttft = 2 * setup.model.params_per_token * setup.prompt_tokens / (tflops * 1e12 * tp)
    weights = setup.model.total_params * setup.precision.bytes_per_value
    itl = weights / (setup.gpu.bandwidth_tbs * 1e12 * tp)
    if case.load.qps is not None:  # Little's law with the naive latencies
        concurrency = case.load.qps * (ttft + setup.output_tokens * itl)
    else:  # the same requests in flight as ours; "as many as fit" uses our memory model
        concurrency = case.load.concurrency or min(sequences_that_fit(setup), setup.max_num_seqs)
    values: dict[Metric, float] = {"ttft": ttft * 1e3, "itl": itl * 1e3}
    values["throughput"] = concurrency / itl
    return {metric: values[metric] for metric in case.measured}


def loss(all_cases: Sequence[Case], efficiency: Efficiency) -> float:
    """Return the mean absolute log error per metric, averaged over the metrics measured."""
    totals: dict[Metric, list[float]] = {}
    for case in all_cases:
        for metric, value in predict(case, efficiency).items():
            finite = 0 < value < math.inf  # an overloaded estimate counts as a large miss
            # Capped at log(3): a row the model cannot describe should not steer the fit.
            miss = min(abs(math.log(value / case.measured[metric])), _CAP) if finite else _CAP
            totals.setdefault(metric, []).append(miss)
    return statistics.fmean(statistics.fmean(misses) for misses in totals.values())


def _clamped(efficiency: Efficiency, name: str, value: float) -> Efficiency:
    low, high = _BOUNDS[name]
    return efficiency.model_copy(update={name: min(max(value, low), high)})


def fit(
    all_cases: Sequence[Case],
    *,
    start: Efficiency = _START,
    objective: Callable[[Sequence[Case], Efficiency], float] = loss,
) -> Efficiency:
    """Return the efficiency factors that minimise `objective` (pattern search, stdlib only)."""
    best, best_loss = start, objective(all_cases, start)
    measured_engines = {case.setup.engine for case in all_cases}
    steps = {
        name: step
        for name, step in _STEPS.items()
        if not name.startswith("step_ms_") or name.removeprefix("step_ms_") in measured_engines
    }
    while max(step / _STEPS[name] for name, step in steps.items()) > 1 / 64:
        improved = False
        for name, step in steps.items():
            for candidate_value in (getattr(best, name) + step, getattr(best, name) - step):
                candidate = _clamped(best, name, candidate_value)
                candidate_loss = objective(all_cases, candidate)
                if candidate_loss < best_loss - 1e-12:
                    best, best_loss, improved = candidate, candidate_loss, True
                    break
        if not improved:
            steps = {name: step / 2 for name, step in steps.items()}
    # An engine with no measurement takes the mean step overhead of those measured.
    measured = [best.step_overhead_ms(engine_id) for engine_id in sorted(measured_engines)]
    fallback = statistics.fmean(measured) if measured else start.step_ms_vllm
    unmeasured = {
        f"step_ms_{engine_id}": fallback
        for engine_id in ENGINE_IDS
        if engine_id not in measured_engines
    }
    return best.model_copy(update=unmeasured)


def report(
    all_cases: Sequence[Case], skipped: Sequence[Skipped], efficiency: Efficiency
) -> CalibrationReport:
    """Return our and the naive roofline's estimate of every measured number."""
    predictions = []
    for case in all_cases:
        ours, rough = predict(case, efficiency), naive(case)
        for metric, measured in case.measured.items():
            predictions.append(
                Prediction(
                    row_id=case.row_id,
                    metric=metric,
                    measured=measured,
                    ours=ours[metric],
                    naive=rough[metric],
                )
            )
    return CalibrationReport(
        efficiency=efficiency, predictions=tuple(predictions), skipped=tuple(skipped)
    )


def leave_one_source_out(all_cases: Sequence[Case]) -> tuple[Prediction, ...]:
    """Return each case predicted by factors fitted without any row of its publication."""
    predictions: list[Prediction] = []
    for source in dict.fromkeys(case.source_id for case in all_cases):
        held_out = [case for case in all_cases if case.source_id == source]
        factors = fit([case for case in all_cases if case.source_id != source])
        predictions += report(held_out, (), factors).predictions
    return tuple(predictions)


def median_errors(predictions: Sequence[Prediction]) -> dict[Metric, float]:
    """Return our median absolute percentage error per metric over `predictions`."""
    return {
        metric: statistics.median(p.error("ours") for p in predictions if p.metric == metric)
        for metric in METRICS
        if any(p.metric == metric for p in predictions)
    }
