from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_student_signs_up_from_the_header_and_returns_to_the_page(page, screenshot, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/scenarios/")

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery-9")
    page.get_by_label("Password confirmation").fill("correct-horse-battery-8")
    page.get_by_role("button", name="Sign up").click()
    assert (
        page.locator("#id_password2_error").inner_text()
        == "The two password fields didn\u2019t match."
    )
    screenshot(page, f"accounts-signup-error-{width}")

    page.get_by_label("Password", exact=True).fill("correct-horse-battery-9")
    page.get_by_label("Password confirmation").fill("correct-horse-battery-9")
    page.get_by_role("button", name="Sign up").click()

    assert page.url.endswith("/scenarios/")
    assert page.locator(".signed-in").inner_text() == "Signed in as dana"
    screenshot(page, f"accounts-signed-in-{width}")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").is_visible()
