"""Run NVIDIA aiconfigurator on the jobs bench/peers.py wrote; runs inside aiconfigurator's venv.

`python -m bench.aiconfigurator_driver JOBS.json RESULTS.json` from the repository root: the
standard library, bench/peer_search.py and aiconfigurator only, never the app (aiconfigurator is
not a dependency of the app).

Each job names a load, mapped onto aiconfigurator's aggregated (in-flight batching) estimate,
`aiconfigurator.cli.api.cli_estimate`, the function behind `aiconfigurator cli estimate`:
- `concurrency`: that many requests in flight, `batch_size=N`, the CLI's default prefill budget;
- `qps`: Poisson arrivals; the requests in flight N solve Little's law N = qps x latency(N);
- `max` (an infinite request rate): the largest batch that fits aiconfigurator's own KV-cache
  check, capped by the engine's batch limit, with the engine's prefill token budget.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.peer_search import Point, largest_batch, little_batch


def _model_path(job: dict[str, Any], scratch: Path) -> str:
    """Return a model id aiconfigurator resolves offline, or a folder holding its config.json."""
    from aiconfigurator_core.sdk import utils  # type: ignore[import-not-found]
    from aiconfigurator_core.sdk.common import DefaultHFModels  # type: ignore[import-not-found]

    config = job.get("config")
    hf_id = str(job["hf_id"])
    if config is None and hf_id in DefaultHFModels:
        return hf_id
    if config is None:  # bundled with aiconfigurator but not in its default list: copy it out
        config = utils._load_pre_downloaded_hf_config(hf_id)
    folder = scratch / hf_id.replace("/", "--")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    return str(folder)


def _estimator(job: dict[str, Any], model: str, version: str) -> Callable[..., Point]:
    from aiconfigurator.cli.api import cli_estimate  # type: ignore[import-not-found]

    moe = {"moe_tp_size": job["tp"], "moe_ep_size": 1} if job.get("moe") else {}
    quant = {"moe_quant_mode": job["gemm"]} if job.get("moe") else {}

    def estimate(batch: int, ctx_tokens: int | None = None) -> Point:
        result = cli_estimate(
            model,
            job["system"],
            backend_name=job["backend"],
            backend_version=version,
            isl=job["isl"],
            osl=job["osl"],
            batch_size=batch,
            ctx_tokens=ctx_tokens,
            tp_size=job["tp"],
            gemm_quant_mode=job["gemm"],
            kvcache_quant_mode=job["kv"],
            free_gpu_memory_fraction=job.get("memory_fraction"),
            max_seq_len=job["isl"] + job["osl"],
            **moe,
            **quant,
        )
        return (
            float(result.ttft),
            float(result.tpot),
            float(result.tokens_per_second),
            float(result.request_latency),
            result.kv_cache_warning is None,
        )

    return estimate


def _fits(estimate: Callable[..., Point], ctx_tokens: int | None) -> Callable[[int], bool]:
    def fits(batch: int) -> bool:
        try:
            return estimate(batch, ctx_tokens)[4]
        except RuntimeError:  # aiconfigurator raises on an out-of-memory setup
            return False

    return fits


def run_job(
    job: dict[str, Any], scratch: Path, versions: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """Return aiconfigurator's TTFT, ITL and output throughput for one job, or its error."""
    from aiconfigurator_core.sdk import perf_database

    key = (job["system"], job["backend"])
    if key not in versions:
        versions[key] = perf_database.get_latest_database_version(system=key[0], backend=key[1])
    version = versions[key]
    if version is None:
        return {"id": job["id"], "error": f"no {key[1]} database for {key[0]}"}
    estimate = _estimator(job, _model_path(job, scratch), version)
    load = job["load"]
    ctx_tokens = None
    if load["kind"] == "concurrency":
        batch: int | None = int(load["n"])
    elif load["kind"] == "qps":
        batch = little_batch(estimate, float(load["qps"]), int(load["cap"]))
    else:
        ctx_tokens = max(job["isl"], int(load["ctx_tokens"]))
        batch = largest_batch(_fits(estimate, ctx_tokens), int(load["cap"])) or None
    if batch is None:
        return {"id": job["id"], "error": "overloaded or out of memory", "version": version}
    ttft, itl, throughput, _, fits = estimate(batch, ctx_tokens)
    return {
        "id": job["id"],
        "version": version,
        "batch": batch,
        "fits": fits,
        "ttft": ttft,
        "itl": itl,
        "throughput": throughput,
    }


def main(argv: list[str]) -> int:
    """Read the jobs, estimate each (an error is recorded, not raised), write the results."""
    import logging
    import warnings
    from importlib.metadata import version

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    jobs = json.loads(Path(argv[0]).read_text("utf-8"))
    results = []
    versions: dict[tuple[str, str], str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for job in jobs:
            try:
                results.append(run_job(job, Path(scratch), versions))
            except Exception as error:  # one row aiconfigurator cannot describe: record, go on
                results.append({"id": job["id"], "error": f"{type(error).__name__}: {error}"[:300]})
    out = {"tool": "aiconfigurator", "version": version("aiconfigurator"), "results": results}
    Path(argv[1]).write_text(json.dumps(out), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
