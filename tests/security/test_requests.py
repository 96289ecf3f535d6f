"""Hostile requests fail safely, with the right status: no token, huge bodies, odd paths.

Redirects off the site are in test_redirects.py, guessed ids in test_idor.py."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.security.surface import FORMS, PASSWORD, SLUG_ROUTES, Form

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db: None) -> object:
    return get_user_model().objects.create_user("learner", password=PASSWORD)


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.url)
def test_a_form_posted_without_a_csrf_token_is_refused_and_changes_nothing(
    form: Form, learner: object, instructor: object
) -> None:
    client = Client(enforce_csrf_checks=True)
    users_before = list(get_user_model().objects.values_list("username", flat=True))

    response = client.post(form.url, form.data)

    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>This form has expired</h1>" in body
    assert list(get_user_model().objects.values_list("username", flat=True)) == users_before
    assert "_auth_user_id" not in client.session


def test_a_body_over_the_upload_limit_is_refused_with_400(client: Client) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "learner", "password": "x" * (3 * 1024 * 1024)},
    )

    assert response.status_code == 400
    assert "<h1>This request could not be read</h1>" in response.content.decode()


def test_too_many_form_fields_are_refused_with_400(client: Client) -> None:
    data = {f"field{index}": "x" for index in range(1500)}

    response = client.post("/accounts/login/", data)

    assert response.status_code == 400


def test_an_address_beyond_the_limit_gets_our_414_page(client: Client) -> None:
    response = client.get("/scenarios/", {"q": "x" * (64 * 1024 + 1)})

    assert response.status_code == 414
    body = response.content.decode()
    assert "<h1>The address is too long</h1>" in body
    assert "carries 65539 characters after its <code>?</code>; at most 65536 are accepted" in body


@pytest.mark.parametrize(
    "slug",
    ["..", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a/../../settings.py", "\x00"],
)
@pytest.mark.parametrize("route", SLUG_ROUTES)
def test_path_traversal_in_a_slug_is_not_found(client: Client, route: str, slug: str) -> None:
    response = client.get(route.format(slug))

    assert response.status_code == 404
