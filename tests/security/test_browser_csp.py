"""Chromium loads every page under the strict policy and reports no violation: no inline
script or style anywhere (htmx's indicator style, diagrams, the admin)."""

from __future__ import annotations

import pytest

from tests.security.surface import PAGES, PASSWORD, SLUG, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every violation the page reports, whether or not it reaches the console.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def sign_in_as_instructor(page: object) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("instructor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("target", PAGES, ids=lambda target: target.url)
def test_the_page_loads_without_a_policy_violation(
    page: object, hostile: None, instructor: object, target: Page
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    if target.staff:
        sign_in_as_instructor(page)

    response = page.goto(target.url)
    page.wait_for_load_state("networkidle")

    assert response.status == target.status
    reported = [text for text in console if "Content Security Policy" in text]
    assert reported == []
    assert page.evaluate("window.__violations") == []


def test_htmx_runs_without_injecting_its_style(page: object, hostile: None) -> None:
    page.goto("/")

    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("style").count() == 0


@pytest.mark.parametrize(("width", "fits"), [(1280, True), (390, False)])
def test_a_diagram_is_sized_by_its_class_without_inline_style(
    page: object, hostile: None, screenshot: object, width: int, fits: bool
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/diagrams/scenarios/{SLUG}/trust/")
    canvas = page.locator(".diagram-canvas")
    drawing = canvas.locator("svg")

    natural = float(drawing.get_attribute("width").removesuffix("pt")) * 4 / 3  # pt -> px
    shown = drawing.bounding_box()["width"]
    column = canvas.bounding_box()["width"]
    screenshot(page, f"security-diagram-{width}")

    assert canvas.get_attribute("style") is None
    assert shown <= natural + 17  # never above the natural size (one step of rounding aside)
    assert shown <= column  # never cut off
    if fits:
        assert shown >= 0.7 * natural - 34  # never below 70% of it on a laptop
    else:
        assert shown == pytest.approx(column, abs=1)  # a phone: shrunk to the column
