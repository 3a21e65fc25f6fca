"""Helpers for the library, shared-view and compare tests: the app's own database, and steps."""

from __future__ import annotations

import os
import re

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db import make_engine, upgrade

_BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$")


def app_engine() -> Engine:
    """Return an engine on the database the `app` fixture points DATABASE_URL at, migrated."""
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    return engine


def open_library(at: AppTest) -> None:
    """Switch to the library page and check it drew without an exception."""
    at.switch_page("pages/library.py").run()
    assert not at.exception, at.exception


def save_as(at: AppTest, title: str, *, button: str = "library.save") -> None:
    """Type `title` into the library's save box and press `button`."""
    open_library(at)
    at.text_input(key="library.title").input(title).run()
    at.button(key=button).click().run()
    assert not at.exception, at.exception


def listed_titles(at: AppTest) -> list[str]:
    """Return the titles of the listed designs, top to bottom, with Markdown escapes removed."""
    found = (_BOLD_LINE.match(md.value) for md in at.markdown)
    return [match.group(1).replace("\\", "") for match in found if match]


def click(at: AppTest, key: str) -> None:
    """Click the button with `key`, rerun, and check nothing raised."""
    at.button(key=key).click().run()
    assert not at.exception, at.exception
