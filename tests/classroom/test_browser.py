"""A class from set-up to the dashboard, in Chromium: the instructor and a student side by side.

The instructor uploads a scenario with a lesson, previews and publishes them, makes a
class and sets the lesson; a student signs up, joins with the code and completes a step;
the instructor sees it on the dashboard and in the live view. Screenshots at 1280 and 390
pixels wide are saved under test-results/ (classroom-*.png).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browsing import both_widths
from tests.cast import IAM_ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
LESSON = [
    {
        "model": "lessons.lesson",
        "fields": {
            "slug": "first-call",
            "title": "Your first call to AWS",
            "summary": "Ask AWS who you are, with alice's access key.",
            "scenario": ["iam-roles"],
        },
    },
    {
        "model": "lessons.step",
        "fields": {
            "lesson": ["first-call"],
            "number": 1,
            "title": "Who am I?",
            "narrative": "Every call is signed. Ask AWS whose key signed this one.",
            "action": {"kind": "console", "placeholder": "aws sts get-caller-identity"},
            "goal": {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}},
            "hints": ["The CLI takes --profile NAME."],
            "solution": {"lines": ["aws sts get-caller-identity --profile alice"]},
        },
    },
    {
        "model": "lessons.step",
        "fields": {
            "lesson": ["first-call"],
            "number": 2,
            "title": "What the answer means",
            "narrative": "The ARN names the user whose long-term key signed the call.",
            "action": {"kind": "read"},
            "goal": None,
            "solution": None,
        },
    },
]


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".signed-in")).to_have_text(f"Signed in as {username}")


def test_a_class_from_upload_to_the_dashboard(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    get_user_model().objects.create_user("ms-rivera", password=PASSWORD, is_staff=True)
    fixture = tmp_path / "first-call.json"
    fixture.write_text(
        json.dumps(json.loads(IAM_ROLES.read_text(encoding="utf-8")) + LESSON), encoding="utf-8"
    )
    teacher = browser.new_context(base_url=live_server.url).new_page()
    student = browser.new_context(base_url=live_server.url).new_page()
    for tab in (teacher, student):
        tab.set_default_timeout(15_000)
        tab.set_viewport_size({"width": 1280, "height": 800})

    # The instructor uploads the scenario with its lesson: loaded, unpublished.
    sign_in(teacher, "ms-rivera")
    teacher.get_by_role("link", name="Instructor", exact=True).click()
    teacher.get_by_role("link", name="Scenarios and lessons").click()
    teacher.get_by_label("Fixture file (JSON)").set_input_files(str(fixture))
    teacher.get_by_role("button", name="Upload and load").click()
    expect(teacher.locator("[data-upload-result=loaded]")).to_contain_text(
        "Scenario: iam-roles. Lesson: first-call."
    )
    expect(teacher.locator("tr[data-lesson=first-call] td[data-published]")).to_have_text(
        "Unpublished"
    )
    both_widths(teacher, "classroom-content")

    # Preview the scenario (its trust graph), then publish both.
    teacher.locator("tr[data-scenario=iam-roles]").get_by_role("link", name="Preview").click()
    expect(teacher.locator("h1")).to_have_text("IAM roles: assume, act, expire")
    teacher.go_back()
    teacher.locator("tr[data-scenario=iam-roles]").get_by_role("button", name="Publish").click()
    teacher.locator("tr[data-lesson=first-call]").get_by_role("button", name="Publish").click()
    expect(teacher.locator("tr[data-lesson=first-call] td[data-published]")).to_have_text(
        "Published"
    )

    # A class, with the lesson set and a due date.
    teacher.get_by_role("link", name="Your classes").click()
    teacher.get_by_label("Class name").fill("Cloud security, spring")
    teacher.get_by_role("button", name="Make the class").click()
    teacher.get_by_label("Lesson", exact=True).select_option(label="Your first call to AWS")
    teacher.get_by_label("Due date (optional)").fill("2026-03-31")
    teacher.get_by_role("button", name="Set this lesson").click()
    code = teacher.locator("[data-join-code]").inner_text()
    assert len(code) == 8

    # A student signs up, joins with the code and sees the lesson set for the class.
    student.goto("/accounts/signup/?next=/classes/")
    student.get_by_label("Username").fill("lee")
    student.get_by_label("Password", exact=True).fill(PASSWORD)
    student.get_by_label("Password confirmation").fill(PASSWORD)
    student.get_by_role("button", name="Sign up").click()
    expect(student.get_by_role("heading", name="Your classes", level=1)).to_be_visible()
    expect(student.get_by_role("link", name="Instructor", exact=True)).to_have_count(0)
    student.get_by_label("Join code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.locator("[data-joined]")).to_have_text(
        "You are in the class “Cloud security, spring”."
    )
    expect(student.locator(".lesson-due")).to_have_text("Due 2026-03-31")
    both_widths(student, "classroom-student-classes")

    # The student completes the first step.
    student.get_by_role("link", name="Your first call to AWS").click()
    student.get_by_role("link", name="Start the lesson").click()
    line = student.locator("form[data-console] input[name=line]")
    line.fill("aws sts get-caller-identity --profile alice")
    line.press("Enter")
    expect(student.locator("main")).to_have_attribute("data-step-status", "done")

    # The instructor sees it on the dashboard, drills down, and in the live view.
    teacher.reload()
    cell = teacher.locator("[data-progress-table] tbody tr").first
    expect(cell.locator("th")).to_have_text("lee")
    expect(cell.locator("td[data-status]")).to_have_attribute("data-status", "in-progress")
    expect(cell.locator("td[data-status]")).to_have_text("Step 2 of 2")
    both_widths(teacher, "classroom-dashboard")
    cell.get_by_role("link", name="lee").click()
    teacher.get_by_role("link", name="Log and session graph").click()
    expect(teacher.locator("[data-transcript] .console-line")).to_have_text(
        ["$ aws sts get-caller-identity --profile alice"]
    )
    both_widths(teacher, "classroom-student-log")
    teacher.get_by_role("link", name="Cloud security, spring").click()
    teacher.get_by_role("link", name="Live view").click()
    expect(teacher.locator("#live-tally")).to_have_attribute("data-met", "1")
    expect(teacher.locator(".live-count")).to_have_text("1 of 1 student met the goal")
    expect(teacher.locator("main")).not_to_contain_text("lee")
    both_widths(teacher, "classroom-live")


def test_a_busy_class_dashboard_fits_both_widths(page: Page) -> None:
    from iamlab.classroom.sample import generate_class
    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import Scenario

    assert load_fixtures([IAM_ROLES]).ok
    teacher = get_user_model().objects.create_user("ms-rivera", password=PASSWORD, is_staff=True)
    classroom = generate_class(
        Scenario.objects.get(slug="iam-roles"), teacher, students=12, lessons=4, steps=5
    )
    sign_in(page, "ms-rivera")

    page.goto(f"/instructor/classes/{classroom.pk}/")

    expect(page.locator("[data-progress-table] tbody tr")).to_have_count(12)
    expect(page.locator("[data-progress-table] td[data-status]")).to_have_count(48)
    expect(page.locator("#stuck-heading + table tbody tr")).to_have_count(5)
    expect(page.locator("#predictions-heading + table tbody tr")).not_to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width == 1280
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.set_viewport_size({"width": 1280, "height": 800})
    both_widths(page, "classroom-busy-dashboard")
