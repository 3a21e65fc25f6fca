"""A saved revision carries the catalog prices it was costed with, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine

from db import load_design, save_design, save_revision
from playbook import Design, update_design
from playbook.catalog import SavedPrice, find, load_catalog


def test_saving_stamps_the_prices_of_the_models_and_gpu_in_use(engine: Engine) -> None:
    design = update_design(Design(title="Priced"), "model", hosted_model="claude-sonnet-5.5")

    saved = save_design(engine, design)

    assert load_design(engine, saved.id).saved_prices == (
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_input", value=2.0),
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_cached_input", value=0.2),
        SavedPrice(id="claude-sonnet-5.5", field="usd_per_1m_output", value=10.0),
    )


def test_each_revision_is_stamped_with_the_prices_of_what_it_uses(engine: Engine) -> None:
    first = save_design(engine, Design(title="Moves to GPUs"))
    self_hosted = update_design(Design(title="Moves to GPUs"), "model", kind="self_hosted")

    result = save_revision(engine, first.id, self_hosted, base_revision=1)

    gpu = find(load_catalog().gpus, self_hosted.serving.gpu)
    assert load_design(engine, first.id, revision=result.revision).saved_prices == (
        SavedPrice(id=gpu.id, field="usd_per_hour", value=gpu.usd_per_hour),
    )
    assert load_design(engine, first.id, revision=1).saved_prices[0].id == "gpt-4o"
