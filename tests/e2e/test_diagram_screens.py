"""The Diagram page in Chromium at a laptop's and a phone's size: legible labels, pan and zoom,
pinch, a click that opens the component's details, and the phone's sidebar.

Label size is measured from what Chromium renders: each node text's font size in SVG units
times the SVG's rendered width over its viewBox width (CSS pixels per unit), the smallest over
every node. With UPDATE_SCREENSHOTS=1 the README's screenshots in docs/ are rewritten.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from diagrams import build_graph
from playbook import Design
from tests.e2e.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.dot]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_LABEL_PX = 11.0
REFERENCES = (
    "code-assistant", "document-qa", "enterprise-search", "meeting-summarizer", "support-bot",
)  # fmt: skip
SHOWN = ("default", "code-assistant", "document-qa")  # the README's screenshots
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"
DOCS = ROOT / "docs"

SMALLEST_LABEL = """(root) => {
  const svg = root.querySelector("svg");
  const perUnit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("g.node[data-node] text")]
    .filter((t) => !t.closest('[data-node="legend"]'))
    .map((t) => Number(t.getAttribute("font-size")) * perUnit);
  return { smallest: Math.min(...sizes), texts: sizes.length };
}"""
STATE = "(root) => ({scale: Number(root.dataset.scale), legible: Number(root.dataset.legible)})"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page in a phone-sized, touch-enabled context."""
    context: BrowserContext = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    yield context.new_page()
    context.close()


def _start(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="1 · Constraints", level=1)).to_be_visible()


def _nav(page: Page, link: str, *, heading: str) -> None:
    if page.get_by_test_id("stExpandSidebarButton").is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function("window.__whiteboardSidebarCloser === true")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def _open_diagram(page: Page, url: str, design: str) -> Locator:
    _start(page, url)
    if design != "default":
        _nav(page, "Reference architectures", heading="Reference architectures")
        load = page.locator(f".st-key-references-load-{design}")
        load.get_by_role("button", name="Load as my starting point").click()
        expect(page.get_by_text("as your starting point: every phase")).to_be_visible()
    _nav(page, "Diagram", heading="Architecture diagram")
    root = page.locator(".dv-root").first
    expect(root.locator("svg")).to_be_visible(timeout=30_000)
    expect(root).to_have_attribute("data-scale", re.compile(r"^\d"))
    page.wait_for_timeout(400)  # the second layout pass, once the view has its width
    return root


def _record(name: str, size: str, smallest: float) -> None:
    found = ROOT / "test-artifacts" / "label-sizes.json"
    found.parent.mkdir(exist_ok=True)
    sizes: dict[str, Any] = json.loads(found.read_text()) if found.exists() else {}
    sizes[f"{name} {size}"] = round(smallest, 2)
    found.write_text(json.dumps(sizes, indent=1, sort_keys=True))


@pytest.mark.parametrize("design", ["default", *REFERENCES])
def test_node_labels_are_legible_without_fullscreen(page: Page, app_url: str, design: str) -> None:
    page.set_viewport_size(DESKTOP)
    root = _open_diagram(page, app_url, design)

    measured = root.evaluate(SMALLEST_LABEL)

    _record(design, "1440x900", measured["smallest"])
    assert measured["texts"] > 10
    assert measured["smallest"] >= MIN_LABEL_PX
    if UPDATE and design in SHOWN:
        page.get_by_role("heading", name="Architecture diagram").scroll_into_view_if_needed()
        page.screenshot(path=DOCS / f"diagram-{design}-1440x900.png")


@pytest.mark.parametrize("design", SHOWN)
def test_the_phone_shows_the_diagram_legibly(phone: Page, app_url: str, design: str) -> None:
    root = _open_diagram(phone, app_url, design)
    sidebar = phone.get_by_test_id("stSidebar")

    measured = root.evaluate(SMALLEST_LABEL)

    _record(design, "390x844", measured["smallest"])
    assert measured["smallest"] >= MIN_LABEL_PX
    # The sidebar closed itself once the page was chosen, so the diagram is not covered.
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    if UPDATE:
        root.scroll_into_view_if_needed()
        phone.screenshot(path=DOCS / f"diagram-{design}-390x844.png")


def test_wheel_buttons_and_drag_reach_the_whole_diagram(page: Page, app_url: str) -> None:
    page.set_viewport_size(DESKTOP)
    root = _open_diagram(page, app_url, "support-bot")
    view = root.locator(".dv-view")
    start = root.evaluate(STATE)
    box = view.bounding_box()
    assert box is not None
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.mouse.move(*centre)
    page.mouse.wheel(0, -400)
    zoomed = root.evaluate(STATE)["scale"]
    root.get_by_role("button", name="Fit the whole diagram (small text)").click()
    whole = root.locator("svg").bounding_box()
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] - 200, centre[1] - 120, steps=5)
    page.mouse.up()
    dragged = root.locator("svg").bounding_box()

    assert start["scale"] == pytest.approx(start["legible"], rel=0.01)
    assert zoomed > start["scale"]
    assert whole is not None
    assert dragged is not None
    # "Whole diagram" fits every part inside the view; a drag moves it with the pointer.
    assert whole["x"] >= box["x"] - 1
    assert whole["y"] >= box["y"] - 1
    assert whole["x"] + whole["width"] <= box["x"] + box["width"] + 1
    assert whole["y"] + whole["height"] <= box["y"] + box["height"] + 1
    assert dragged["x"] == pytest.approx(whole["x"] - 200, abs=2)


def test_a_pinch_zooms_the_diagram_on_a_phone(phone: Page, app_url: str) -> None:
    root = _open_diagram(phone, app_url, "default")
    root.scroll_into_view_if_needed()
    box = root.locator(".dv-view").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = root.evaluate(STATE)["scale"]
    cdp = phone.context.new_cdp_session(phone)

    def touch(kind: str, spread: float) -> None:
        points = [] if kind == "touchEnd" else [
            {"x": x - spread, "y": y, "id": 1}, {"x": x + spread, "y": y, "id": 2},
        ]  # fmt: skip
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 30)
    for spread in range(40, 130, 10):
        touch("touchMove", spread)
    touch("touchEnd", 0)

    after = root.evaluate(STATE)["scale"]
    assert after > before * 1.5


def test_clicking_a_component_shows_its_numbers_reasons_and_phase_page(
    page: Page, app_url: str
) -> None:
    page.set_viewport_size(DESKTOP)
    root = _open_diagram(page, app_url, "default")

    root.locator('g.node[data-node="retriever"]').click()

    details = page.locator(".st-key-diagram-details")
    expect(details).to_be_visible(timeout=20_000)
    for line in build_graph(Design()).nodes["retriever"]["numbers"]:
        expect(details).to_contain_text(line)
    expect(details).to_contain_text("“Knowledge gap” is on")
    details.get_by_role("link", name=re.compile("4 · Retrieval")).click()
    expect(page.get_by_role("heading", name="4 · Retrieval", level=1)).to_be_visible()


def test_the_overview_has_one_box_per_phase(page: Page, app_url: str) -> None:
    page.set_viewport_size(DESKTOP)
    _open_diagram(page, app_url, "default")

    page.get_by_test_id("stButtonGroup").get_by_text("Overview").click()

    overview = page.locator(".dv-root svg", has_text="overview")
    expect(overview).to_be_visible(timeout=20_000)
    for number, phase in enumerate(("Constraints", "Technique", "Model"), start=1):
        expect(overview.locator("text", has_text=f"{number} · {phase}")).to_have_count(1)


def test_the_sidebar_closes_after_a_page_is_chosen_on_a_phone(phone: Page, app_url: str) -> None:
    _start(phone, app_url)
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.wait_for_function("window.__whiteboardSidebarCloser === true")
    sidebar = phone.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")

    phone.get_by_test_id("stSidebarNav").get_by_role("link", name="2 · Technique").tap()

    expect(phone.get_by_role("heading", name="2 · Technique", level=1)).to_be_visible()
    expect(sidebar).to_have_attribute("data-collapsed", "true")


def test_an_interview_s_countdown_and_ask_are_in_view_after_it_starts_on_a_phone(
    phone: Page, app_url: str
) -> None:
    _start(phone, app_url)
    _nav(phone, "Mock interview", heading="Mock interview")

    phone.locator(".st-key-interview-start-contract-qa button").click()

    countdown = phone.get_by_test_id("stMetricValue").first
    expect(countdown).to_have_text(re.compile(r"^[45]:\d\d$"))
    expect(phone.locator(".st-key-interview-ask_box")).to_be_in_viewport()
    expect(countdown).to_be_in_viewport()
