"""A long address reaches the app, under gunicorn as a classroom runs it: a form's longest
value works, and an address beyond the app's limit gets the app's page, never gunicorn's."""

from __future__ import annotations

import urllib.parse

from tests.serving.servers import Browser, Server

EVALUATION = "/diagrams/scenarios/iam-roles/evaluation/"


def test_the_longest_value_a_form_takes_works_beyond_gunicorns_default_line(
    two_servers: tuple[Server, Server],
) -> None:
    server, _other = two_servers
    # 2,048 characters (the form's limit) that percent-encode to 6 bytes each: far beyond
    # gunicorn's default request line of 4,094 bytes and its maximum of 8,190.
    query = urllib.parse.urlencode(
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::example-reports/" + "é" * 2018,
        }
    )
    assert len(query) > 12_000

    response = Browser().get(f"{server.url}{EVALUATION}?{query}")

    assert response.status == 200
    assert "<h1>How the decision was reached</h1>" in response.body


def test_an_address_beyond_the_apps_limit_gets_the_apps_page(
    two_servers: tuple[Server, Server],
) -> None:
    server, _other = two_servers

    response = Browser().get(f"{server.url}{EVALUATION}?resource={'x' * 70_000}")

    assert response.status == 414
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>The address is too long</h1>" in response.body
    assert "Request Line is too large" not in response.body
