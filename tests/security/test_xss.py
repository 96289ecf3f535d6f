"""Hostile text in a scenario reaches every page and diagram only as text."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.security.hostile import PAYLOADS, SCRIPT
from tests.security.surface import DOWNLOADS, PAGES, SLUG

pytestmark = pytest.mark.django_db

# Markup a payload would add if it were not escaped.
INJECTED = re.compile(r"<script>alert|<img src=x|<svg onload|onerror=alert\(1\)>", re.IGNORECASE)


def opened(client: Client, staff_client: Client, staff: bool, url: str) -> str:
    response = (staff_client if staff else client).get(url)
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url)
def test_no_payload_reaches_a_page_as_markup(
    client: Client, hostile: None, instructor: object, page: object
) -> None:
    if page.staff:
        client.force_login(instructor)

    response = client.get(page.url)

    assert response.status_code == page.status
    body = response.content.decode()
    assert INJECTED.search(body) is None, INJECTED.search(body)


def test_the_overview_shows_every_payload_as_text(client: Client, hostile: None) -> None:
    body = client.get(f"/scenarios/{SLUG}/").content.decode()

    assert f"<h1>Hostile {html.escape(SCRIPT)}</h1>" in body
    for payload in PAYLOADS:
        assert html.escape(payload) in body, payload


@pytest.mark.parametrize("url", DOWNLOADS)
def test_no_payload_reaches_a_download_as_markup(client: Client, hostile: None, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert INJECTED.search(response.content.decode()) is None


def test_the_inline_trust_diagram_keeps_only_drawing_elements(
    client: Client, hostile: None
) -> None:
    body = client.get(f"/diagrams/scenarios/{SLUG}/trust/").content.decode()
    svg = body[body.index("<svg ") : body.index("</svg>")]

    elements = set(re.findall(r"<([a-zA-Z]+)", svg))
    assert elements <= {"svg", "title", "desc", "g", "text", "path", "polygon", "ellipse"}
    assert re.search(r"\son[a-z]+=|href=|style=", svg) is None
    assert "Hostile &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in svg


def test_a_learners_console_line_reaches_the_session_diagram_as_text(
    client: Client, hostile: None
) -> None:
    from iamlab.scenarios.models import Scenario, Workspace

    client.get("/")  # a session for the anonymous learner
    client.session.save()
    workspace = Workspace.objects.create(
        scenario=Scenario.objects.get(slug=SLUG), session_key=client.session.session_key
    )
    # Quoted, as a student would, so that the shell passes it on to the call.
    workspace.run(
        f'aws sts assume-role --role-arn "arn:aws:iam::111122223333:role/{SCRIPT}" '
        "--role-session-name probe --profile alice"
    )

    body = client.get(f"/diagrams/scenarios/{SLUG}/sessions/").content.decode()

    assert INJECTED.search(body) is None
    # The diagram names the resource by its last part, which holds the rest of the tag.
    assert "<li>#1: alice called sts:AssumeRole on script&gt;: denied.</li>" in body
