"""The Design model: defaults, lossless JSON, and errors that name the field and allowed values."""

from __future__ import annotations

import json

import pytest

from playbook import (
    LADDER,
    Design,
    DesignError,
    add_custom_entry,
    dump_design,
    parse_design,
    remove_component,
    remove_custom_entry,
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
    ("phase", "change", "field", "allowed"),
    [
        ("model", {"kind": "cloud"}, "model.kind", "'hosted', 'self_hosted' or 'routing'"),
        ("serving", {"gpu": "h999"}, "serving.gpu", "h100-sxm"),
        ("serving", {"precision": "fp2"}, "serving.precision", "'fp8'"),
        ("retrieval", {"index": "btree"}, "retrieval.index", "'hnsw'"),
        ("retrieval", {"embedding_model": "x"}, "retrieval.embedding_model", "bge-m3"),
        ("technique", {"rungs": []}, "technique.rungs", "continued_pretraining"),
        ("technique", {"rungs": ["magic"]}, "technique.rungs.0", "'few_shot'"),
        ("constraints", {"ttft_ms": 10}, "constraints.ttft_ms", "greater than or equal to 50"),
        ("evaluation", {"mitigations": {"hallucination": "pray"}}, "hallucination", "'none'"),
    ],
)
def test_an_invalid_value_names_the_field_and_what_it_allows(
    phase: str, change: dict[str, object], field: str, allowed: str
) -> None:
    with pytest.raises(DesignError) as caught:
        update_design(Design(), phase, **change)  # type: ignore[arg-type]

    assert field in str(caught.value)
    assert allowed in str(caught.value)


def test_an_unknown_field_is_rejected_by_name() -> None:
    with pytest.raises(DesignError, match=r"constraints\.bogus: Extra inputs are not permitted"):
        parse_design('{"constraints": {"bogus": 1}}')


def test_overlap_must_be_smaller_than_the_chunk() -> None:
    with pytest.raises(DesignError, match="chunk_overlap_tokens"):
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
    with pytest.raises(DesignError, match=r"model\.open_model: 'acme-13b' is not one of"):
        update_design(Design(), "model", open_model="acme-13b")


def test_a_custom_entry_cannot_shadow_a_catalog_id() -> None:
    with pytest.raises(DesignError, match="already a catalog id"):
        add_custom_entry(Design(), "custom_models", {**MY_MODEL, "id": "llama-3.1-8b"})


def test_a_custom_entry_in_use_cannot_be_removed() -> None:
    design = add_custom_entry(Design(), "custom_models", MY_MODEL)
    design = update_design(design, "model", open_model="acme-13b")

    with pytest.raises(DesignError, match=r"in use by model\.open_model"):
        remove_custom_entry(design, "custom_models", "acme-13b")


def test_an_unused_custom_entry_is_removed() -> None:
    design = add_custom_entry(Design(), "custom_models", MY_MODEL)

    assert remove_custom_entry(design, "custom_models", "acme-13b").custom_models == ()


def test_a_custom_model_with_a_bad_number_names_the_field() -> None:
    with pytest.raises(DesignError, match=r"custom_models\.0\.layers"):
        add_custom_entry(Design(), "custom_models", {**MY_MODEL, "layers": 0})


CACHE = {"id": "semantic_cache", "name": "Semantic cache", "kind": "cache", "phase": "serving"}


def test_an_own_component_is_kept_with_its_links_through_a_round_trip() -> None:
    design = add_custom_entry(Design(), "components", {**CACHE, "connects_to": ["gateway"]})

    assert parse_design(dump_design(design)).components[0].connects_to == ("gateway",)


def test_two_components_cannot_share_an_id() -> None:
    design = add_custom_entry(Design(), "components", CACHE)

    with pytest.raises(DesignError, match="already has an entry with id 'semantic_cache'"):
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
