"""Cost: each line of the monthly bill, and dollars per million output tokens.

Self-hosted: GPU $/hour × GPUs ÷ output tokens per hour ($/1M tokens = $/h ÷ (tokens/s × 3600)
× 1e6, arithmetic). Hosted: list price per million input and output tokens × tokens. Monthly:
Phase 1's peak QPS × an average-to-peak ratio × seconds per month. The lines beside the model
(embeddings, reranker, index memory, LLM judge, fine-tuning) are here too; which of them a
design pays, and the totals against the ceilings, are put together in `playbook.analysis.bill`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from playbook.catalog import Catalog, EmbeddingModel, Gpu, HostedModel, OpenModel
from playbook.design import Constraints, Design
from playbook.estimates.base import Estimate
from playbook.estimates.serving import (
    Efficiency,
    Load,
    ServingSetup,
    operating_point,
    sequences_that_fit,
)
from playbook.format import plain

if TYPE_CHECKING:  # the analysis prices the bill with this module's functions
    from playbook.analysis.figures import Bill

# Average traffic over a month as a share of the peak (assumption: business-hours traffic with
# a daily peak around three times the mean).
AVERAGE_TO_PEAK = 0.3
HOURS_PER_MONTH = 730.0  # 8,760 hours a year ÷ 12
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def self_hosted_usd_per_1m_output(
    setup: ServingSetup, *, load: Load | None = None, efficiency: Efficiency | None = None
) -> Estimate:
    """Return the GPU cost per million output tokens at `load` (default: a full replica)."""
    load = load or Load()
    point = operating_point(setup, load=load, efficiency=efficiency)
    usd_per_hour = setup.gpus * setup.gpu.usd_per_hour
    tokens_per_hour = point.output_tokens_per_s * setup.replicas * 3600
    value = usd_per_hour / tokens_per_hour * 1e6 if tokens_per_hour > 0 else math.inf
    return Estimate(
        name="Self-hosted $ per 1M output tokens",
        value=value,
        unit="$",
        formula="GPU $/hour × GPUs ÷ (output tokens/s × 3,600) × 1,000,000",
        worked=f"${setup.gpu.usd_per_hour:g} × {setup.gpus} ÷ ({tokens_per_hour / 3600:,.0f} "
        f"× 3,600) × 1e6 = ${value:,.3f}",
        assumptions=(
            f"load: {load.describe()}; idle GPU time is paid for too",
            "the GPU time of the prompts (prefill) is charged to the output tokens",
            "on-demand price of the GPU; no reserved or spot discount",
        ),
        sources=(setup.gpu.price_source, setup.gpu.source),
    )


def hosted_usd_per_request(
    hosted: HostedModel, *, prompt_tokens: int, output_tokens: int
) -> Estimate:
    """Return a hosted API's price for one request of `prompt_tokens` in, `output_tokens` out."""
    value = (
        prompt_tokens * hosted.usd_per_1m_input + output_tokens * hosted.usd_per_1m_output
    ) / 1e6
    return Estimate(
        name=f"{hosted.name} $ per request",
        value=value,
        unit="$",
        formula="(prompt tokens × $ per 1M input + output tokens × $ per 1M output) ÷ 1M",
        worked=f"({prompt_tokens:,} × ${hosted.usd_per_1m_input:g} + {output_tokens:,} × "
        f"${hosted.usd_per_1m_output:g}) ÷ 1e6 = ${value:.5f}",
        assumptions=("list prices, no prompt-cache or batch discount",),
        sources=(hosted.source,),
    )


def hosted_usd_per_1m_output(
    hosted: HostedModel, *, prompt_tokens: int, output_tokens: int
) -> Estimate:
    """Return a hosted API's price per million output tokens, with the input tokens they need."""
    per_request = hosted_usd_per_request(
        hosted, prompt_tokens=prompt_tokens, output_tokens=output_tokens
    )
    value = per_request.value / output_tokens * 1e6
    return per_request.model_copy(
        update={
            "name": f"{hosted.name} $ per 1M output tokens (with their input)",
            "value": value,
            "formula": "$ per 1M output + $ per 1M input × prompt tokens ÷ output tokens",
            "worked": f"${hosted.usd_per_1m_output:g} + ${hosted.usd_per_1m_input:g} × "
            f"{prompt_tokens:,} ÷ {output_tokens:,} = ${value:,.3f}",
        }
    )


def monthly_requests(
    constraints: Constraints, *, average_to_peak: float = AVERAGE_TO_PEAK
) -> Estimate:
    """Return the requests per month at Phase 1's peak QPS and an average-to-peak ratio."""
    value = constraints.peak_qps * average_to_peak * SECONDS_PER_MONTH
    return Estimate(
        name="Requests per month",
        value=value,
        unit="requests",
        formula="peak QPS × average-to-peak ratio × seconds per month",
        worked=f"{constraints.peak_qps:g} × {average_to_peak:g} × {SECONDS_PER_MONTH:,.0f} s = "
        f"{value:,.0f}",
        assumptions=(
            f"average traffic is {average_to_peak:.0%} of the peak (assumption)",
            f"a month is {HOURS_PER_MONTH:g} hours",
        ),
    )


def fleet_usd_per_month(setup: ServingSetup) -> Estimate:
    """Return the monthly bill of the GPUs of every replica, running all month."""
    value = setup.gpus * setup.gpu.usd_per_hour * HOURS_PER_MONTH
    return Estimate(
        name="Self-hosted GPUs per month",
        value=value,
        unit="$",
        formula="replicas × GPUs per replica × $/GPU-hour × hours per month",
        worked=f"{setup.replicas} × {setup.tensor_parallel} × ${setup.gpu.usd_per_hour:g} × "
        f"{HOURS_PER_MONTH:g} h = ${value:,.0f}",
        assumptions=("the replicas run all month (sized for the peak, no autoscaling)",),
        sources=(setup.gpu.price_source,),
    )


def marginal_usd_per_request(
    model: OpenModel, base: ServingSetup, *, efficiency: Efficiency | None = None
) -> Estimate:
    """Return an open model's GPU cost per request on `base`'s GPU type, replicas kept busy."""
    setup = base.model_copy(update={"model": model, "replicas": 1})
    for count in sorted({base.tensor_parallel, 1, 2, 4, 8}):
        setup = base.model_copy(update={"model": model, "replicas": 1, "tensor_parallel": count})
        if count >= base.tensor_parallel and sequences_that_fit(setup):
            break
    per_1m = self_hosted_usd_per_1m_output(setup, efficiency=efficiency)
    value = per_1m.value * setup.output_tokens / 1e6
    return per_1m.model_copy(
        update={
            "name": f"{model.name} $ per request (self-hosted, busy)",
            "value": value,
            "formula": "$ per 1M output tokens at full load × output tokens ÷ 1M",
            "worked": f"${per_1m.value:,.3f} × {setup.output_tokens:,} ÷ 1e6 = ${value:.5f} "
            f"({setup.tensor_parallel}× {setup.gpu.name})",
        }
    )


def hosted_tokens_per_month(
    hosted: HostedModel, *, requests: float, prompt_tokens: int, output_tokens: int
) -> Estimate:
    """Return a hosted API's monthly bill for `requests` requests of this shape."""
    per_request = hosted_usd_per_request(
        hosted, prompt_tokens=prompt_tokens, output_tokens=output_tokens
    )
    value = requests * per_request.value
    return per_request.model_copy(
        update={
            "name": f"{hosted.name} tokens per month",
            "value": value,
            "formula": "requests × (prompt tokens × $ per 1M input + output tokens × $ per 1M "
            "output) ÷ 1M",
            "worked": f"{requests:,.0f} × {per_request.worked} = ${value:,.2f}",
        }
    )


# --- beside the model: the retrieval GPUs, the index, the judge, training -------------------

# Average traffic is sized for its peak like the model's fleet: a pool of GPUs busy for the peak's
# GPU-seconds per second, paid all month (fractions of a GPU: the pool is shared).
EMBEDDING_REFRESH_PER_MONTH: Final = 0.1  # assumption: a tenth of the corpus changes a month
# RAM for the index: AWS EC2 on-demand r7g.xlarge (32 GiB, $0.2142/hour, us-east-1), as the
# AWS price list gave it in 2024 (recalled, not re-read here): $0.2142 ÷ 32 GiB × 730 hours.
RAM_USD_PER_GIB_HOUR: Final = 0.2142 / 32
RAM_PRICE_SOURCE: Final = "AWS EC2 on-demand pricing, r7g.xlarge (32 GiB) in us-east-1: $0.2142/h"
JUDGE_SAMPLE_SHARE: Final = 0.02  # assumption: the judge scores 2% of production answers ...
GOLDEN_RUNS_PER_MONTH: Final = 4  # ... and the whole golden set once a week
JUDGE_RUBRIC_TOKENS: Final = 500  # assumption: the judge's instructions and rubric
JUDGE_OUTPUT_TOKENS: Final = 150  # assumption: a score and a short reason
TRAINING_MFU: Final = 0.4  # assumption: 40% of dense bf16 peak while training
# LoRA: forward (2N) + backward through the activations (2N); the frozen weights get no
# gradient (Hu et al. 2021, arXiv:2106.09685 §4). Full training: 6N (Kaplan et al. 2020 §2.1).
LORA_FLOPS_PER_PARAM_TOKEN: Final = 4
PRETRAIN_FLOPS_PER_PARAM_TOKEN: Final = 6
LORA_TRAINING_TOKENS: Final = 10_000 * 1_000 * 3  # assumption: 10k examples of 1k tokens, 3 epochs
PRETRAIN_TOKENS: Final = 10e9  # assumption: 10 billion tokens of domain text


def gpu_pool_per_month(
    name: str, *, peak_qps: float, gpu_seconds: float, gpu: Gpu, worked_seconds: str
) -> Estimate:
    """Return a shared GPU pool sized for the peak: peak QPS × GPU-seconds per request."""
    gpus = peak_qps * gpu_seconds
    value = gpus * gpu.usd_per_hour * HOURS_PER_MONTH
    return Estimate(
        name=name,
        value=value,
        unit="$",
        formula="peak QPS × GPU-seconds per request × $/GPU-hour × hours per month",
        worked=f"{peak_qps:g} × {worked_seconds} × ${gpu.usd_per_hour:g} × {HOURS_PER_MONTH:g} h "
        f"= {gpus:,.2f} GPUs busy at peak = ${value:,.2f}",
        assumptions=(
            f"a shared pool of {gpu.name} GPUs sized for the peak and paid all month, busy or "
            "idle, like the model's fleet",
        ),
        sources=(gpu.price_source,),
    )


def query_embeddings_per_month(
    model: EmbeddingModel, *, requests: float, query_tokens: int
) -> Estimate:
    """Return an embedding API's monthly bill for one question of `query_tokens` per request."""
    price = model.usd_per_1m_tokens or 0.0
    value = requests * query_tokens * price / 1e6
    return Estimate(
        name="Query embeddings",
        value=value,
        unit="$",
        formula="requests × question tokens × $ per 1M tokens ÷ 1M",
        worked=f"{requests:,.0f} × {query_tokens} × ${price:g} ÷ 1e6 = ${value:,.2f}",
        sources=(model.source,),
    )


def ingestion_per_month(one_pass: Estimate, gpu: Gpu | None) -> tuple[Estimate, float]:
    """Return the monthly re-embedding of the changed share, and the one-off first pass in $."""
    usd = one_pass.value if gpu is None else one_pass.value * gpu.usd_per_hour
    priced = "" if gpu is None else f" ({plain(one_pass.value)} GPU-h × ${gpu.usd_per_hour:g})"
    value = usd * EMBEDDING_REFRESH_PER_MONTH
    estimate = Estimate(
        name="Ingestion embeddings",
        value=value,
        unit="$",
        formula="one full embedding pass × share of the corpus re-embedded a month",
        worked=f"${usd:,.2f}{priced} × {EMBEDDING_REFRESH_PER_MONTH:g} = ${value:,.2f} a month; "
        f"the first pass costs ${usd:,.2f} once",
        assumptions=(
            f"{EMBEDDING_REFRESH_PER_MONTH:.0%} of the corpus changes and is embedded again "
            "each month",
            *one_pass.assumptions,
        ),
        sources=(*one_pass.sources, *((gpu.price_source,) if gpu else ())),
    )
    return estimate, usd


def index_memory_per_month(index: Estimate) -> Estimate:
    """Return the RAM the ANN index holds, priced per GiB-month of a memory-optimised server."""
    gib = max(index.value, 0.0)
    value = gib * RAM_USD_PER_GIB_HOUR * HOURS_PER_MONTH
    return Estimate(
        name="Vector index memory",
        value=value,
        unit="$",
        formula="index GiB × $ per GiB-hour of RAM × hours per month",
        worked=f"{plain(gib)} GiB × ${RAM_USD_PER_GIB_HOUR:.5f} × {HOURS_PER_MONTH:g} h = "
        f"${value:,.2f}",
        assumptions=("one copy of the index in RAM; replicas for availability multiply it",),
        sources=(RAM_PRICE_SOURCE, *index.sources),
    )


def judge_per_month(
    judge: HostedModel,
    *,
    requests: float,
    golden_set: int,
    prompt_tokens: int,
    output_tokens: int,
) -> Estimate:
    """Return an LLM judge's monthly bill: a sample of production answers and the golden set."""
    calls = requests * JUDGE_SAMPLE_SHARE + golden_set * GOLDEN_RUNS_PER_MONTH
    tokens_in = prompt_tokens + output_tokens + JUDGE_RUBRIC_TOKENS
    per_call = (
        tokens_in * judge.usd_per_1m_input + JUDGE_OUTPUT_TOKENS * judge.usd_per_1m_output
    ) / 1e6
    value = calls * per_call
    return Estimate(
        name="LLM-as-judge",
        value=value,
        unit="$",
        formula="(sampled share × requests + golden set × runs a month) × ((prompt + answer + "
        "rubric) × $ per 1M input + verdict tokens × $ per 1M output) ÷ 1M",
        worked=f"({JUDGE_SAMPLE_SHARE:g} × {requests:,.0f} + {golden_set:,} × "
        f"{GOLDEN_RUNS_PER_MONTH}) × ({tokens_in:,} × ${judge.usd_per_1m_input:g} + "
        f"{JUDGE_OUTPUT_TOKENS} × ${judge.usd_per_1m_output:g}) ÷ 1e6 = ${value:,.2f}",
        assumptions=(
            f"{judge.name} judges {JUDGE_SAMPLE_SHARE:.0%} of production answers and the golden "
            f"set {GOLDEN_RUNS_PER_MONTH} times a month",
            f"the judge reads the prompt, the answer and a {JUDGE_RUBRIC_TOKENS}-token rubric, "
            f"and writes {JUDGE_OUTPUT_TOKENS} tokens",
        ),
        sources=(judge.source,),
    )


def fine_tuning_usd(model: OpenModel, gpu: Gpu, *, pretraining: bool) -> Estimate:
    """Return the one-off GPU cost of a LoRA fine-tune or of continued pretraining."""
    per_token = PRETRAIN_FLOPS_PER_PARAM_TOKEN if pretraining else LORA_FLOPS_PER_PARAM_TOKEN
    tokens = PRETRAIN_TOKENS if pretraining else LORA_TRAINING_TOKENS
    flops = per_token * model.total_params * tokens
    hours = flops / (gpu.dense_tflops["bf16"] * 1e12 * TRAINING_MFU) / 3600
    value = hours * gpu.usd_per_hour
    what = "Continued pretraining" if pretraining else "LoRA fine-tune"
    return Estimate(
        name=f"{what} (one-off)",
        value=value,
        unit="$",
        formula="FLOPs per parameter per token × parameters × training tokens ÷ (bf16 FLOPS × "
        "MFU) ÷ 3,600 × $/GPU-hour",
        worked=f"{per_token} × {model.total_params / 1e9:,.2f} B × {plain(tokens)} ÷ "
        f"({gpu.dense_tflops['bf16']:g} TFLOPS × {TRAINING_MFU:g}) = {hours:,.1f} GPU-h × "
        f"${gpu.usd_per_hour:g} = ${value:,.2f}",
        assumptions=(
            f"{plain(tokens)} training tokens of {model.name} on {gpu.name}"
            + (
                " (10B tokens of domain text)"
                if pretraining
                else " (10k examples of 1k tokens, 3 epochs)"
            ),
            f"{TRAINING_MFU:.0%} of the GPU's dense bf16 peak while training",
            "LoRA: 4 FLOPs per parameter per token (no gradient for the frozen weights); "
            "pretraining: 6",
        ),
        sources=(model.source, gpu.price_source, "Kaplan et al. 2020, arXiv:2001.08361 §2.1"),
    )


def cost_report(design: Design, catalog: Catalog) -> Bill:
    """Return the design's monthly bill: the analysis's (the old name, kept for its callers)."""
    from playbook.analysis import figures  # late: the analysis imports this module

    return figures(design, catalog, by_class=False).bill
