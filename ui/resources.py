"""Resources created once per server process: the database engine and the rendered diagram text."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from db import database_url, make_engine, upgrade
from diagrams import design_dot
from playbook import Design, parse_design
from playbook.design import catalog_for
from playbook.estimates.retrieval import RetrievalReport, retrieval_report


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
def diagram_dot(design_json: str) -> str:
    """Return the DOT text for a design given as JSON (cached: reruns reuse it)."""
    return design_dot(parse_design(design_json))


@st.cache_data(max_entries=64, show_spinner=False)
def _retrieval_numbers(design_json: str) -> RetrievalReport:
    design = parse_design(design_json)
    return retrieval_report(design, catalog_for(design))


def retrieval_numbers(design: Design) -> RetrievalReport:
    """Return the retrieval estimates for the design (cached per design)."""
    return _retrieval_numbers(design.model_dump_json())
