"""Resources created once per server process: the database engine and the rendered diagram text."""

from __future__ import annotations

import shutil
from typing import NamedTuple

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from db import database_url, make_engine, upgrade
from diagrams import (
    DotNotFoundError,
    ExportFormat,
    design_dot,
    design_report,
    export,
    findings_from_review,
)
from playbook import Design, parse_design
from playbook.design import catalog_for
from playbook.estimates.charts import (
    ClassCost,
    LoadPoint,
    MemorySlice,
    concurrency_sweep,
    cost_by_model_class,
    memory_breakdown,
)
from playbook.estimates.cost import CostReport, cost_report
from playbook.estimates.retrieval import RetrievalReport, retrieval_report
from playbook.estimates.serving import ServingReport, serving_report
from playbook.planner import Plan, plan_for_design
from playbook.rubric import Review, review_design


@st.cache_resource(show_spinner="Opening the design library…")
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def engine() -> Engine:
    """Return the engine for `DATABASE_URL` (or the SQLite default), migrated to the latest."""
    return _engine_for(database_url())


def safe_database_name() -> str:
    """Return the database URL with any password hidden, for messages."""
    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "an unparsable DATABASE_URL"


@st.cache_data(max_entries=64, show_spinner=False)
def _review(design_json: str) -> Review:
    design = parse_design(design_json)
    return review_design(design, catalog_for(design))


def review(design: Design) -> Review:
    """Return the rubric's review of the design (cached per design)."""
    return _review(design.model_dump_json())


@st.cache_data(max_entries=64, show_spinner=False)
def diagram_dot(design_json: str) -> str:
    """Return the DOT text for a design given as JSON, flagged with the rubric's findings."""
    design = parse_design(design_json)
    flags = findings_from_review(_review(design_json).findings)
    return design_dot(design, findings=tuple(flags))


@st.cache_data(max_entries=16, show_spinner="Rendering with Graphviz…")
def exported(design_json: str, fmt: ExportFormat) -> bytes:
    """Return the diagram in `fmt` (SVG and PNG are laid out by Graphviz's `dot`)."""
    design = parse_design(design_json)
    flags = findings_from_review(_review(design_json).findings)
    return export(design, fmt, findings=tuple(flags))


@st.cache_data(max_entries=16, show_spinner=False)
def report(design_json: str) -> str:
    """Return the Markdown design report."""
    design = parse_design(design_json)
    flags = findings_from_review(_review(design_json).findings)
    return design_report(design, catalog_for(design), findings=tuple(flags))


def dot_missing() -> DotNotFoundError | None:
    """Return the error to show when Graphviz's `dot` is not installed, else None."""
    return (
        None
        if shutil.which("dot")
        else DotNotFoundError(
            "Graphviz's dot program is not installed, so SVG and PNG exports are off; install it "
            "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz). "
            "Everything else works without it."
        )
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _retrieval_numbers(design_json: str) -> RetrievalReport:
    design = parse_design(design_json)
    return retrieval_report(design, catalog_for(design))


def retrieval_numbers(design: Design) -> RetrievalReport:
    """Return the retrieval estimates for the design (cached per design)."""
    return _retrieval_numbers(design.model_dump_json())


class ServingNumbers(NamedTuple):
    """Everything the Serving page shows for a self-hosted design."""

    report: ServingReport
    memory: tuple[MemorySlice, ...]
    sweep: tuple[LoadPoint, ...]


@st.cache_data(max_entries=64, show_spinner=False)
def _serving_numbers(design_json: str) -> ServingNumbers | None:
    design = parse_design(design_json)
    report = serving_report(design, catalog_for(design))
    if report is None:
        return None
    memory = memory_breakdown(report.setup, load=report.load)
    return ServingNumbers(report, memory, concurrency_sweep(report.setup))


def serving_numbers(design: Design) -> ServingNumbers | None:
    """Return the serving estimates and chart data, or None when every model is hosted."""
    return _serving_numbers(design.model_dump_json())


@st.cache_data(max_entries=64, show_spinner=False)
def _cost_numbers(design_json: str) -> tuple[CostReport, tuple[ClassCost, ...]]:
    design = parse_design(design_json)
    catalog = catalog_for(design)
    return cost_report(design, catalog), cost_by_model_class(design, catalog)


def cost_numbers(design: Design) -> tuple[CostReport, tuple[ClassCost, ...]]:
    """Return the design's cost report and its monthly cost under each model class."""
    return _cost_numbers(design.model_dump_json())


@st.cache_data(max_entries=64, show_spinner="Searching GPU × count × precision…")
def _plan_numbers(design_json: str) -> Plan | None:
    design = parse_design(design_json)
    return plan_for_design(design, catalog_for(design))


def plan_numbers(design: Design) -> Plan | None:
    """Return the cheapest setups meeting Phase 1 for the design's self-hosted model."""
    return _plan_numbers(design.model_dump_json())
