"""Resources created once per server process: the database engine, the analysis, the diagram."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import streamlit as st

from playbook import Design, parse_design
from playbook.analysis import DesignAnalysis, analyze, design_hash
from playbook.design import catalog_for
from playbook.planner import Plan, plan_for_design
from playbook.rubric import Review

if TYPE_CHECKING:
    # The database layer (SQLAlchemy, and Alembic to migrate) loads when a page first reaches
    # the database, not with the pages that only read the analysis.
    from sqlalchemy import Engine

    # `diagrams` pulls in networkx (about 250 ms of a cold start): imported where a diagram is
    # drawn or exported, not by every page through this module.
    from diagrams import DotNotFoundError, ExportFormat
    from diagrams.graph import Finding


@st.cache_resource(show_spinner="Opening the design library…")
def _engine_for(url: str) -> Engine:
    from db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


def engine() -> Engine:
    """Return the engine for `DATABASE_URL` (or the SQLite default), migrated to the latest."""
    from db import database_url

    return _engine_for(database_url())


def safe_database_name() -> str:
    """Return the database URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db import database_url

    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "an unparsable DATABASE_URL"


# The one cache of the analysis: keyed by the design's canonical hash, bounded, shared by every
# session of the process (the analysis is immutable, so sharing it is safe and copies nothing).
@st.cache_resource(max_entries=128, show_spinner=False)
def _analysis(key: str, _design: Design) -> DesignAnalysis:
    del key  # the cache key: the design's hash (`_design` itself is not hashed by Streamlit)
    return analyze(_design, catalog_for(_design))


def analysis(design: Design) -> DesignAnalysis:
    """Return the design's one analysis, computed once per design (cached on its hash)."""
    return _analysis(design_hash(design), design)


def review(design: Design) -> Review:
    """Return the rubric's review of the design: the analysis's."""
    return analysis(design).review


def _flags(design: Design, found: DesignAnalysis) -> tuple[Finding, ...]:
    from diagrams import findings_from_review

    return tuple(findings_from_review(found.review.findings))


@st.cache_data(max_entries=64, show_spinner=False)
def diagram_dot(design_json: str) -> str:
    """Return the DOT text for a design given as JSON, with the analysis's numbers and flags."""
    from diagrams import design_dot

    design = parse_design(design_json)
    found = analysis(design)
    return design_dot(design, findings=_flags(design, found), analysis=found)


@st.cache_data(max_entries=16, show_spinner="Rendering with Graphviz…")
def exported(design_json: str, fmt: ExportFormat) -> bytes:
    """Return the diagram in `fmt` (SVG and PNG are laid out by Graphviz's `dot`)."""
    from diagrams import export

    design = parse_design(design_json)
    found = analysis(design)
    return export(design, fmt, findings=_flags(design, found), analysis=found)


@st.cache_data(max_entries=16, show_spinner=False)
def report(design_json: str) -> str:
    """Return the Markdown design report."""
    from diagrams import design_report

    design = parse_design(design_json)
    found = analysis(design)
    return design_report(
        design, catalog_for(design), findings=_flags(design, found), analysis=found
    )


def dot_missing() -> DotNotFoundError | None:
    """Return the error to show when Graphviz's `dot` is not installed, else None."""
    from diagrams import DotNotFoundError

    return (
        None
        if shutil.which("dot")
        else DotNotFoundError(
            "Graphviz's dot program is not installed, so SVG and PNG exports are off; install it "
            "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz). "
            "Everything else works without it."
        )
    )


@st.cache_data(max_entries=64, show_spinner="Searching GPU × count × precision…")
def _plan_numbers(key: str, _design: Design) -> Plan | None:
    del key  # the design's hash
    return plan_for_design(_design, catalog_for(_design), analysis=analysis(_design))


def plan_numbers(design: Design) -> Plan | None:
    """Return the cheapest setups meeting Phase 1 for the design's self-hosted model."""
    return _plan_numbers(design_hash(design), design)
