"""A student plays the roles lesson in Chromium: typing the lines, pressing the buttons.

Screenshots of every step at 1280 pixels wide, and of the key steps at 390, are saved
under test-results/lessons/ as artifacts to look at.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.lessons.driving import Playthrough, in_viewport, shoot, type_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_ARN = "arn:aws:iam::111122223333:role/ReportPublisher"
ASSUME = f"aws sts assume-role --role-arn {ROLE_ARN} --role-session-name alice-publishing"
KEY_STEPS = {3, 4, 6, 8}


def test_student_plays_the_roles_lesson_from_first_step_to_last(
    page: Page, lessons_live: None
) -> None:
    lesson = Playthrough(page, "roles", KEY_STEPS)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    page.get_by_role("link", name="Roles: borrow permissions for an hour").click()
    page.get_by_role("link", name="Start the lesson").click()

    # 1: alice's profile, and who AWS thinks she is.
    expect(page.locator("[data-empty-session-graph]")).to_contain_text(
        "Nobody has assumed a role yet"
    )
    type_line(page, "export AWS_PROFILE=alice")
    expect(page.locator("[data-acting-as=user]")).to_contain_text("IAM user alice")
    expect(page.locator("main")).to_have_attribute("data-step-status", "open")
    type_line(page, "aws sts get-caller-identity")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        '"Arn": "arn:aws:iam::111122223333:user/alice"'
    )
    lesson.done_then_next(1)

    # 2: the role has no key.
    type_line(page, "aws iam get-role --role-name ReportPublisher")
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    lesson.done_then_next(2)

    # 3: assume it; the session graph now shows the session.
    page.get_by_role("button", name="Assume ReportPublisher as alice").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    sessions = page.locator("figure", has_text="Who assumed what in your lesson world")
    expect(sessions.locator("svg")).to_have_count(1)
    expect(sessions.locator("svg")).to_contain_text("alice-publishing")
    credentials = json.loads(page.locator(".outcome pre.console-stdout").inner_text())[
        "Credentials"
    ]
    assert credentials["AccessKeyId"].startswith("ASIA")
    lesson.done_then_next(3)

    # 4: the student copies the temporary credentials into the shell.
    for variable, field in (
        ("AWS_ACCESS_KEY_ID", "AccessKeyId"),
        ("AWS_SECRET_ACCESS_KEY", "SecretAccessKey"),
        ("AWS_SESSION_TOKEN", "SessionToken"),
    ):
        type_line(page, f"export {variable}={credentials[field]}")
    expect(page.locator("[data-acting-as=role]")).to_contain_text(
        "a session of the role ReportPublisher"
    )
    expect(page.locator("[data-time-left]")).to_have_attribute("data-time-left", "3600")
    lesson.done_then_next(4)

    # 5: who am I now?
    type_line(page, "aws sts get-caller-identity")
    expect(page.locator(".outcome pre.console-stdout")).to_contain_text(
        "assumed-role/ReportPublisher/alice-publishing"
    )
    lesson.done_then_next(5)

    # 6: predict, then check.
    page.get_by_label("ImplicitlyDenied").check()
    page.get_by_role("button", name="Predict, then run it").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "ImplicitlyDenied")
    expect(page.locator("[data-prediction-correct]")).to_have_attribute(
        "data-prediction-correct", "true"
    )
    lesson.done_then_next(6)

    # 7: the same call as alice and as the session.
    type_line(page, "aws s3api put-object --bucket example-reports --key q3.csv --profile alice")
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "ImplicitlyDenied")
    type_line(page, "aws s3api put-object --bucket example-reports --key q3.csv")
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    lesson.done_then_next(7)

    # 8: an hour later the keys are refused.
    type_line(page, "sleep 3601")
    type_line(page, "aws sts get-caller-identity")
    expect(page.locator("[data-error-code]")).to_have_attribute("data-error-code", "ExpiredToken")
    lesson.done_then_next(8)

    # 9: assume again.
    page.get_by_role("button", name="Assume ReportPublisher again").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    lesson.done_then_next(9)

    # 10: what was learned, and the console for free practice.
    expect(page.locator("main .narrative a", has_text="console")).to_have_attribute(
        "href", "/console/iam-roles/"
    )
    page.get_by_role("button", name="Continue").click()
    lesson.done_then_next(10, last=True)
    expect(page.locator("a[rel=next]")).to_have_count(0)
    page.get_by_role("link", name="Lesson complete: back to the overview").click()
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()


def test_users_lesson_by_keyboard_with_the_verdict_and_next_step_above_the_fold(
    page: Page, lessons_live: None
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lessons/")
    shoot(page, "lessons-list", phone=True)
    page.get_by_role("link", name="Users: a long-term key and the policies behind it").click()
    shoot(page, "users-overview", phone=True)
    page.get_by_role("link", name="Start the lesson").click()
    expect(page.locator("main")).to_have_attribute("data-step-status", "open")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_have_attribute("data-step-status", "done")
    expect(page.locator("a[rel=next]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lessons/users/2/$"))

    # The console has the focus ring a keyboard user needs: dark, at least 3:1 on white.
    box = page.locator("form[data-console] input[name=line]")
    box.focus()
    outline = box.evaluate(
        "e => getComputedStyle(e).outlineColor + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline == "rgb(27, 31, 36) 3px"
    page.keyboard.type("export AWS_PROFILE=alice")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_have_attribute("data-step-status", "done")
    # After the swap the focus goes to the next step's link.
    expect(page.locator("a[rel=next]")).to_be_focused()
    page.keyboard.press("Enter")

    type_line(page, "aws sts get-caller-identity")
    page.locator("a[rel=next]").click()
    page.get_by_role("button", name="List the reports as alice").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "Allowed")
    assert in_viewport(page, ".verdict")
    assert in_viewport(page, "a[rel=next]")
    shoot(page, "users-step-4", phone=True)
    page.locator("a[rel=next]").click()

    page.get_by_label("ExplicitlyDenied").check()
    page.get_by_role("button", name="Predict, then run it").click()
    expect(page.locator("[data-decision]")).to_have_attribute("data-decision", "ImplicitlyDenied")
    expect(page.locator("[data-prediction-correct]")).to_have_attribute(
        "data-prediction-correct", "false"
    )
    assert in_viewport(page, "a[rel=next]")
    page.get_by_label("Yes, show me the worked solution").check()
    page.get_by_role("button", name="Show the solution").click()
    expect(page.locator("[data-solution-decision]")).to_have_text("ImplicitlyDenied")
    shoot(page, "users-step-5", phone=True)
    page.locator("a[rel=next]").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_have_attribute("data-step-status", "done")
    page.goto("/")
    expect(page.locator("[data-progress-total='6']")).to_have_text("Completed (6 of 6 steps)")
    shoot(page, "home", phone=True)
