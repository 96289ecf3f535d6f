"""A student plays the service roles lesson in Chromium, from the first step to the last.

Screenshots of every step at 1280 pixels wide, and of the steps that change the function
at 390, are saved under test-results/lessons/ as artifacts to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.lessons.driving import Playthrough, type_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_ROLE = "arn:aws:iam::111122223333:role/service-role/lambda-admin-role"
SWITCH = (
    f"aws lambda update-function-configuration --function-name report-builder --role {ADMIN_ROLE}"
)
INVOKE = "aws lambda invoke --function-name report-builder out.json --profile alice"
PHONE_STEPS = {4, 5, 6, 7}


def test_student_plays_the_service_roles_lesson_from_first_step_to_last(
    page: Page, lessons_live: None
) -> None:
    lesson = Playthrough(page, "service-roles", PHONE_STEPS)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    page.get_by_role(
        "link", name="Service roles and PassRole: a function acts through its role"
    ).click()
    page.get_by_role("link", name="Start the lesson").click()

    # 1: what a service role is.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Something, not someone")
    page.get_by_role("button", name="Continue").click()
    lesson.done_then_next(1)

    # 2: the function's execution role.
    type_line(
        page, "aws lambda get-function-configuration --function-name report-builder --profile alice"
    )
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        '"Role": "arn:aws:iam::111122223333:role/service-role/lambda-role"'
    )
    lesson.done_then_next(2)

    # 3: its trust policy names the Lambda service.
    type_line(page, "aws iam get-role --role-name lambda-role --profile alice")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        '"Service": "lambda.amazonaws.com"'
    )
    lesson.done_then_next(3)

    # 4: the function runs as lambda-role and may not write the daily report.
    type_line(page, INVOKE)
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        '"FunctionError": "Unhandled"'
    )
    type_line(page, "cat out.json")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        "assumed-role/lambda-role/report-builder is not authorized to perform: s3:PutObject"
    )
    lesson.done_then_next(4)

    # 5: predict alice's switch to the admin role, then see PassRole refuse it.
    expect(page.locator("code.given-line")).to_have_text(f"{SWITCH} --profile alice")
    page.get_by_label("ImplicitlyDenied").check()
    page.get_by_role("button", name="Predict, then run it").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "ImplicitlyDenied")
    expect(page.locator("[data-prediction-correct]")).to_have_attribute(
        "data-prediction-correct", "true"
    )
    expect(page.locator(".outcome")).to_contain_text("iam:PassRole")
    lesson.done_then_next(5)

    # 6: carol, who may pass the role to Lambda, makes the switch.
    type_line(page, f"{SWITCH} --profile carol")
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(f'"Role": "{ADMIN_ROLE}"')
    lesson.done_then_next(6)

    # 7: alice invokes it again; now the function writes with the admin role's permissions.
    type_line(page, INVOKE)
    expect(page.locator(".outcome pre.console-stdout")).not_to_contain_text("FunctionError")
    sessions = page.locator("figure", has_text="Who assumed what in your lesson world")
    expect(sessions.locator("svg")).to_contain_text("lambda-admin-role")
    lesson.done_then_next(7)

    # 8: what was learned, and the console for free practice.
    expect(page.locator("a[href='/console/iam-roles/']")).to_have_count(1)
    page.get_by_role("button", name="Continue").click()
    lesson.done_then_next(8, last=True)
    expect(page.locator("a[rel=next]")).to_have_count(0)
    page.get_by_role("link", name="Lesson complete: back to the overview").click()
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()
