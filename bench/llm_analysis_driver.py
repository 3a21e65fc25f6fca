"""Run llm-analysis on the jobs bench/peers.py wrote; runs inside llm-analysis's venv.

`python -m bench.llm_analysis_driver JOBS.json RESULTS.json` from the repository root: the
standard library, bench/peer_search.py and llm-analysis only, never the app.

llm-analysis (`llm_analysis.analysis.infer`) models a static batch: every prompt of the batch
prefilled together (TTFT), then one decode step per output token (ITL), at its default
efficiencies. The load maps as for aiconfigurator: a fixed concurrency is the batch, an arrival
rate solves Little's law, an infinite rate runs the largest batch its memory model allows
(`decode_max_batch_size_per_gpu` and `prefill_max_batch_size_per_gpu`), capped by the engine's
batch limit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.peer_search import Point, little_batch


def _model_file(job: dict[str, Any], scratch: Path) -> str:
    path = scratch / f"{job['model']['name']}.json"
    path.write_text(json.dumps(job["model"]), "utf-8")
    return str(path)


def run_job(job: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """Return llm-analysis's TTFT, ITL and output throughput for one job."""
    from llm_analysis.analysis import infer  # type: ignore[import-not-found]

    model = _model_file(job, scratch)

    def summary(batch: int) -> dict[str, Any]:
        result: dict[str, Any] = infer(
            model_name=model,
            gpu_name=job["gpu"],
            dtype_name=job["dtype"],
            batch_size_per_gpu=batch,
            seq_len=job["isl"],
            num_tokens_to_generate=job["osl"],
            tp_size=job["tp"],
            kv_cache_dtype_bytes=job["kv_bytes"],
            log_level="ERROR",
        )
        return result

    def estimate(batch: int) -> Point:
        s = summary(batch)
        latency_ms = (s["prefill_latency"] + s["total_decode_latency"]) * 1e3
        return (
            s["prefill_latency"] * 1e3,
            s["decode_latency"] * 1e3,
            s["total_tokens_per_sec"],
            latency_ms,
            True,
        )

    load = job["load"]
    if load["kind"] == "concurrency":
        batch: int | None = int(load["n"])
    elif load["kind"] == "qps":
        batch = little_batch(estimate, float(load["qps"]), int(load["cap"]))
    else:
        first = summary(1)
        limits = (first["decode_max_batch_size_per_gpu"], first["prefill_max_batch_size_per_gpu"])
        batch = min(*map(int, limits), int(load["cap"])) or None
    if batch is None:
        return {"id": job["id"], "error": "overloaded or out of memory"}
    ttft, itl, throughput, _, _ = estimate(batch)
    return {"id": job["id"], "batch": batch, "ttft": ttft, "itl": itl, "throughput": throughput}


def main(argv: list[str]) -> int:
    """Read the jobs, estimate each (an error is recorded, not raised), write the results."""
    import logging
    import warnings
    from importlib.metadata import version

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    jobs = json.loads(Path(argv[0]).read_text("utf-8"))
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for job in jobs:
            try:
                results.append(run_job(job, Path(scratch)))
            except Exception as error:  # one row llm-analysis cannot describe: record, go on
                results.append({"id": job["id"], "error": f"{type(error).__name__}: {error}"[:300]})
    out = {"tool": "llm-analysis", "version": version("llm-analysis"), "results": results}
    Path(argv[1]).write_text(json.dumps(out), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
