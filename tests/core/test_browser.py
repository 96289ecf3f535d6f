from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_sees_lessons_and_navigation(page) -> None:
    response = page.goto("/")

    assert response.status == 200
    assert page.title() == "Lessons · IAM Lab"
    assert page.get_by_role("heading", level=1).inner_text() == "Learn AWS IAM roles by doing them"
    assert page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts() == [
        "Lessons",
        "Scenarios",
        "Diagrams",
        "Console",
        "Playground",
    ]
    assert page.get_by_role("status").inner_text().startswith("No lessons are loaded yet.")


def test_student_follows_a_scenario_from_the_home_page(page) -> None:
    from iamlab.scenarios.models import Difficulty, Scenario

    Scenario.objects.create(
        slug="first-steps",
        title="First steps <with roles>",
        summary="",
        difficulty=Difficulty.INTRODUCTORY,
        start_time="2026-01-05T09:00:00Z",
    )
    page.goto("/")

    link = page.get_by_role("link", name="First steps <with roles>")
    assert link.get_attribute("href") == "/scenarios/first-steps/"
    link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "First steps <with roles>"


def test_htmx_is_loaded_from_the_app_itself(page) -> None:
    page.goto("/")

    assert page.evaluate("typeof window.htmx") == "object"


def test_skip_link_moves_focus_to_main_content(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
