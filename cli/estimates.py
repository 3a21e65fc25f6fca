"""Subcommands `catalog`, `estimate` and `plan`: the catalog, serving estimates, the planner."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.base import Commands, UsageError, positive_float, positive_int
from cli.rubric import read_design
from playbook.analysis import analyze
from playbook.analysis.summary import headline, lines
from playbook.catalog import Catalog, find, ids
from playbook.estimates.base import Estimate
from playbook.estimates.cost import self_hosted_usd_per_1m_output
from playbook.estimates.memory import kv_bytes_per_token, weights_memory
from playbook.estimates.serving import (
    CLI_NAMES,
    Load,
    ServingSetup,
    engine,
    itl,
    kv_cache_in_use,
    memory_fit,
    operating_point,
    output_throughput,
    prefill_time,
    ttft,
)
from playbook.planner import KV_PRECISIONS, WEIGHT_PRECISIONS, PlanRow, Targets, plan
from playbook.rubric.base import with_design_entries


def _concurrency(text: str) -> int | None:
    if text == "max":
        return None
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither 'max' nor a whole number of at least 1"
        )
    return int(text)


def register(commands: Commands) -> None:
    """Add the catalog, estimate and plan subcommands."""

    catalog = commands.add_parser("catalog", help="list the models, GPUs and precisions")
    catalog.add_argument("--json", action="store_true", help="the whole catalog as JSON")
    catalog.set_defaults(run=_catalog)

    estimate = commands.add_parser("estimate", help="memory, latency, throughput and cost")
    estimate.add_argument(
        "--design",
        type=Path,
        help="a design JSON file: print its analysis (timeline, replicas, bill, verdicts), the "
        "figures the app shows; --model and --gpu are then not needed",
    )
    estimate.add_argument("--model", help="an open model id (needed without --design)")
    estimate.add_argument("--gpu", help="a GPU id (needed without --design)")
    estimate.add_argument("--gpus", type=positive_int, default=1, help="GPUs per replica (TP)")
    estimate.add_argument("--precision", default="bf16", help="weight precision id")
    estimate.add_argument("--kv-precision", default="bf16", help="KV-cache precision id")
    estimate.add_argument(
        "--engine",
        choices=tuple(CLI_NAMES),
        default="vllm",
        help="serving engine: its batch limit, memory fraction and batching (default vllm)",
    )
    estimate.add_argument(
        "--engine-only",
        action="store_true",
        help="an engine benchmark without the HTTP API: no per-request overhead",
    )
    estimate.add_argument("--prompt-tokens", type=positive_int, default=1_500)
    estimate.add_argument("--output-tokens", type=positive_int, default=300)
    estimate.add_argument(
        "--concurrency",
        type=_concurrency,
        default=None,
        help="requests in flight (a static-batch benchmark: the batch), or 'max' (default): "
        "as many as the engine would run",
    )
    estimate.add_argument("--json", action="store_true", help="one JSON object")
    estimate.set_defaults(run=_estimate)

    planner = commands.add_parser("plan", help="the cheapest setups that meet the targets")
    planner.add_argument("--model", action="append", required=True, help="open model id(s)")
    planner.add_argument("--ttft-ms", type=positive_float, required=True)
    planner.add_argument("--itl-ms", type=positive_float, required=True)
    planner.add_argument("--qps", type=positive_float, required=True)
    planner.add_argument("--prompt-tokens", type=positive_int, default=1_500)
    planner.add_argument("--output-tokens", type=positive_int, default=300)
    planner.add_argument("--top", type=positive_int, default=10)
    planner.add_argument("--json", action="store_true", help="rows as JSON")
    planner.set_defaults(run=_plan)


# --- catalog -----------------------------------------------------------------------------------


def _catalog(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print the catalog, as JSON or as a readable listing."""
    if args.json:
        print(catalog.model_dump_json(indent=2))
        return 0
    print("Open models (total / active parameters, context):")
    for m in catalog.open_models:
        active = f" / {m.active_params / 1e9:.1f} B active" if m.active_params else ""
        print(f"  {m.id:16} {m.name:24} {m.total_params / 1e9:7.1f} B{active}, {m.max_context:,}")
    print("Hosted models ($ per 1M input / output tokens):")
    for h in catalog.hosted_models:
        print(f"  {h.id:16} {h.name:24} ${h.usd_per_1m_input:g} / ${h.usd_per_1m_output:g}")
    print("GPUs (memory, bandwidth, dense TFLOPS, $ per hour):")
    for g in catalog.gpus:
        tflops = ", ".join(f"{kind} {value:g}" for kind, value in g.dense_tflops.items())
        print(
            f"  {g.id:16} {g.memory_gb:g} {g.memory_unit}, {g.bandwidth_tbs:g} TB/s, {tflops}, "
            f"${g.usd_per_hour:g}"
        )
    print("Precisions (bytes per value, tensor math):")
    for p in catalog.precisions:
        print(f"  {p.id:16} {p.bytes_per_value:g} B, {p.compute}")
    print("Embedding models: " + ", ".join(ids(catalog.embedding_models)))
    return 0


# --- estimate ----------------------------------------------------------------------------------


def _setup(args: argparse.Namespace, catalog: Catalog) -> ServingSetup:
    return ServingSetup(
        model=find(catalog.open_models, args.model, what="model"),
        gpu=find(catalog.gpus, args.gpu, what="GPU"),
        tensor_parallel=args.gpus,
        precision=find(catalog.precisions, args.precision, what="precision"),
        kv_precision=find(catalog.precisions, args.kv_precision, what="KV precision"),
        prompt_tokens=args.prompt_tokens,
        output_tokens=args.output_tokens,
        engine=CLI_NAMES[args.engine],
        served=not args.engine_only,
    )


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _estimate_data(setup: ServingSetup, load: Load, catalog: Catalog) -> dict[str, Any]:
    fit = memory_fit(setup, precisions=catalog.precisions)
    point = operating_point(setup, load=load)
    data: dict[str, Any] = {
        "setup": setup.describe(),
        "engine": next(name for name, engine_id in CLI_NAMES.items() if engine_id == setup.engine),
        "batch_limit": min(setup.max_num_seqs, int(fit.max_concurrency.value)),
        "weights_gib": weights_memory(setup.model, setup.precision).value,
        "weights_gib_per_gpu": fit.weights_per_gpu.value,
        "kv_bytes_per_token": kv_bytes_per_token(setup.model, setup.kv_precision).value,
        "kv_cache_gib": kv_cache_in_use(setup, load=load).value,
        "max_concurrency": int(fit.max_concurrency.value),
        "fits": fit.fits,
        "verdict": fit.verdict,
        "fixes": [fix.model_dump() for fix in fit.fixes],
        "concurrency": point.batch + 0.0,
        "ttft_ms": None,
        "itl_ms": None,
        "output_tokens_per_s": None,
        "usd_per_1m_output_tokens": None,
    }
    shown = [fit.weights_per_gpu, fit.kv_space, fit.max_concurrency]
    if fit.fits:
        numbers = {
            "ttft_ms": ttft(setup, load=load),
            "itl_ms": itl(setup, load=load),
            "output_tokens_per_s": output_throughput(setup, load=load),
            "usd_per_1m_output_tokens": self_hosted_usd_per_1m_output(setup, load=load),
        }
        data.update({key: _number(estimate.value) for key, estimate in numbers.items()})
        shown += [prefill_time(setup), *numbers.values()]
    data["estimates"] = [estimate.model_dump(mode="json") for estimate in shown]
    return data


def _show(estimates: Sequence[Estimate]) -> None:
    for estimate in estimates:
        print(f"{estimate.name:.<44} {estimate.shown(4)}")
        print(f"    = {estimate.formula}")
        if estimate.worked:
            print(f"    = {estimate.worked}")


def _estimate(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print the memory, latency, throughput and cost estimates of one setup (or a design)."""
    if args.design is not None:
        return _design_estimate(args, catalog)
    if not args.model or not args.gpu:
        raise UsageError("give --model and --gpu, or --design DESIGN.json")
    setup = _setup(args, catalog)
    load = Load(concurrency=args.concurrency)
    data = _estimate_data(setup, load, catalog)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(
        f"{data['setup']}; {setup.prompt_tokens:,} prompt + {setup.output_tokens:,} output tokens"
    )
    print(f"engine: {engine(setup.engine).name}, at most {data['batch_limit']:,} sequences at once")
    print(f"load: {load.describe()}")
    print(data["verdict"])
    for fix in data["fixes"]:
        print(f"  fix: {fix['detail']} -> {fix['max_concurrency']:,} sequences")
    _show([Estimate.model_validate(item) for item in data["estimates"]])
    return 0


def _design_estimate(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print a design file's analysis: the same figures every page of the app shows."""
    design = read_design(args.design)
    found = analyze(design, with_design_entries(catalog, design))
    if args.json:
        print(json.dumps(headline(found), indent=2))
    else:
        print("\n".join(lines(found)))
    return 0


# --- plan --------------------------------------------------------------------------------------


def _plan_table(rows: Sequence[PlanRow]) -> None:
    print(
        f"{'$/hour':>9} {'model':16} {'GPUs':>14} {'weights/KV':12} {'replicas':>8} "
        f"{'qps/rep':>8} {'TTFT ms':>8} {'ITL ms':>7}"
    )
    for r in rows:
        gpus, formats = f"{r.gpus_per_replica}× {r.gpu}", f"{r.precision}/{r.kv_precision}"
        print(
            f"{r.usd_per_hour:9.2f} {r.model:16} {gpus:>14} {formats:12} "
            f"{r.replicas:8} {r.qps_per_replica:8.1f} {r.ttft_ms:8.0f} {r.itl_ms:7.1f}"
        )


def _plan(args: argparse.Namespace, catalog: Catalog) -> int:
    """Print the cheapest setups that meet the latency and load targets."""
    models = [find(catalog.open_models, model_id, what="model") for model_id in args.model]
    targets = Targets(
        ttft_ms=args.ttft_ms,
        itl_ms=args.itl_ms,
        qps=args.qps,
        prompt_tokens=args.prompt_tokens,
        output_tokens=args.output_tokens,
    )
    result = plan(models, catalog, targets, top=args.top)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.evaluated:,} configurations tried (every GPU × 1/2/4/8 GPUs × "
        f"{'/'.join(WEIGHT_PRECISIONS)} weights × {'/'.join(KV_PRECISIONS)} KV cache)"
    )
    if not result.rows:
        print(f"none meets the targets: {result.reason}")
        return 0
    _plan_table(result.rows)
    return 0
