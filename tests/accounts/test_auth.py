"""Signing up, in and out: no e-mail, safe redirects, and the work done before kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def test_sign_up_makes_an_account_and_signs_in(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "dana", "password1": PASSWORD, "password2": PASSWORD, "next": "/scenarios/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/scenarios/"
    assert get_user_model().objects.filter(username="dana").count() == 1
    body = client.get("/").content.decode()
    assert "Signed in as <strong>dana</strong>" in body


def test_sign_up_with_mismatched_passwords_says_where_and_makes_nothing(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "dana", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert '<ul class="field-errors" id="id_password2_error">' in body
    assert "The two password fields didn\u2019t match." in body
    assert 'aria-describedby="id_password2_helptext id_password2_error"' in body
    assert not get_user_model().objects.exists()


def test_sign_in_goes_back_to_the_page_the_learner_came_from(client: Client) -> None:
    get_user_model().objects.create_user("erin", password=PASSWORD)

    response = client.post(
        "/accounts/login/", {"username": "erin", "password": PASSWORD, "next": "/diagrams/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/diagrams/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_sign_in_and_sign_up_never_redirect_off_the_site(client: Client, target: str) -> None:
    get_user_model().objects.create_user("erin", password=PASSWORD)

    signed_in = client.post(
        "/accounts/login/", {"username": "erin", "password": PASSWORD, "next": target}
    )
    assert signed_in["Location"] == "/"
    client.post("/accounts/logout/")
    signed_up = client.post(
        "/accounts/signup/",
        {"username": "frank", "password1": PASSWORD, "password2": PASSWORD, "next": target},
    )
    assert signed_up["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    get_user_model().objects.create_user("erin", password=PASSWORD)

    response = client.post("/accounts/login/", {"username": "erin", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client: Client) -> None:
    user = get_user_model().objects.create_user("erin", password=PASSWORD)
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_every_page_links_sign_in_and_sign_up_back_to_itself(client: Client) -> None:
    body = client.get("/scenarios/").content.decode()

    assert '<a href="/accounts/login/?next=/scenarios/">Sign in</a>' in body
    assert '<a href="/accounts/signup/?next=/scenarios/">Sign up</a>' in body


def test_work_done_before_signing_up_stays_with_the_learner(client: Client) -> None:
    from iamlab.scenarios.models import Scenario, Workspace

    scenario = Scenario.objects.create(slug="kept", title="Kept", start_time="2026-01-05T09:00:00Z")
    client.get("/")  # the anonymous learner's session
    session = client.session
    anonymous = Workspace.objects.create(scenario=scenario, session_key=session.session_key)
    session["iamlab_workspaces"] = [anonymous.pk]
    session.save()

    client.post(
        "/accounts/signup/", {"username": "gale", "password1": PASSWORD, "password2": PASSWORD}
    )

    request = client.get("/").wsgi_request
    adopted = Workspace.objects.for_request(request, scenario)
    assert adopted.pk == anonymous.pk
    assert adopted.owner.username == "gale"
