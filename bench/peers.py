"""Our serving estimator against its peers on the same published measurements.

`python -m bench.peers --aiconfigurator-python /tmp/aic/bin/python`: for every calibration row
that NVIDIA aiconfigurator can describe (its GPU, engine, model and precision), run its estimate
in that interpreter (bench/aiconfigurator_driver.py, a subprocess: aiconfigurator is not a
dependency of the app) and print, per metric, the median absolute error of aiconfigurator and of
ours on the same rows. Ours twice: with the shipped factors (fitted on every row, so in-sample)
and leave-one-source-out (each publication predicted by factors fitted without it), the fairer
figure against a peer that never saw these rows. Without a peer interpreter it prints one
"skipped" line, so `make bench` needs no peer installed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from playbook.catalog import load_catalog
from playbook.estimates import calibration as cal
from playbook.estimates.serving import load_efficiency

ROOT = Path(__file__).resolve().parents[1]
# Catalog GPU id -> aiconfigurator system with measured data (its systems/data/<name>/; the
# h100_pcie, a100_pcie and l4 folders of 0.12.0 are empty).
AIC_SYSTEMS = {
    "h100-sxm": "h100_sxm",
    "h200": "h200_sxm",
    "b200": "b200_sxm",
    "a100-80gb": "a100_sxm",
    "l40s": "l40s",
    "rtx-pro-6000": "rtx_pro_6000_server",
}
AIC_BACKENDS = {"tensorrt_llm": "trtllm", "vllm": "vllm", "sglang": "sglang"}
# Our precision id -> aiconfigurator's GEMM and KV-cache modes. FP16 runs as BF16 (same tensor
# core rate on A100 and later; aiconfigurator has no FP16 GEMM mode).
AIC_GEMM = {"bf16": "bfloat16", "fp16": "bfloat16", "fp8": "fp8", "fp4": "nvfp4"}
AIC_KV = {"bf16": "bfloat16", "fp16": "bfloat16", "fp8": "fp8"}
# Catalog model id -> a Hugging Face id whose config.json aiconfigurator 0.12.0 ships
# (aiconfigurator_core/model_configs). Llama 3.3 70B has Llama 3.1 70B's shape (catalog source).
AIC_MODELS = {
    "llama-3.1-8b": "meta-llama/Meta-Llama-3.1-8B",
    "llama-3.1-70b": "meta-llama/Meta-Llama-3.1-70B",
    "llama-3.3-70b": "meta-llama/Meta-Llama-3.1-70B",
    "llama-3.1-405b": "meta-llama/Meta-Llama-3.1-405B",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1",
    "llama-4-scout": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    "llama-4-maverick": "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
    "qwen3-8b": "Qwen/Qwen3-8B",
    "qwen3-32b": "Qwen/Qwen3-32B",
    "qwen3-30b-a3b": "Qwen/Qwen3-30B-A3B",
    "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B",
    "deepseek-v3": "deepseek-ai/DeepSeek-V3",
    "deepseek-r1": "deepseek-ai/DeepSeek-R1",
}
MOE_MODELS = {
    "mixtral-8x7b",
    "llama-4-scout",
    "llama-4-maverick",
    "qwen3-30b-a3b",
    "qwen3-235b-a22b",
}


def _llama2(
    hidden: int, intermediate: int, layers: int, heads: int, kv_heads: int
) -> dict[str, Any]:
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": hidden,
        "intermediate_size": intermediate,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "vocab_size": 32000,
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-5,
        "hidden_act": "silu",
        "torch_dtype": "float16",
    }


# Models aiconfigurator does not ship, given as their published config.json (the fields it reads):
# https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json and .../Llama-2-70b-hf/.
PUBLISHED_CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "llama-2-7b": ("meta-llama/Llama-2-7b-hf", _llama2(4096, 11008, 32, 32, 32)),
    "llama-2-70b": ("meta-llama/Llama-2-70b-hf", _llama2(8192, 28672, 80, 64, 8)),
}


def _shape(
    layers: int, heads: int, hidden: int, vocab: int, kv_heads: int, ffn: int
) -> dict[str, Any]:
    return {
        "num_layers": layers,
        "n_head": heads,
        "hidden_dim": hidden,
        "vocab_size": vocab,
        "num_key_value_heads": kv_heads,
        "ffn_embed_dim": ffn,
        "expansion_ratio": ffn / hidden,
        "model_type": "llama",
    }


# llm-analysis's ModelConfig for each catalog model, from the model's published config.json on
# Hugging Face (num_hidden_layers, num_attention_heads, hidden_size, vocab_size,
# num_key_value_heads, intermediate_size; Mixtral's num_local_experts 8, num_experts_per_tok 2).
LLM_ANALYSIS_MODELS: dict[str, dict[str, Any]] = {
    "llama-3.1-8b": _shape(32, 32, 4096, 128256, 8, 14336),
    "llama-3.1-70b": _shape(80, 64, 8192, 128256, 8, 28672),
    "llama-3.3-70b": _shape(80, 64, 8192, 128256, 8, 28672),
    "llama-3.1-405b": _shape(126, 128, 16384, 128256, 8, 53248),
    "llama-2-7b": _shape(32, 32, 4096, 32000, 32, 11008),
    "llama-2-70b": _shape(80, 64, 8192, 32000, 8, 28672),
    "mistral-7b": _shape(32, 32, 4096, 32000, 8, 14336),
    "mixtral-8x7b": _shape(32, 32, 4096, 32000, 8, 14336) | {"moe_num_experts": 8, "moe_top_k": 2},
}
# llm-analysis 0.2.2's gpu_configs (no H200, B200 or L40S).
LLM_ANALYSIS_GPUS = {
    "a100-80gb": "a100-sxm-80gb",
    "a100-40gb": "a100-sxm-40gb",
    "h100-sxm": "h100-sxm-80gb",
    "h100-pcie": "h100-pcie-80gb",
    "a10g": "a10g-pcie-24gb",
}
# Its dtype_configs are weight/activation/embedding bits; it has no FP8, so FP8 runs as 8-bit
# weights and activations (H100's INT8 and FP8 tensor rates are the same) and FP4 as w4a4.
LLM_ANALYSIS_DTYPES = {
    "bf16": "w16a16e16",
    "fp16": "w16a16e16",
    "fp8": "w8a8e16",
    "int8": "w8a8e16",
    "int4": "w4a16e16",
    "fp4": "w4a4e16",
}

# The prefill token budget of one step when the engine's own is unset: TensorRT-LLM's
# max_num_tokens default (tensorrt_llm/llmapi/llm_args.py BuildConfig.max_num_tokens = 8192).
DEFAULT_PREFILL_BUDGET = 8192
TIMEOUT_S = 3600


class Comparison(NamedTuple):
    """One measured number and every estimate of it (None: that estimator has none)."""

    row_id: str
    metric: cal.Metric
    measured: float
    estimates: dict[str, float]


def percent_error(estimate: float, measured: float) -> float:
    """Return the absolute error of `estimate` in % of `measured` (e.g. 90 vs 100 -> 10.0)."""
    return abs(estimate - measured) / measured * 100


def aiconfigurator_job(case: cal.Case) -> dict[str, Any] | str:
    """Return the aiconfigurator job for a case, or why aiconfigurator cannot describe it."""
    setup = case.setup
    model_id = setup.model.id
    reasons = [
        f"GPU {setup.gpu.id}" if setup.gpu.id not in AIC_SYSTEMS else "",
        f"engine {setup.engine}" if setup.engine not in AIC_BACKENDS else "",
        f"weights {setup.precision.id}" if setup.precision.id not in AIC_GEMM else "",
        f"KV cache {setup.kv_precision.id}" if setup.kv_precision.id not in AIC_KV else "",
        f"model {model_id}" if model_id not in AIC_MODELS | PUBLISHED_CONFIGS.keys() else "",
    ]
    missing = [reason for reason in reasons if reason]
    if missing:
        return "aiconfigurator 0.12.0 has no " + ", ".join(missing)
    job: dict[str, Any] = {
        "id": case.row_id,
        "system": AIC_SYSTEMS[setup.gpu.id],
        "backend": AIC_BACKENDS[setup.engine],
        "tp": setup.tensor_parallel,
        "gemm": AIC_GEMM[setup.precision.id],
        "kv": AIC_KV[setup.kv_precision.id],
        "moe": model_id in MOE_MODELS,
        "isl": setup.prompt_tokens,
        "osl": setup.output_tokens,
        "memory_fraction": setup.gpu_memory_utilization,
        "load": _load(case),
    }
    if model_id in PUBLISHED_CONFIGS:
        job["hf_id"], job["config"] = PUBLISHED_CONFIGS[model_id]
    else:
        job["hf_id"] = AIC_MODELS[model_id]
    return job


def llm_analysis_job(case: cal.Case) -> dict[str, Any] | str:
    """Return the llm-analysis job for a case, or why llm-analysis cannot describe it."""
    setup = case.setup
    reasons = [
        f"GPU {setup.gpu.id}" if setup.gpu.id not in LLM_ANALYSIS_GPUS else "",
        f"weights {setup.precision.id}" if setup.precision.id not in LLM_ANALYSIS_DTYPES else "",
        f"model {setup.model.id}" if setup.model.id not in LLM_ANALYSIS_MODELS else "",
    ]
    missing = [reason for reason in reasons if reason]
    if missing:
        return "llm-analysis 0.2.2 has no " + ", ".join(missing)
    return {
        "id": case.row_id,
        "model": {"name": setup.model.id} | LLM_ANALYSIS_MODELS[setup.model.id],
        "gpu": LLM_ANALYSIS_GPUS[setup.gpu.id],
        "dtype": LLM_ANALYSIS_DTYPES[setup.precision.id],
        "kv_bytes": setup.kv_precision.bytes_per_value,
        "tp": setup.tensor_parallel,
        "isl": setup.prompt_tokens,
        "osl": setup.output_tokens,
        "load": _load(case),
    }


def _load(case: cal.Case) -> dict[str, Any]:
    """The same load as ours: requests in flight, an arrival rate, or as many as fit."""
    cap = case.setup.max_num_seqs
    if case.load.concurrency is not None:
        return {"kind": "concurrency", "n": round(case.load.concurrency)}
    if case.load.qps is not None:
        return {"kind": "qps", "qps": case.load.qps, "cap": cap}
    budget = case.setup.prefill_chunk_tokens or DEFAULT_PREFILL_BUDGET
    return {"kind": "max", "cap": cap, "ctx_tokens": budget}


# Each peer: how a case becomes its job, and the driver module run in the peer's interpreter.
PEERS: dict[str, tuple[Callable[[cal.Case], dict[str, Any] | str], str]] = {
    "aiconfigurator": (aiconfigurator_job, "bench.aiconfigurator_driver"),
    "llm-analysis": (llm_analysis_job, "bench.llm_analysis_driver"),
}


def compare(
    cases: Sequence[cal.Case], columns: Mapping[str, Mapping[str, Mapping[str, float]]]
) -> list[Comparison]:
    """Return every measured metric with each column's estimate of it (by row id, then metric)."""
    found = []
    for case in cases:
        for metric, measured in case.measured.items():
            estimates = {
                name: values[case.row_id][metric]
                for name, values in columns.items()
                if metric in values.get(case.row_id, {})
            }
            found.append(Comparison(case.row_id, metric, measured, estimates))
    return found


def median_errors(comparisons: Sequence[Comparison], peer: str) -> dict[cal.Metric, dict[str, Any]]:
    """Per metric, over the rows `peer` estimated: the count and each column's median error %."""
    table: dict[cal.Metric, dict[str, Any]] = {}
    for metric in cal.METRICS:
        rows = [c for c in comparisons if c.metric == metric and peer in c.estimates]
        if not rows:
            continue
        names = [name for name in rows[0].estimates if all(name in c.estimates for c in rows)]
        table[metric] = {"n": len(rows)} | {
            name: statistics.median(percent_error(c.estimates[name], c.measured) for c in rows)
            for name in names
        }
    return table


def _run_peer(python: str, driver: str, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        jobs_path, results_path = Path(scratch) / "jobs.json", Path(scratch) / "results.json"
        jobs_path.write_text(json.dumps(jobs), "utf-8")
        subprocess.run(
            [python, "-m", driver, str(jobs_path), str(results_path)],
            check=True, timeout=TIMEOUT_S, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        result: dict[str, Any] = json.loads(results_path.read_text("utf-8"))
        return result


def _as_columns(values: Mapping[cal.Metric, float]) -> dict[str, float]:
    return {str(metric): value for metric, value in values.items()}


def _ours(cases: Sequence[cal.Case]) -> dict[str, dict[str, dict[str, float]]]:
    shipped = load_efficiency()
    held_out: dict[str, dict[str, float]] = {}
    for p in cal.leave_one_source_out(cases):
        held_out.setdefault(p.row_id, {})[p.metric] = p.ours
    return {
        "ours": {case.row_id: _as_columns(cal.predict(case, shipped)) for case in cases},
        "ours, leave-one-source-out": held_out,
    }


def _peer_column(results: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    return {
        r["id"]: {metric: float(r[metric]) for metric in cal.METRICS}
        for r in results
        if "error" not in r
    }


def _print_table(table: Mapping[cal.Metric, Mapping[str, Any]], peer: str) -> None:
    names = [peer, "ours", "ours, leave-one-source-out"]
    print(f"{'metric':12} {'rows':>5} " + " ".join(f"{name:>28}" for name in names))
    for metric, values in table.items():
        cells = " ".join(f"{values.get(name, float('nan')):27.1f}%" for name in names)
        print(f"{metric:12} {values['n']:5} {cells}")


def _print_where_peer_wins(comparisons: Sequence[Comparison], peer: str, count: int = 15) -> None:
    rows = [c for c in comparisons if peer in c.estimates]
    gap = sorted(
        rows,
        key=lambda c: (
            percent_error(c.estimates[peer], c.measured)
            - percent_error(c.estimates["ours"], c.measured)
        ),
    )
    print(f"where {peer} is closest and we are furthest (error %: {peer} / ours):")
    for c in gap[:count]:
        theirs = percent_error(c.estimates[peer], c.measured)
        ours = percent_error(c.estimates["ours"], c.measured)
        print(
            f"  {c.row_id[:64]:64} {c.metric:10} measured {c.measured:10,.1f}  "
            f"{peer} {c.estimates[peer]:10,.1f} ({theirs:5.1f})  ours {c.estimates['ours']:10,.1f} "
            f"({ours:5.1f})"
        )


def _peer(
    name: str, python: str, cases: Sequence[cal.Case]
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Run one peer on every case it can describe; print what it left out and why."""
    job_of, driver = PEERS[name]
    jobs, left_out = [], {}
    for case in cases:
        job = job_of(case)
        if isinstance(job, str):
            left_out[case.row_id] = job
        else:
            jobs.append(job)
    output = _run_peer(python, driver, jobs)
    # The first clause of an error names its kind; the rest carries the row's own numbers.
    left_out |= {r["id"]: r["error"].split(" with ")[0] for r in output["results"] if "error" in r}
    print(f"{name} {output['version']}: {len(cases) - len(left_out)} of {len(cases)} rows")
    for reason in sorted(set(left_out.values())):
        count = sum(1 for why in left_out.values() if why == reason)
        print(f"  not compared ({count} rows): {reason}")
    return _peer_column(output["results"]), output


def run(
    aiconfigurator_python: str | None,
    llm_analysis_python: str | None = None,
    *,
    dump: Path | None = None,
) -> None:
    """Print the side-by-side errors, or one line saying why they were skipped."""
    print("== Peers: aiconfigurator and llm-analysis vs ours on the same measurements ==")
    pythons = {"aiconfigurator": aiconfigurator_python, "llm-analysis": llm_analysis_python}
    given = {name: python for name, python in pythons.items() if python is not None}
    if not given:
        print("skipped: no peer venv given (python -m bench.peers --aiconfigurator-python PATH)")
        return
    cases, _ = cal.cases(cal.load_rows(), load_catalog())
    columns, outputs = _ours(cases), {}
    for name, python in given.items():
        columns[name], outputs[name] = _peer(name, python, cases)
    comparisons = compare(cases, columns)
    for name in given:
        print(f"median absolute % error on the rows {name} estimated:")
        _print_table(median_errors(comparisons, name), name)
    if "aiconfigurator" in given:
        _print_where_peer_wins(comparisons, "aiconfigurator")
    if dump is not None:
        rows = {"comparisons": [c._asdict() for c in comparisons]} | outputs
        dump.write_text(json.dumps(rows, indent=1), "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Parse the peer interpreters and print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--aiconfigurator-python", help="the python of a venv with aiconfigurator")
    parser.add_argument("--llm-analysis-python", help="the python of a venv with llm-analysis")
    parser.add_argument("--dump", type=Path, help="write every row's estimates to this JSON file")
    args = parser.parse_args(argv)
    run(args.aiconfigurator_python, args.llm_analysis_python, dump=args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
