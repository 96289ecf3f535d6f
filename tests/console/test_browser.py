"""The console and the playground in Chromium: what a student does and sees, at 1280 and 390."""

from __future__ import annotations

import pytest

from tests.browsing import both_widths
from tests.cast import PUBLISHER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run(page, line: str) -> None:
    count = page.locator("[data-exit-code]").count()
    prompt = page.locator("form[data-console] input[name=line]")
    prompt.fill(line)
    prompt.press("Enter")
    page.locator("[data-exit-code]").nth(count).wait_for()


def test_assume_export_write_then_expire(page, iam_roles_live: None) -> None:
    page.goto("/console/iam-roles/")
    run(
        page,
        f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name publish --profile alice",
    )
    assert page.locator("[data-exit-code]").last.get_attribute("data-exit-code") == "0"

    page.get_by_role("button", name="Export the last role session").click()
    page.locator("[data-exit-code]").nth(3).wait_for()
    commands = page.locator(".terminal-command").all_inner_texts()
    assert [c.split("=")[0] for c in commands[1:]] == [
        "$ export AWS_ACCESS_KEY_ID",
        "$ export AWS_SECRET_ACCESS_KEY",
        "$ export AWS_SESSION_TOKEN",
    ]
    assert "assumed-role/ReportPublisher/publish" in page.locator("#console-identity").inner_text()

    run(page, "echo quarterly > report.csv")
    run(page, "aws s3 cp report.csv s3://example-reports/q1.csv")
    assert page.locator("[data-exit-code]").last.get_attribute("data-exit-code") == "0"
    both_widths(page, "console-after-write", height=900)

    run(page, "sleep 3601")
    run(page, "aws s3 cp report.csv s3://example-reports/q2.csv")
    last = page.locator("[data-exit-code]").last
    assert last.get_attribute("data-exit-code") != "0"
    assert "(ExpiredToken)" in last.locator(".terminal-stderr").inner_text()
    assert "expired" in page.locator("#console-panel").inner_text()
    both_widths(page, "console-expired", height=900)


def test_history_and_tab_completion(page, iam_roles_live: None) -> None:
    page.goto("/console/iam-roles/")
    run(page, "aws sts get-caller-identity --profile alice")
    prompt = page.locator("form[data-console] input[name=line]")
    prompt.press("ArrowUp")
    assert prompt.input_value() == "aws sts get-caller-identity --profile alice"

    prompt.fill("aws sts assu")
    prompt.press("Tab")
    assert prompt.input_value() == "aws sts assume-role"
    prompt.fill("aws sts assume-role --profile ca")
    prompt.press("Tab")
    assert prompt.input_value() == "aws sts assume-role --profile carol "
    prompt.fill("aws sts assume-role --role-arn arn:aws:iam::111122223333:role/Rep")
    prompt.press("Tab")
    assert prompt.input_value() == f"aws sts assume-role --role-arn {PUBLISHER} "


def test_console_works_without_javascript(browser, live_server, iam_roles_live: None) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/console/iam-roles/")
    page.locator("form[data-console] input[name=line]").fill(
        "aws sts get-caller-identity --profile carol"
    )
    page.get_by_role("button", name="Run").click()
    assert page.url.endswith("/console/iam-roles/")
    assert "user/carol" in page.locator("[data-exit-code='0'] .terminal-stdout").inner_text()
    context.close()


def test_fix_a_trust_policy_until_the_decision_flips(page, iam_roles_live: None) -> None:
    page.goto(f"/playground/?scenario=iam-roles&entity=trust:{PUBLISHER}")
    assert page.locator("#playground-verdict p").first.inner_text().startswith("Allowed")

    page.get_by_label("Principal").fill("arn:aws:iam::111122223333:user/carol")
    page.get_by_role("button", name="Evaluate").click()
    page.locator("#playground-verdict").filter(has_text="Implicitly denied").wait_for()
    both_widths(page, "playground-denied", height=900)

    trust = page.get_by_label("Resource-based or trust policy")
    text = trust.input_value()
    assert "user/alice" in text
    trust.fill(
        text.replace(
            '"AWS": "arn:aws:iam::111122223333:user/alice"',
            '"AWS": "arn:aws:iam::111122223333:user/carol"',
        )
    )
    page.get_by_role("button", name="Evaluate").click()
    page.locator("#playground-verdict").filter(has_text="Allowed").wait_for()
    assert (
        page.get_by_role("img", name="How the decision on sts:AssumeRole was reached").count() == 1
    )
    both_widths(page, "playground-allowed", height=900)


def test_typing_an_action_offers_its_context_keys(page) -> None:
    page.goto("/playground/")
    page.get_by_label("Actions").fill("iam:PassRole")
    offered = page.locator("#offered-keys button")
    assert offered.all_inner_texts()[:2] == ["iam:PassedToService", "iam:AssociatedResourceArn"]

    offered.first.click()
    assert page.get_by_label("Context keys").input_value() == "iam:PassedToService = "


def test_a_policy_too_large_to_read_says_so_in_the_page(page) -> None:
    page.goto("/playground/")
    huge = '{"Statement": [' + ",".join(
        ['{"Effect":"Deny","Action":"a:b","Resource":"*"}'] * 60_000
    )
    page.get_by_label("Identity-based policies").fill(huge + "]}")
    page.get_by_role("button", name="Evaluate").click()
    status = page.locator("#playground-status")
    status.filter(has_text="The server refused this request (status 400)").wait_for()


def test_what_if_passrole_verdict_comes_first(page, iam_roles_live: None) -> None:
    page.goto("/diagrams/scenarios/iam-roles/evaluation/")
    page.get_by_label("Principal", exact=True).select_option(label="IAM user carol")
    page.get_by_label("Action", exact=True).fill("iam:PassRole")
    page.get_by_label("Resource", exact=True).fill(
        "arn:aws:iam::111122223333:role/service-role/lambda-admin-role"
    )
    page.get_by_role("button", name="Evaluate").click()

    verdict = page.locator(".diagram-verdict")
    assert verdict.inner_text().startswith("Allowed: arn:aws:iam::111122223333:user/carol")
    box = verdict.bounding_box()
    assert box is not None and box["y"] < 400
    both_widths(page, "what-if-passrole", height=900)


def test_nothing_is_wider_than_a_phone(page, iam_roles_live: None) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    for url in (
        "/console/iam-roles/",
        f"/playground/?scenario=iam-roles&entity=trust:{PUBLISHER}",
        "/diagrams/scenarios/iam-roles/evaluation/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") == 390, url
