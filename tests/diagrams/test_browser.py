"""What a student sees in Chromium: a drawing with an accessible name, the legend, the text."""

from __future__ import annotations

import pytest

from tests.browsing import both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trust_diagram_is_an_image_with_a_name_a_legend_and_a_description(
    page, iam_roles_live: None
) -> None:
    response = page.goto("/diagrams/scenarios/iam-roles/trust/")
    assert response.status == 200

    drawing = page.get_by_role("img", name="Who may assume what in IAM roles")
    assert drawing.count() == 1
    box = drawing.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    legend = page.get_by_role("complementary", name="Legend")
    assert legend.get_by_role("row").nth(1).inner_text().split("\t")[-1].strip() == "IAM user"

    description = page.get_by_text("alice may assume ReportPublisher (sts:AssumeRole).")
    assert not description.is_visible()
    page.get_by_text("Text description of").click()
    assert description.is_visible()


def test_what_if_form_works_without_javascript(page, iam_roles_live: None) -> None:
    page.goto("/diagrams/scenarios/iam-roles/evaluation/")
    page.get_by_label("Principal", exact=True).select_option(label="IAM user alice")
    page.get_by_label("Action", exact=True).fill("s3:PutObject")
    page.get_by_label("Resource", exact=True).fill("arn:aws:s3:::example-reports/q9.csv")
    page.get_by_role("button", name="Evaluate").click()

    drawing = page.get_by_role("img", name="What if arn:aws:iam::111122223333:user/alice")
    assert drawing.count() == 1
    assert page.locator("details.diagram-text > p").text_content() == (
        "Request by arn:aws:iam::111122223333:user/alice to perform s3:PutObject on "
        "arn:aws:s3:::example-reports/q9.csv: Implicitly denied by the identity-based policy."
    )
    # The verdict sits above the form and the drawing, in view without scrolling.
    verdict = page.locator("p.diagram-verdict")
    assert verdict.inner_text() == (
        "Implicitly denied: arn:aws:iam::111122223333:user/alice asking for s3:PutObject on "
        "arn:aws:s3:::example-reports/q9.csv (denied by the identity-based policy)."
    )
    assert verdict.is_visible() and verdict.bounding_box()["y"] < 800
    both_widths(page, "diagrams/what-if")
