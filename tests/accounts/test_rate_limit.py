"""Sign-in is rate-limited per account and per address, with a page that says so."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, override_settings

from iamlab.accounts.limits import client_address

pytestmark = [pytest.mark.django_db, pytest.mark.sign_in_rate_limit]

PASSWORD = "correct-horse-battery-9"
LOCKED = (
    "Signing in as <strong>dana</strong> is paused after too many wrong passwords. "
    "Try again in 15 minutes."
)


@pytest.fixture
def dana(db: None) -> object:
    return get_user_model().objects.create_user("dana", password=PASSWORD)


def sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_with_our_page(client: Client, dana: object) -> None:
    for _attempt in range(4):
        assert sign_in(client, "dana", "wrong").status_code == 200

    fifth = sign_in(client, "dana", "wrong")
    with_the_right_password = sign_in(client, "dana", PASSWORD)

    for response in (fifth, with_the_right_password):
        assert response.status_code == 429
        body = response.content.decode()
        assert '<h1 id="locked-heading">Too many sign-in attempts</h1>' in body
        assert LOCKED in body
        assert '<a href="/accounts/login/?next=/accounts/login/">Sign in</a>' in body
    assert "_auth_user_id" not in client.session


def test_a_locked_account_does_not_lock_others_at_the_same_address(
    client: Client, dana: object
) -> None:
    get_user_model().objects.create_user("erin", password=PASSWORD)
    for _attempt in range(5):
        sign_in(client, "dana", "wrong")

    response = sign_in(client, "erin", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="erin").pk)


@override_settings(SIGN_IN_FAILURES_PER_ADDRESS=6)
def test_many_failures_from_one_address_lock_the_address(client: Client, dana: object) -> None:
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        assert sign_in(client, name, "wrong").status_code == 200

    sixth = sign_in(client, "a6", "wrong")
    then_dana = sign_in(client, "dana", PASSWORD)
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")

    assert sixth.status_code == 429
    assert then_dana.status_code == 429
    assert "Signing in as <strong>dana</strong> is paused" in then_dana.content.decode()
    assert sign_in(elsewhere, "dana", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_mistakes(client: Client, dana: object) -> None:
    for _attempt in range(4):
        sign_in(client, "dana", "wrong")
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _attempt in range(4):
        assert sign_in(client, "dana", "wrong").status_code == 200
    assert sign_in(client, "dana", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_limited_too(client: Client) -> None:
    get_user_model().objects.create_superuser("dana", password=PASSWORD)
    for _attempt in range(5):
        sign_in(client, "dana", "wrong", "/admin/login/")

    response = sign_in(client, "dana", PASSWORD, "/admin/login/")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_address_is_the_proxys_last_hop_only_behind_a_proxy(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")

    assert client_address(request) == "10.0.0.2"
    with override_settings(BEHIND_PROXY=True):
        assert client_address(request) == "198.51.100.4"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_a_locked_out_student_reads_why_without_scrolling(
    page: object, screenshot: object, width: int
) -> None:
    get_user_model().objects.create_user("dana", password=PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/accounts/login/")
    for _attempt in range(5):
        page.get_by_label("Username").fill("dana")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    screenshot(page, f"accounts-locked-out-{width}")

    assert page.get_by_role("heading", level=1).inner_text() == "Too many sign-in attempts"
    assert alert.inner_text() == (
        "Signing in as dana is paused after too many wrong passwords. Try again in 15 minutes."
    )
    box = alert.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800
