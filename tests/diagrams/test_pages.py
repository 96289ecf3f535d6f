"""The diagram pages: inline accessible SVG, text alternative, downloads, and no 500 without dot."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from iamlab.scenarios.models import Scenario, Workspace

SCRIPT = "<script>alert(1)</script>"
ARROW = '"a" -> "b"'

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_workspace(client: Client, iam_roles: Scenario) -> Workspace:
    """A learner whose log touched S3 keys that look like markup and like DOT."""
    session = client.session
    session.save()
    workspace = Workspace.objects.current(iam_roles, session_key=session.session_key)
    for key in (SCRIPT, ARROW):
        workspace.run(
            f"aws --profile alice s3api get-object --bucket example-reports --key '{key}' out.txt"
        )
    return workspace


def inline_svg(content: str) -> str:
    match = re.search(
        r'<svg xmlns="http://www.w3.org/2000/svg"[^>]* role="img".*?</svg>', content, re.S
    )
    assert match, "no inline SVG in the page"
    return match.group(0)


def test_trust_page_inlines_a_labelled_svg_with_text_and_downloads(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/trust/")
    assert response.status_code == 200
    content = response.content.decode()
    svg = inline_svg(content)
    root = svg[: svg.index(">") + 1]
    element_id = re.search(r' id="(diagram-trust-[0-9a-f]{12})"', root).group(1)
    assert f'role="img" aria-labelledby="{element_id}-title {element_id}-desc"' in root
    assert f'<title id="{element_id}-title">Who may assume what in ' in svg
    assert "<desc id=" in svg
    assert "2 IAM users, 5 roles, 2 identity providers, 1 AWS service in 1 account:" in content
    assert "alice may assume ReportPublisher (sts:AssumeRole)." in content
    assert '<a href="/diagrams/scenarios/iam-roles/trust.svg" download>Download SVG</a>' in content
    assert (
        '<a href="/diagrams/scenarios/iam-roles/trust.dot" download>Download DOT source</a>'
        in content
    )
    assert '<aside class="diagram-legend"' in content
    assert "Dashed arrow, “if …”" in content


def test_svg_download_is_a_standalone_safe_file(client: Client, iam_roles: Scenario) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/trust.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="iam-roles-trust.svg"'
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns=')
    assert "<script" not in body
    assert "href" not in body


def test_dot_download_is_the_source_the_svg_was_drawn_from(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/trust.dot")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vnd.graphviz; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="iam-roles-trust.dot"'
    assert response.content.decode().startswith("digraph diagram {\n")


def test_missing_dot_shows_a_notice_and_the_text_alternative(
    client: Client, iam_roles: Scenario, settings: Settings
) -> None:
    settings.GRAPHVIZ_DOT = "/nonexistent/graphviz/dot"
    response = client.get("/diagrams/scenarios/iam-roles/trust/")
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert 'role="img"' not in content
    assert (
        "The diagram cannot be drawn because Graphviz's dot program was not found "
        "(GRAPHVIZ_DOT='/nonexistent/graphviz/dot')."
    ) in content
    assert "alice may assume ReportPublisher (sts:AssumeRole)." in content
    assert '<details class="diagram-text" open>' in content
    assert "Download SVG" not in content
    assert "Download DOT source" in content
    download = client.get("/diagrams/scenarios/iam-roles/trust.svg")
    assert download.status_code == 503
    assert download.content.decode().startswith("The diagram cannot be drawn because")


def test_learner_names_in_the_session_graph_render_as_text(
    client: Client, hostile_workspace: Workspace
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/sessions/")
    assert response.status_code == 200
    content = response.content.decode()
    assert SCRIPT not in content
    svg = inline_svg(content)
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert f"example-reports/{SCRIPT}" in texts
    assert f"example-reports/{ARROW}" in texts
    assert "#1 s3:GetObject" in texts
    assert "failed: NoSuchKey" in texts
    assert html.escape(f"#1: alice called s3:GetObject on example-reports/{SCRIPT}") in content
    assert (
        '<li><a href="/diagrams/scenarios/iam-roles/evaluation/?event=2">Call #2: s3:GetObject</a>'
        " (Allowed)</li>"
    ) in content
    dot = client.get("/diagrams/scenarios/iam-roles/sessions.dot").content.decode()
    assert SCRIPT not in dot
    assert ARROW not in dot
    assert "example-reports/&lt;script&gt;alert(1)&lt;/script&gt;" in dot
    assert "example-reports/&quot;a&quot; -&gt; &quot;b&quot;" in dot


def test_sessions_page_without_a_workspace_shows_the_empty_world(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/sessions/")
    assert response.status_code == 200
    assert "No calls have been made in this world yet" in response.content.decode()


def test_what_if_evaluation_page(client: Client, iam_roles: Scenario) -> None:
    response = client.get(
        "/diagrams/scenarios/iam-roles/evaluation/",
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:PutObject",
            "resource": "arn:aws:s3:::example-reports/q2.csv",
        },
    )
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Implicitly denied by the identity-based policy." in content
    assert (
        "/diagrams/scenarios/iam-roles/evaluation.svg?principal=arn%3Aaws%3Aiam%3A%3A"
        "111122223333%3Auser%2Falice&action=s3%3APutObject"
    ) in content


def test_what_if_with_a_bad_action_says_what_is_wrong(client: Client, iam_roles: Scenario) -> None:
    response = client.get(
        "/diagrams/scenarios/iam-roles/evaluation/",
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3 put",
            "resource": "*",
        },
    )
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert (
        "“s3 put” is not an action: write service:Action, for example s3:GetObject or "
        "sts:AssumeRole, without wildcards."
    ) in content
    assert 'role="img"' not in content


def test_evaluation_of_a_call_in_the_learners_log(
    client: Client, hostile_workspace: Workspace
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/evaluation/", {"event": "1"})
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "How the decision on call #1 (s3:GetObject) was reached" in content
    missing = client.get("/diagrams/scenarios/iam-roles/evaluation/", {"event": "99"})
    assert missing.status_code == 400
    assert (
        "There is no call number '99' with a decision in this world; the calls with "
        "decisions are numbered 1, 2."
    ) in html.unescape(missing.content.decode())


def test_unknown_scenario_is_404(client: Client, db: None) -> None:
    assert client.get("/diagrams/scenarios/nope/trust/").status_code == 404


def test_index_links_every_diagram_of_every_scenario(client: Client, iam_roles: Scenario) -> None:
    content = client.get("/diagrams/").content.decode()
    for name in ("trust", "sessions", "evaluation"):
        assert f'href="/diagrams/scenarios/iam-roles/{name}/"' in content


def test_scenario_overview_shows_the_trust_graph_and_legend(
    client: Client, iam_roles: Scenario
) -> None:
    content = client.get("/scenarios/iam-roles/").content.decode()
    assert re.search(r'<svg xmlns="[^"]+"[^>]* id="diagram-trust-[0-9a-f]{12}" role="img"', content)
    assert "diagram-sessions-" not in content
    assert '<aside class="diagram-legend"' in content
    assert (
        '<a href="/diagrams/scenarios/iam-roles/evaluation/">How a decision is reached</a>'
        in content
    )


def test_scenario_overview_adds_the_learners_session_graph(
    client: Client, hostile_workspace: Workspace
) -> None:
    content = client.get("/scenarios/iam-roles/").content.decode()
    assert re.search(r'id="diagram-sessions-[0-9a-f]{12}" role="img"', content)
    assert "Who assumed what in your workspace" in content
    assert SCRIPT not in content


def test_the_learners_exported_profile_is_the_current_caller(
    client: Client, hostile_workspace: Workspace
) -> None:
    hostile_workspace.run("export AWS_PROFILE=carol")
    content = client.get("/diagrams/scenarios/iam-roles/sessions/").content.decode()
    assert "2 calls by 1 identity; 0 sessions, 0 expired at world time" in content
    assert "Current caller: carol." in content


def test_evaluation_page_starts_with_a_user_asking_for_a_role_that_names_them(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.get("/diagrams/scenarios/iam-roles/evaluation/")
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert (
        "Request by arn:aws:iam::111122223333:user/alice to perform sts:AssumeRole on "
        "arn:aws:iam::111122223333:role/ReportPublisher: Allowed."
    ) in content


@pytest.fixture
def broken_scenario(db: None) -> Scenario:
    """A scenario loaded around the validating loader: it has no account, so no world."""
    return Scenario.objects.create(
        slug="half-written",
        title="Half written",
        difficulty="introductory",
        start_time="2026-01-05T09:00:00Z",
    )


UNAVAILABLE = (
    "The scenario &#x27;half-written&#x27; cannot be built into a world right now (1 problem); "
    "an instructor can see them with `python manage.py check`."
)


def test_overview_of_a_scenario_without_a_world_says_why_instead_of_failing(
    client: Client, broken_scenario: Scenario
) -> None:
    response = client.get("/scenarios/half-written/")

    assert response.status_code == 200
    assert f'<p class="diagram-notice" role="status">{UNAVAILABLE}</p>' in response.content.decode()


@pytest.mark.parametrize("name", ["trust", "sessions", "evaluation"])
def test_diagram_page_of_a_scenario_without_a_world_says_why(
    client: Client, broken_scenario: Scenario, name: str
) -> None:
    response = client.get(f"/diagrams/scenarios/half-written/{name}/")

    assert response.status_code == 200
    assert f'<p class="diagram-notice" role="alert">{UNAVAILABLE}</p>' in response.content.decode()


@pytest.mark.parametrize("extension", ["svg", "dot"])
def test_download_of_a_scenario_without_a_world_is_refused_with_the_reason(
    client: Client, broken_scenario: Scenario, extension: str
) -> None:
    response = client.get(f"/diagrams/scenarios/half-written/trust.{extension}")

    assert response.status_code == 409
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == html.unescape(UNAVAILABLE)


@pytest.mark.parametrize(
    "url",
    [
        "/diagrams/",
        "/diagrams/scenarios/iam-roles/trust/",
        "/diagrams/scenarios/iam-roles/evaluation/",
        "/scenarios/iam-roles/",
    ],
)
def test_diagram_style_sheets_are_linked_once_in_the_head(
    client: Client, iam_roles: Scenario, url: str
) -> None:
    content = client.get(url).content.decode()
    head, _, body = content.partition("</head>")
    for sheet in ("diagrams.css", "widths.css"):
        assert head.count(f'<link rel="stylesheet" href="/static/diagrams/{sheet}">') == 1
        assert sheet not in body
