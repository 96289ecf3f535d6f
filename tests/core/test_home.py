from __future__ import annotations

import re

import pytest
from django.test import Client

from iamlab.scenarios.models import Difficulty, Scenario

pytestmark = pytest.mark.django_db


def test_home_lists_lessons_with_an_honest_empty_state(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "home.html"
    body = response.content.decode()
    assert '<h2 id="lessons-heading">Lessons</h2>' in body
    assert "<strong>No lessons are loaded yet.</strong>" in body


def test_home_loads_htmx_locally_and_sends_csrf_header_from_body(client: Client) -> None:
    body = client.get("/").content.decode()

    # htmx comes from django-htmx's vendored copy: the page works offline.
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js[^"]*"', body)
    assert "cdn" not in body.lower()
    match = re.search(r"<body hx-headers='\{\"x-csrftoken\": \"([^\"]+)\"\}'>", body)
    assert match is not None
    assert len(match.group(1)) == 64


def test_home_has_landmarks_and_main_navigation(client: Client) -> None:
    body = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">Skip to content</a>' in body
    assert '<nav aria-label="Main">' in body
    assert '<main id="main" tabindex="-1">' in body
    assert '<a href="/lessons/">Lessons</a>' in body
    assert '<a href="/scenarios/">Scenarios</a>' in body
    assert '<a href="/diagrams/">Diagrams</a>' in body
    assert '<a href="/console/">Console</a>' in body
    assert '<a href="/playground/">Playground</a>' in body
    for area in ("Console", "Playground"):
        assert f">{area} <small>(soon)</small>" not in body
    # The instructor pages are linked for staff only (tests/classroom).
    assert "Instructor" not in body


def test_home_refuses_post(client: Client) -> None:
    assert client.post("/").status_code == 405


def test_unknown_page_gets_a_helpful_404(client: Client, settings) -> None:
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body
    assert "There is nothing at <code>/no-such-page/</code>." in body


def test_home_offers_the_loaded_scenarios_escaped(client: Client) -> None:
    Scenario.objects.create(
        slug="iam-basics",
        title="<b>IAM</b> basics",
        difficulty=Difficulty.INTRODUCTORY,
        start_time="2026-01-05T09:00:00Z",
    )

    body = client.get("/").content.decode()

    assert '<h2 id="scenarios-heading">Scenarios to explore</h2>' in body
    assert '<li><a href="/scenarios/iam-basics/">&lt;b&gt;IAM&lt;/b&gt; basics</a>' in body
    assert '<span class="difficulty" data-difficulty="introductory">Introductory</span>' in body


def test_home_says_how_to_load_scenarios_when_there_are_none(client: Client) -> None:
    body = client.get("/").content.decode()

    assert "<strong>No scenarios are loaded yet.</strong>" in body
