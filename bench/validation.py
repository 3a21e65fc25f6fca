"""Time the importer's checks: the largest design it accepts, and refusing 18,000 components.

The size limits (playbook.design: MAX_COMPONENTS, MAX_LINKS, MAX_CUSTOM_*, MAX_TEXT_CHARS) are
checked before any field is validated, so refusing a huge design costs a count, not a parse of
every component; the largest valid design's diagram is laid out by `dot` too.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from db import DesignImportError
from db.transfer import parse_import
from diagrams import design_dot, render
from playbook import Design, DesignError, design_from_data, dump_design
from playbook.design import (
    MAX_COMPONENTS,
    MAX_CUSTOM_GPUS,
    MAX_CUSTOM_MODELS,
    MAX_LINKS,
    MAX_TEXT_CHARS,
    PHASES,
)

RUNS = 15
REFUSED_COMPONENTS = 18_000


def largest_design() -> dict[str, Any]:
    """Return decoded JSON of a design at every size limit: components, links, entries, text."""
    data: dict[str, Any] = json.loads(dump_design(Design(title="Largest")))
    data["model"]["kind"] = "routing"
    data["technique"]["rungs"] = ["prompt", "few_shot", "rag", "lora", "continued_pretraining"]
    for phase in PHASES:
        data[phase]["notes"] = "n" * 10_000
    links = [[f"c{j}" for j in range(max(0, i - 2), i)] for i in range(MAX_COMPONENTS)]
    budget = MAX_LINKS
    for targets in links:
        del targets[budget:]
        budget -= len(targets)
    text_left = MAX_TEXT_CHARS - 70_000  # what the notes and the rest already hold
    data["components"] = [
        {
            "id": f"c{i}", "name": f"Component {i}", "kind": "store", "phase": "model",
            "connects_to": targets, "justification": "j" * (text_left // MAX_COMPONENTS - 40),
        }
        for i, targets in enumerate(links)
    ]  # fmt: skip
    data["custom_models"] = [_model(i) for i in range(MAX_CUSTOM_MODELS)]
    data["custom_gpus"] = [_gpu(i) for i in range(MAX_CUSTOM_GPUS)]
    return data


def _model(i: int) -> dict[str, Any]:
    return {
        "id": f"own-model-{i}", "name": f"Own model {i}", "source": "bench", "as_of": "2026",
        "total_params": 8e9, "layers": 32, "hidden_size": 4096, "attention_heads": 32,
        "kv_heads": 8, "head_dim": 128, "attention": "gqa", "max_context": 131_072,
    }  # fmt: skip


def _gpu(i: int) -> dict[str, Any]:
    return {
        "id": f"own-gpu-{i}", "name": f"Own GPU {i}", "source": "bench", "as_of": "2026",
        "memory_gb": 80.0, "bandwidth_tbs": 3.35, "dense_tflops": {"bf16": 989.0},
        "usd_per_hour": 2.5, "price_source": "bench", "price_as_of": "2026",
    }  # fmt: skip


def too_many_components() -> str:
    """Return the JSON text of a design with 18,000 components (refused by the size limit)."""
    component = {"name": "x", "kind": "tool", "phase": "model", "connects_to": ["llm"]}
    return json.dumps(
        {"components": [{"id": f"c{i}", **component} for i in range(REFUSED_COMPONENTS)]}
    )


def _median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3


def _refuse(text: str) -> None:
    try:
        parse_import(text)
    except DesignImportError:
        return
    raise AssertionError("the oversized design was accepted")


def _refuse_decoded(data: dict[str, Any]) -> None:
    try:
        design_from_data(data)
    except DesignError:
        return
    raise AssertionError("the oversized design was accepted")


def run() -> None:
    """Print how long the largest accepted design and an 18,000-component one take to judge."""
    largest = json.dumps(largest_design())
    design = parse_import(largest)  # raises if a limit was overshot: then the bench is wrong
    refused = too_many_components()
    print(
        f"\nimport checks ({len(largest):,} bytes largest accepted: {len(design.components)} "
        f"components, {sum(len(c.connects_to) for c in design.components)} links, "
        f"{len(design.custom_models)} own models, {len(design.custom_gpus)} own GPUs)"
    )
    accept_ms = _median_ms(lambda: parse_import(largest))
    print(f"validate the largest accepted design: median {accept_ms:,.1f} ms")
    print(
        f"refuse {REFUSED_COMPONENTS:,} components ({len(refused):,} bytes): "
        f"median {_median_ms(lambda: _refuse(refused)):,.1f} ms (JSON decoding included)"
    )
    decoded = json.loads(refused)
    print(
        f"refuse {REFUSED_COMPONENTS:,} components already decoded (Design validation only): "
        f"median {_median_ms(lambda: _refuse_decoded(decoded)):,.2f} ms"
    )
    if shutil.which("dot"):
        dot = design_dot(design)
        layout_ms = _median_ms(lambda: render(dot, fmt="svg"), 5)
        print(f"dot layout of the largest design (SVG): median {layout_ms:,.0f} ms")
