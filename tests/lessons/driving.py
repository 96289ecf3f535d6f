"""Driving a lesson in Chromium, as the lessons' browser tests do: typing a console line,
finishing a step and moving to the next, saving screenshots under test-results/lessons/."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from tests.browsing import both_widths, save_screenshot


def shoot(page: Page, name: str, phone: bool = False) -> None:
    """Save the page as lessons/NAME-1280.png and, when asked, lessons/NAME-390.png too."""
    if phone:
        both_widths(page, f"lessons/{name}")
    else:
        save_screenshot(page, f"lessons/{name}-1280")


def type_line(page: Page, line: str) -> None:
    """Type a line into the step's console and wait until the outcome shows it."""
    box = page.locator("form[data-console] input[name=line]")
    box.fill(line)
    box.press("Enter")
    expect(page.locator(".outcome .console-line").last).to_have_text(f"$ {line}")


def in_viewport(page: Page, selector: str) -> bool:
    """Say whether the first element matching `selector` is wholly visible without scrolling."""
    box = page.locator(selector).first.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


@dataclass
class Playthrough:
    """One lesson played step by step; screenshots are named after it ("roles-step-3")."""

    page: Page
    lesson: str
    # The steps also saved at a phone's width.
    phone_steps: set[int] = field(default_factory=set)

    def done_then_next(self, number: int, last: bool = False) -> None:
        """Check that the step is done, save it, and open the next one unless it is the last."""
        expect(self.page.locator("main")).to_have_attribute("data-step-status", "done")
        shoot(self.page, f"{self.lesson}-step-{number}", phone=number in self.phone_steps)
        if not last:
            self.page.locator("a[rel=next]").click()
            expect(self.page.locator("main")).to_have_attribute("data-step-status", "open")
