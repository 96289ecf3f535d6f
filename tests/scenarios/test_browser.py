"""What a student sees in Chromium: the scenario list leads to an overview they can read."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_goes_from_the_list_to_a_role_and_its_trust_policy(
    page: Page, iam_roles_live: None
) -> None:
    page.goto("/scenarios/")
    page.get_by_role("link", name="IAM roles: assume, act, expire").click()
    # The click returns once the new page starts arriving; the overview is long, so wait
    # until it has all arrived before reading it.
    page.wait_for_load_state()

    assert page.title() == "IAM roles: assume, act, expire · Scenarios · IAM Lab"
    role = page.get_by_role("article", name="ReportPublisher")
    assert role.get_by_role("listitem").all_inner_texts() == [
        "IAM user arn:aws:iam::111122223333:user/alice may call sts:AssumeRole"
    ]
    trust = role.get_by_label("Trust policy of ReportPublisher")
    assert trust.is_visible()
    assert '"AWS": "arn:aws:iam::111122223333:user/alice"' in trust.inner_text()
    page.get_by_role("link", name="Scenarios").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Scenarios"
