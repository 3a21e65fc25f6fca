"""Small layout helpers shared by pages."""

from __future__ import annotations

from typing import Any

import streamlit as st


def columns(count: int, *, border: bool = False) -> list[Any]:
    """Return `count` equal columns with a medium gap, optionally boxed."""
    return list(st.columns(count, gap="medium", border=border))
