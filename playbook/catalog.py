"""The named choices the whiteboard offers (models, GPUs, embedders), read from package data."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class CatalogEntry(BaseModel):
    """One choice with its display name and where the name comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    source: str
    as_of: str
    provider: str | None = None


class Catalog(BaseModel):
    """Every list of choices, keyed by id within each list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    open_models: tuple[CatalogEntry, ...]
    hosted_models: tuple[CatalogEntry, ...]
    gpus: tuple[CatalogEntry, ...]
    embedding_models: tuple[CatalogEntry, ...]


@cache
def load_catalog() -> Catalog:
    """Return the catalog shipped in `playbook/data/catalog.json` (read once)."""
    text = resources.files("playbook").joinpath("data/catalog.json").read_text("utf-8")
    return Catalog.model_validate(json.loads(text))


def ids(entries: tuple[CatalogEntry, ...]) -> tuple[str, ...]:
    """Return the ids of `entries`, in catalog order."""
    return tuple(entry.id for entry in entries)


def name_of(entries: tuple[CatalogEntry, ...], entry_id: str) -> str:
    """Return the display name for `entry_id`, or the id itself when it is not listed."""
    return next((entry.name for entry in entries if entry.id == entry_id), entry_id)
