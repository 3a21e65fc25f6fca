"""The Design model: defaults, lossless JSON, and errors that name the field and allowed values."""

from __future__ import annotations

import json

import pytest

from playbook import (
    LADDER,
    Design,
    DesignError,
    add_custom_entry,
    design_from_data,
    dump_design,
    parse_design,
    remove_component,
    remove_custom_entry,
    retitle_design,
    update_design,
)


def _everything_changed() -> Design:
    design = Design(title="Contracts QA", scenario="document-qa", author="Ana")
    design = update_design(
        design, "constraints", ttft_ms=1200, itl_ms=40, on_prem=True, style_gap=True, notes="n1"
    )
    design = update_design(design, "technique", rungs=["lora", "rag"], justification="tone")
    design = update_design(design, "model", kind="routing", small_share_pct=85)
    design = update_design(design, "retrieval", index="ivf_pq", reranker=False, chunk_tokens=256)
    design = update_design(design, "serving", gpu="l40s", gpus_per_replica=2, precision="fp8")
    return update_design(
        design, "evaluation", red_team_set=True, mitigations={"prompt_injection": "pii_redaction"}
    )


def test_a_design_survives_a_json_round_trip_unchanged() -> None:
    design = _everything_changed()

    again = parse_design(dump_design(design))

    assert again == design
    assert json.loads(dump_design(again))["schema_version"] == 1


def test_the_default_design_is_valid_and_round_trips() -> None:
    assert parse_design(dump_design(Design())) == Design()


def test_rungs_are_kept_in_ladder_order_whatever_order_they_are_chosen_in() -> None:
    design = update_design(Design(), "technique", rungs=["lora", "prompt", "rag"])

    assert design.technique.rungs == ("prompt", "rag", "lora")
    assert LADDER.index("rag") < LADDER.index("lora")


@pytest.mark.parametrize(
    ("phase", "change", "message"),
    [
        ("model", {"kind": "cloud"}, "Model class: must be one of: Hosted API, "),
        ("serving", {"gpu": "h999"}, "GPU: 'h999' is not one of: a10g, "),
        ("serving", {"precision": "fp2"}, "Weight precision: must be one of: FP16, BF16, FP8"),
        ("retrieval", {"index": "btree"}, "ANN index: must be one of: Flat (exact), IVF"),
        ("retrieval", {"embedding_model": "x"}, "Embedding model: 'x' is not one of: bge-m3"),
        ("technique", {"rungs": []}, "Rungs in use: choose at least one of: Prompting, "),
        ("technique", {"rungs": ["magic"]}, "Rungs in use: must be one of: Prompting, "),
        ("constraints", {"ttft_ms": 10}, "Time to first token, TTFT (ms): must be at least 50"),
        ("retrieval", {"chunk_overlap_tokens": 5_000},
         "Chunk overlap (tokens): must be at most 4,096"),
        ("evaluation", {"mitigations": {"hallucination": "pray"}},
         "Mitigation for Hallucination: must be one of: None yet, "),
        ("constraints", {"itl_ms": 10**400},
         "Inter-token latency, ITL (ms): must be at most 2,000, not a number of 401 digits"),
        ("constraints", {"peak_qps": float("inf")},
         "Peak requests per second (QPS): must be a finite number"),
        ("constraints", {"notes": "x" * 10_001}, "Constraints · Notes: must be at most 10,000"),
    ],
)  # fmt: skip
def test_an_invalid_value_names_the_field_by_its_label_and_what_it_allows(
    phase: str, change: dict[str, object], message: str
) -> None:
    with pytest.raises(DesignError) as caught:
        update_design(Design(), phase, **change)  # type: ignore[arg-type]

    assert str(caught.value).startswith(message)
    assert "_" not in str(caught.value).split(":")[0]  # never a field path like `itl_ms`


def test_an_unknown_field_is_rejected_by_name() -> None:
    with pytest.raises(DesignError, match=r"^Constraints: no field 'bogus'; remove it$"):
        parse_design('{"constraints": {"bogus": 1}}')


def test_overlap_must_be_smaller_than_the_chunk() -> None:
    with pytest.raises(
        DesignError,
        match=r"^Chunk overlap \(tokens\): must be smaller than Chunk size \(tokens\): 128 is not",
    ):
        update_design(Design(), "retrieval", chunk_tokens=128, chunk_overlap_tokens=128)


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"a string"', b"\xff\xfe"])
def test_text_that_is_not_a_design_object_gives_a_clear_error(text: str | bytes) -> None:
    with pytest.raises(DesignError):
        parse_design(text)


def test_an_unknown_schema_version_is_named() -> None:
    with pytest.raises(DesignError, match="schema_version"):
        parse_design('{"schema_version": 99}')


def test_designs_are_immutable() -> None:
    design = Design()

    with pytest.raises(ValueError, match="frozen"):
        design.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind", "small", "large", "expected"),
    [
        ("hosted", "llama-3.1-8b", "gpt-4o", False),
        ("self_hosted", "llama-3.1-8b", "gpt-4o", True),
        ("routing", "llama-3.1-8b", "gpt-4o", True),
    ],
)
def test_self_hosting_follows_the_model_class(
    kind: str, small: str, large: str, expected: bool
) -> None:
    design = update_design(Design(), "model", kind=kind, small_model=small, large_model=large)

    assert design.self_hosts is expected


def test_rag_is_in_effect_only_when_the_ladder_includes_it() -> None:
    assert update_design(Design(), "technique", rungs=["rag", "lora"]).uses_rag
    assert not update_design(Design(), "technique", rungs=["few_shot"]).uses_rag


MY_MODEL = {
    "id": "acme-13b",
    "name": "Acme 13B",
    "source": "entered by a test",
    "as_of": "2026-11-23",
    "total_params": 13e9,
    "layers": 40,
    "hidden_size": 5120,
    "attention_heads": 40,
    "kv_heads": 40,
    "head_dim": 128,
    "attention": "mha",
    "max_context": 4096,
}


def test_a_custom_model_can_be_chosen_and_survives_a_round_trip() -> None:
    design = add_custom_entry(Design(), "custom_models", MY_MODEL)

    design = update_design(design, "model", kind="self_hosted", open_model="acme-13b")

    assert parse_design(dump_design(design)) == design
    assert design.self_hosts


def test_a_model_id_that_is_neither_catalog_nor_custom_names_the_field() -> None:
    with pytest.raises(DesignError, match=r"^Open-weights model: 'acme-13b' is not one of"):
        update_design(Design(), "model", open_model="acme-13b")


def test_a_custom_entry_cannot_shadow_a_catalog_id() -> None:
    with pytest.raises(
        DesignError, match=r"^Own model 'llama-3.1-8b': the id is already in the catalog"
    ):
        add_custom_entry(Design(), "custom_models", {**MY_MODEL, "id": "llama-3.1-8b"})


def test_a_custom_entry_in_use_cannot_be_removed() -> None:
    design = add_custom_entry(Design(), "custom_models", MY_MODEL)
    design = update_design(design, "model", open_model="acme-13b")

    with pytest.raises(DesignError, match=r"^Own model 'acme-13b': in use as Open-weights model"):
        remove_custom_entry(design, "custom_models", "acme-13b")


def test_an_unused_custom_entry_is_removed() -> None:
    design = add_custom_entry(Design(), "custom_models", MY_MODEL)

    assert remove_custom_entry(design, "custom_models", "acme-13b").custom_models == ()


def test_a_custom_model_with_a_bad_number_names_the_field() -> None:
    with pytest.raises(DesignError, match=r"^Own model 1 · Layers: must be at least 1"):
        add_custom_entry(Design(), "custom_models", {**MY_MODEL, "layers": 0})


CACHE = {"id": "semantic_cache", "name": "Semantic cache", "kind": "cache", "phase": "serving"}


def test_an_own_component_is_kept_with_its_links_through_a_round_trip() -> None:
    design = add_custom_entry(Design(), "components", {**CACHE, "connects_to": ["gateway"]})

    assert parse_design(dump_design(design)).components[0].connects_to == ("gateway",)


def test_two_components_cannot_share_an_id() -> None:
    design = add_custom_entry(Design(), "components", CACHE)

    with pytest.raises(
        DesignError, match=r"^Own component 'semantic_cache': the id is already in use"
    ):
        add_custom_entry(design, "components", CACHE)


def test_a_component_cannot_connect_to_itself() -> None:
    with pytest.raises(DesignError, match="cannot connect to itself"):
        add_custom_entry(Design(), "components", {**CACHE, "connects_to": ["semantic_cache"]})


def test_removing_a_component_also_removes_the_links_to_it() -> None:
    design = add_custom_entry(Design(), "components", CACHE)
    design = add_custom_entry(
        design,
        "components",
        {"id": "audit", "name": "Audit log", "kind": "store", "phase": "evaluation",
         "connects_to": ["semantic_cache", "llm"]},
    )  # fmt: skip

    design = remove_component(design, "semantic_cache")

    assert [c.id for c in design.components] == ["audit"]
    assert design.components[0].connects_to == ("llm",)


GPU = {
    "id": "lab-gpu", "name": "Lab GPU", "source": "a test", "as_of": "2026-12-01",
    "memory_gb": 80.0, "bandwidth_tbs": 3.35, "dense_tflops": {"bf16": 989.0},
    "usd_per_hour": 2.5, "price_source": "a test", "price_as_of": "2026-12-01",
}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "entry", "message"),
    [
        ("custom_gpus", {**GPU, "memory_gb": float("inf")},
         "Own GPU 1 · Memory (GB): must be a finite number"),
        ("custom_gpus", {**GPU, "dense_tflops": {"bf16": 1e308 * 10}},
         "Own GPU 1 · Dense TFLOPS: must be a finite number"),
        ("custom_gpus", {**GPU, "usd_per_hour": 10**400},
         "Own GPU 1 · Price ($ per GPU-hour): must be"),
        ("custom_models", {**MY_MODEL, "layers": 10**400},
         "Own model 1 · Layers: must be between 1 and 1,024"),
        ("custom_models", {**MY_MODEL, "total_params": 1e400},
         "Own model 1 · Parameters: must be"),
        ("custom_models", {**MY_MODEL, "name": "\u200b\u202e"}, "Own model 1 · Name: must not be"),
    ],
)  # fmt: skip
def test_an_own_entry_number_out_of_range_is_refused_by_its_label(
    kind: str, entry: dict[str, object], message: str
) -> None:
    with pytest.raises(DesignError) as caught:
        add_custom_entry(Design(), kind, entry)  # type: ignore[arg-type]

    assert str(caught.value).startswith(message)


def test_an_own_entry_name_keeps_its_text_without_hidden_characters() -> None:
    design = add_custom_entry(Design(), "custom_gpus", {**GPU, "name": "Lab\u202e GPU\u200b\x00"})

    assert design.custom_gpus[0].name == "Lab GPU"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "a\u202eb\u2066c\u2069"), ("author", "z\u200bw\ufeff\x00"), ("scenario", "x\x07")],
)
def test_text_fields_lose_bidi_zero_width_and_control_characters(field: str, value: str) -> None:
    design = retitle_design(Design(), **{field: value})

    assert not set(getattr(design, field)) & set("\u202e\u2066\u2069\u200b\ufeff\x00\x07")


def test_a_design_past_a_size_limit_is_refused_by_the_limit_before_its_parts_are_checked() -> None:
    component = {"id": "a", "name": "x", "kind": "tool", "phase": "model", "connects_to": [1]}

    with pytest.raises(DesignError) as caught:
        design_from_data({"components": [component] * 18_000})  # every id the same, every link bad

    assert caught.value.problems == ["Own components: at most 100 in a design, not 18,000"]


def test_links_past_the_limit_are_refused_naming_the_limit() -> None:
    components = [
        {"id": f"c{i}", "name": "x", "kind": "tool", "phase": "model",
         "connects_to": [f"c{j}" for j in range(i)][:20]}
        for i in range(20)
    ]  # fmt: skip

    with pytest.raises(DesignError, match=r"^Connects to: at most 150 links in a design, not 190"):
        design_from_data({"components": components})


def test_every_id_used_twice_is_named_once() -> None:
    components = [
        {"id": f"c{i % 3}", "name": "x", "kind": "tool", "phase": "model"} for i in range(9)
    ]

    with pytest.raises(DesignError) as caught:
        design_from_data({"components": components})

    assert caught.value.problems == [
        f"Own component 'c{i}': the id is used twice" for i in range(3)
    ]


def test_a_key_given_twice_in_a_file_is_refused_naming_the_key() -> None:
    with pytest.raises(DesignError, match=r"^file: the key 'ttft_ms' appears twice in one object"):
        parse_design('{"constraints": {"ttft_ms": 500, "ttft_ms": 900}}')
