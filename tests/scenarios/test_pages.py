"""The student's scenario pages: the list, and one scenario's overview (escaped, no JavaScript)."""

from __future__ import annotations

import pytest
from django.test import Client

from iamlab.scenarios.models import Role, Scenario
from tests.cast import WriteFixture, small_scenario

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def test_the_list_links_every_scenario(client: Client, iam_roles: Scenario) -> None:
    html = page(client, "/scenarios/")

    assert '<a href="/scenarios/iam-roles/">IAM roles: assume, act, expire</a>' in html
    assert '<span class="difficulty" data-difficulty="introductory">Introductory</span>' in html
    assert '<span class="account-count">1 account</span>' in html


def test_the_list_says_how_to_load_when_empty(client: Client) -> None:
    html = page(client, "/scenarios/")

    assert '<div class="empty-state" role="status">' in html
    assert "<code>python manage.py loadscenario fixtures/scenarios/*.json</code>" in html


def test_the_overview_shows_each_role_with_its_trust_policy(
    client: Client, iam_roles: Scenario
) -> None:
    html = page(client, "/scenarios/iam-roles/")

    assert "<h1>IAM roles: assume, act, expire</h1>" in html
    assert (
        '<article class="role" id="role-111122223333-ReportPublisher" '
        'aria-labelledby="role-111122223333-ReportPublisher-heading">' in html
    )
    assert "<dt>Maximum session duration</dt><dd>1 hour</dd>" in html
    assert (
        "<li>IAM user <code>arn:aws:iam::111122223333:user/alice</code> may call "
        "<code>sts:AssumeRole</code></li>" in html
    )
    assert (
        '<pre class="policy-json" aria-label="Trust policy of ReportPublisher"><code>{\n'
        "  &quot;Version&quot;: &quot;2012-10-17&quot;,\n"
        "  &quot;Statement&quot;: [\n"
        "    {\n"
        "      &quot;Sid&quot;: &quot;AliceMayPublish&quot;,\n"
        "      &quot;Effect&quot;: &quot;Allow&quot;,\n"
        "      &quot;Principal&quot;: {\n"
        "        &quot;AWS&quot;: &quot;arn:aws:iam::111122223333:user/alice&quot;\n"
        "      },\n"
        "      &quot;Action&quot;: &quot;sts:AssumeRole&quot;\n"
        "    }\n"
        "  ]\n"
        "}</code></pre>" in html
    )
    assert (
        '<pre class="policy-json" aria-label="Managed policy ReportsPublish of ReportPublisher">'
        in html
    )
    assert (
        "<li>AWS service <code>lambda.amazonaws.com</code> may call "
        "<code>sts:AssumeRole</code></li>" in html
    )


def test_the_overview_shows_users_providers_and_resources(
    client: Client, iam_roles: Scenario
) -> None:
    html = page(client, "/scenarios/iam-roles/")

    assert '<tr id="user-111122223333-alice">' in html
    assert "<p>Access key <code>AKIAEXAMPLEALICE0001</code> (Active)</p>" in html
    assert "<p>MFA device <code>arn:aws:iam::111122223333:mfa/alice</code></p>" in html
    assert (
        "<li>OpenID Connect (OIDC) <code>arn:aws:iam::111122223333:oidc-provider/"
        "token.actions.githubusercontent.com</code>, audiences <code>sts.amazonaws.com</code></li>"
        in html
    )
    assert '<article class="bucket" id="bucket-example-reports">' in html
    assert "<li><code>q1.csv</code></li>" in html
    assert (
        'Runs as its execution role <a href="#role-111122223333-lambda-role">lambda-role</a>.'
        in html
    )
    # The secret half of an access key is never shown.
    assert "aliceSecretKeyExample" not in html


def test_everything_an_instructor_wrote_is_escaped(
    client: Client, write_fixture: WriteFixture
) -> None:
    from iamlab.scenarios.loading import load_fixtures

    fixture = small_scenario()
    fixture[0]["fields"]["title"] = "<script>alert('title')</script>"
    fixture[5]["fields"]["description"] = "<img src=x onerror=alert(1)>"
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Sid"] = "Sid1"
    fixture[7]["fields"]["key"] = "<b>q1</b>.csv"
    assert load_fixtures([write_fixture(fixture)]).problems == []

    html = page(client, "/scenarios/tiny/")

    assert "<script>alert" not in html
    assert "<h1>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;</h1>" in html
    assert "<p>&lt;img src=x onerror=alert(1)&gt;</p>" in html
    assert "<li><code>&lt;b&gt;q1&lt;/b&gt;.csv</code></li>" in html


def test_an_unknown_scenario_is_not_found(client: Client) -> None:
    assert client.get("/scenarios/no-such-scenario/").status_code == 404


def test_the_pages_only_answer_get(client: Client, iam_roles: Scenario) -> None:
    assert client.post("/scenarios/iam-roles/").status_code == 405
    assert client.post("/scenarios/").status_code == 405


def test_a_role_with_no_permission_policy_says_so(client: Client, iam_roles: Scenario) -> None:
    Role.objects.get(name="ReportPublisher").managed_policies.clear()

    html = page(client, "/scenarios/iam-roles/")

    assert "<p>None: the role may do nothing until a policy is attached.</p>" in html


def test_the_overview_lists_groups_with_members_and_policies(client: Client) -> None:
    from iamlab.scenarios.loading import load_fixtures
    from tests.cast import FIXTURES

    assert load_fixtures([FIXTURES / "privilege-escalation.json"]).problems == []

    html = page(client, "/scenarios/privilege-escalation/")

    assert (
        '<li id="group-111122223333-developers"><strong>developers</strong>:\n'
        "          members mallory;\n"
        "          policies DeveloperSelfService\n"
        "        </li>"
    ) in html
    assert '<tr id="user-111122223333-mallory">' in html


def test_roles_people_can_assume_show_the_command_to_do_it(
    client: Client, iam_roles: Scenario
) -> None:
    html = page(client, "/scenarios/iam-roles/")

    assert (
        '<p class="try-it">To assume it in the console, as a principal it trusts:\n'
        "              <code>aws sts assume-role --role-arn "
        "arn:aws:iam::111122223333:role/ReportPublisher --role-session-name my-session "
        "--profile NAME</code></p>"
    ) in html
    # A service role is assumed by its service, not by a person.
    assert html.count('<p class="try-it">') == 1
