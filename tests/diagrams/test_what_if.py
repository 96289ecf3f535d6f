"""The evaluation page's what-if form: the context the world would add, context keys,
federated principals, unknown roles, errors tied to their fields, engine errors as sentences."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from iamlab.scenarios.loading import load_fixtures
from tests.cast import FIXTURES

PAGE = "/diagrams/scenarios/{}/evaluation/"
CAROL = "arn:aws:iam::111122223333:user/carol"
LAMBDA_ADMIN = "arn:aws:iam::111122223333:role/service-role/lambda-admin-role"
VENDOR = "arn:aws:iam::444455556666:user/invoice-app"
READER = "arn:aws:iam::111122223333:role/VendorInvoiceReader"

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(db: None) -> None:
    for name in ("iam-roles.json", "cross-account-external-id.json"):
        assert load_fixtures([FIXTURES / name]).problems == []


def verdict(content: str) -> str:
    match = re.search(r'<p class="diagram-verdict" role="status">(.*?)</p>', content, re.S)
    assert match, "no verdict in the page"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def test_carols_passrole_to_lambda_is_allowed_as_the_world_would_ask_it(
    client: Client, scenarios: None
) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {"principal": CAROL, "action": "iam:PassRole", "resource": LAMBDA_ADMIN},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert verdict(content) == f"Allowed: {CAROL} asking for iam:PassRole on {LAMBDA_ADMIN}."
    # The verdict comes before the form and the drawing in the page text.
    assert content.index('class="diagram-verdict"') < content.index('class="diagram-form"')


def test_passrole_to_another_service_is_denied(client: Client, scenarios: None) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {
            "principal": CAROL,
            "action": "iam:PassRole",
            "resource": LAMBDA_ADMIN,
            "passed_to_service": "ec2.amazonaws.com",
        },
    )

    assert verdict(response.content.decode()) == (
        f"Implicitly denied: {CAROL} asking for iam:PassRole on {LAMBDA_ADMIN} "
        "(denied by the identity-based policy)."
    )


def test_external_id_makes_the_cross_account_role_assumable(
    client: Client, scenarios: None
) -> None:
    query = {"principal": VENDOR, "action": "sts:AssumeRole", "resource": READER}
    without = client.get(PAGE.format("cross-account-external-id"), query)
    with_id = client.get(
        PAGE.format("cross-account-external-id"), {**query, "external_id": "ExampleCorp-7Hq2x"}
    )
    wrong = client.get(
        PAGE.format("cross-account-external-id"), {**query, "external_id": "guessed-id"}
    )

    assert verdict(without.content.decode()).startswith("Implicitly denied:")
    assert (
        verdict(with_id.content.decode())
        == f"Allowed: {VENDOR} asking for sts:AssumeRole on {READER}."
    )
    assert verdict(wrong.content.decode()).startswith("Implicitly denied:")


@pytest.mark.parametrize("external_id", ["x", "Exémple-7Hq2x", "two words"])
def test_an_external_id_assume_role_would_refuse_is_refused_on_its_field(
    client: Client, scenarios: None, external_id: str
) -> None:
    # The world's AssumeRole pattern: ASCII letters, digits and _+=,.@:/-, 2 to 1,224 of them.
    response = client.get(
        PAGE.format("cross-account-external-id"),
        {
            "principal": VENDOR,
            "action": "sts:AssumeRole",
            "resource": READER,
            "external_id": external_id,
        },
    )

    assert response.status_code == 400
    assert (
        '<span class="decision-denied" id="id_external_id-error">An external ID is 2 to 1,224 '
        "letters, digits or the characters _+=,.@:/-.</span>"
    ) in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("service", "refused"),
    [("lambda.amazonaws.com.cn", False), (".amazonaws.com", True), ("lambda", True)],
)
def test_passed_to_service_is_a_service_principal_as_the_engine_reads_one(
    client: Client, scenarios: None, service: str, refused: bool
) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {
            "principal": CAROL,
            "action": "iam:PassRole",
            "resource": LAMBDA_ADMIN,
            "passed_to_service": service,
        },
    )

    content = html.unescape(response.content.decode())
    assert response.status_code == (400 if refused else 200)
    assert (
        "A service principal looks like lambda.amazonaws.com or ec2.amazonaws.com." in content
    ) is refused


def test_federated_principals_are_offered(client: Client, scenarios: None) -> None:
    content = client.get(PAGE.format("iam-roles")).content.decode()

    assert (
        '<option value="arn:aws:iam::111122223333:oidc-provider/'
        'token.actions.githubusercontent.com">'
        "Federated through OIDC provider token.actions.githubusercontent.com</option>"
    ) in content


def test_a_role_that_does_not_exist_is_named_and_linked_to_its_field(
    client: Client, scenarios: None
) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {
            "principal": CAROL,
            "action": "sts:AssumeRole",
            "resource": "arn:aws:iam::111122223333:role/Ghost<img>",
        },
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert (
        '<span class="decision-denied" id="id_resource-error">There is no role named '
        "Ghost&lt;img&gt; in this scenario.</span>"
    ) in content
    resource_input = re.search(r'<input type="text" name="resource"[^>]*>', content).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', resource_input).group(1).split()
    assert described == ["id_resource-error"]
    assert 'aria-invalid="true"' in resource_input
    for element_id in described:
        assert f'id="{element_id}"' in content


def test_every_described_by_points_at_an_element_that_exists(
    client: Client, scenarios: None
) -> None:
    content = client.get(
        PAGE.format("iam-roles"), {"principal": "nobody", "action": "x", "resource": "*"}
    ).content.decode()

    references = re.findall(r'aria-describedby="([^"]*)"', content)
    assert references
    for reference in references:
        for element_id in reference.split():
            assert f'id="{element_id}"' in content, element_id
    assert "Pick one of this scenario&#x27;s principals from the list." in content


def test_engine_errors_read_as_sentences_on_their_field(client: Client, scenarios: None) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {"principal": CAROL, "action": "s3:GetObject", "resource": "not-an-arn"},
    )

    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert (
        '<span class="decision-denied" id="id_resource-error">The resource "not-an-arn" must be '
        'an ARN (arn:partition:service:region:account:resource) or "*".</span>'
    ) in content
    assert "InvalidSimulation" not in content and "request.resource" not in content


def test_context_lines_are_checked_and_html_in_them_is_escaped(
    client: Client, scenarios: None
) -> None:
    response = client.get(
        PAGE.format("iam-roles"),
        {
            "principal": CAROL,
            "action": "s3:GetObject",
            "resource": "*",
            "context": "<svg onload=alert(1)>",
        },
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "<svg onload" not in content
    assert (
        "Line 1: write key = value with a key such as sts:ExternalId or aws:PrincipalTag/team, "
        "not “&lt;svg onload=alert(1)&gt;”."
    ) in content


def test_a_federated_principal_with_its_token_claims(client: Client, scenarios: None) -> None:
    provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    role = "arn:aws:iam::111122223333:role/GitHubActionsDeploy"
    query = {"principal": provider, "action": "sts:AssumeRoleWithWebIdentity", "resource": role}
    claims = (
        "token.actions.githubusercontent.com:aud = sts.amazonaws.com\n"
        "token.actions.githubusercontent.com:sub = repo:example-org/reports:ref:refs/heads/main"
    )
    other_branch = claims.replace("refs/heads/main", "refs/heads/feature")

    allowed = client.get(PAGE.format("iam-roles"), {**query, "context": claims})
    denied = client.get(PAGE.format("iam-roles"), {**query, "context": other_branch})

    assert verdict(allowed.content.decode()) == (
        f"Allowed: {provider} asking for sts:AssumeRoleWithWebIdentity on {role}."
    )
    assert verdict(denied.content.decode()).startswith("Implicitly denied:")
