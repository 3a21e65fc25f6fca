"""The app's pages, in the sections `app.py` routes to, and which playbook phase each one is.

A session that opened a share link (`?share=TOKEN`) is confined to the shared view: only that
page is registered, so no other page can be opened by its URL and the sidebar lists nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import streamlit as st

from playbook.design import Phase


class PageSpec(NamedTuple):
    """One page: its file (relative to app.py), title, icon, and the phase it edits, if any."""

    path: str
    title: str
    icon: str
    phase: Phase | None = None
    hidden: bool = False  # routed, but not in the menu: opened by its URL


PHASE_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/constraints.py", "1 · Constraints", ":material/tune:", "constraints"),
    PageSpec("pages/technique.py", "2 · Technique", ":material/stairs:", "technique"),
    PageSpec("pages/model.py", "3 · Model", ":material/neurology:", "model"),
    PageSpec("pages/retrieval.py", "4 · Retrieval", ":material/manage_search:", "retrieval"),
    PageSpec("pages/serving.py", "5 · Serving", ":material/dns:", "serving"),
    PageSpec("pages/evaluation.py", "6 · Evaluation", ":material/fact_check:", "evaluation"),
)
SECTIONS: dict[str, tuple[PageSpec, ...]] = {
    "Design": PHASE_PAGES,
    "Result": (
        PageSpec("pages/diagram.py", "Diagram", ":material/account_tree:"),
        PageSpec("pages/critique.py", "Critique", ":material/rate_review:"),
    ),
    "Library": (
        PageSpec("pages/library.py", "Saved designs", ":material/folder_open:"),
        PageSpec("pages/references.py", "Reference architectures", ":material/library_books:"),
        PageSpec("pages/compare.py", "Compare", ":material/compare_arrows:"),
        PageSpec("pages/shared.py", "Shared design", ":material/share:", hidden=True),
    ),
    "Interview": (
        PageSpec("pages/interview.py", "Mock interview", ":material/record_voice_over:"),
        PageSpec("pages/scorecard.py", "Scorecard", ":material/scoreboard:"),
        PageSpec("pages/progress.py", "Progress", ":material/trending_up:"),
    ),
}
SHARED_PAGE = "pages/shared.py"  # the only page when the URL carries ?share=TOKEN
SHARE_LINK_KEY = "share.link"  # session key: the token a confined session was opened with


def share_token() -> str | None:
    """Return the share token this session is confined to, or None for the owner's session.

    Taken from `?share=` and remembered: a rerun whose URL lost the query string (the browser's
    back button, a path typed over it in the same session) stays in the shared view.
    """
    if "share" in st.query_params:
        st.session_state[SHARE_LINK_KEY] = str(st.query_params.get("share", ""))
    found = st.session_state.get(SHARE_LINK_KEY)
    return None if found is None else str(found)


def navigation(*, shared: bool = False) -> Any:
    """Build the router over every section; with `shared` over the shared view alone, so any
    URL path lands on it and the sidebar shows no menu."""
    if shared:
        only = st.Page(SHARED_PAGE, title="Shared design", icon=":material/share:", default=True)
        return st.navigation([only], position="hidden")
    pages = {
        section: [_page(spec, default=False) for spec in specs]
        for section, specs in SECTIONS.items()
    }
    # Expanded: past ten pages Streamlit folds the rest under "View more", hiding whole sections.
    return st.navigation(pages, expanded=True)


def _page(spec: PageSpec, *, default: bool) -> Any:
    return st.Page(
        spec.path, title=spec.title, icon=spec.icon, default=default,
        visibility="hidden" if spec.hidden else "visible",
    )  # fmt: skip


def phase_of(page: object) -> Phase | None:
    """Return the playbook phase edited on `page` (a `st.Page`), or None for other pages."""
    title = getattr(page, "title", None)
    return next((spec.phase for spec in PHASE_PAGES if spec.title == title), None)


def spec_of(phase: Phase) -> PageSpec:
    """Return the page that edits `phase`."""
    return next(spec for spec in PHASE_PAGES if spec.phase == phase)


def next_page(phase: Phase) -> PageSpec:
    """Return the page after `phase`'s: the next phase, or the diagram after the last one."""
    index = [spec.phase for spec in PHASE_PAGES].index(phase)
    later = PHASE_PAGES[index + 1 :]
    return later[0] if later else SECTIONS["Result"][0]
