"""Web identity, SAML, GetSessionToken, GetFederationToken and GetCallerIdentity."""

from __future__ import annotations

import base64
import json

import pytest

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID, OIDC_PROVIDER_ARN, SAML_PROVIDER_ARN
from iamlab.world.federation import name_qualifier
from tests.cast import arn, fails, policy_json

DEPLOY = arn("role", "GitHubActionsDeploy")
READERS = arn("role", "CorpReportReaders")
MAIN_BRANCH = "repo:example-org/reports:ref:refs/heads/main"


def web_identity(world: World, token: str, **params: object) -> dict:
    return world.call(
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci-run-42", "WebIdentityToken": token, **params},
    )


def test_web_identity_token_for_the_trusted_subject(world: World) -> None:
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH)
    response = web_identity(world, token)
    role_id = world.accounts[ACCOUNT_ID].roles["githubactionsdeploy"].role_id
    assert set(response) == {
        "Credentials",
        "SubjectFromWebIdentityToken",
        "AssumedRoleUser",
        "Provider",
        "Audience",
    }
    assert response["SubjectFromWebIdentityToken"] == MAIN_BRANCH
    assert response["Provider"] == "https://token.actions.githubusercontent.com"
    assert response["Audience"] == "sts.amazonaws.com"
    assert response["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:ci-run-42",
        "Arn": "arn:aws:sts::111122223333:assumed-role/GitHubActionsDeploy/ci-run-42",
    }
    event = world.events[-1]
    assert event.caller.principal_arn == OIDC_PROVIDER_ARN
    assert event.decision == "Allowed"
    conditions = event.explanation["policies"][0]["statements"][0]["conditions"]
    assert {c["key"]: c["request_values"] for c in conditions} == {
        "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"],
        "token.actions.githubusercontent.com:sub": [MAIN_BRANCH],
    }


def test_web_identity_session_carries_the_federated_provider(world: World) -> None:
    session = Credentials.from_response(
        web_identity(world, world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH))
    )
    assert world.sessions[session.access_key_id].federated_provider == OIDC_PROVIDER_ARN
    world.call(
        session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "ci.csv", "Body": "ok"}
    )
    assert world.events[-1].decision == "Allowed"


def test_web_identity_for_another_subject_is_not_authorized(world: World) -> None:
    token = world.mint_web_identity_token(
        OIDC_PROVIDER_ARN, "repo:someone/fork:ref:refs/heads/main"
    )
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": token},
    )
    assert (error.code, error.message, error.status) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        403,
    )
    assert world.events[-1].decision == "ImplicitlyDenied"


def test_web_identity_token_with_a_wrong_audience(world: World) -> None:
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH, audience="other-app")
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": token},
    )
    assert (error.code, error.message) == ("InvalidIdentityToken", "Incorrect token audience")


def test_forged_web_identity_token(world: World) -> None:
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "repo:attacker/x:ref:refs/heads/main"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {
            "RoleArn": DEPLOY,
            "RoleSessionName": "ci",
            "WebIdentityToken": f"{header}.{forged_payload}.{signature}",
        },
    )
    assert (error.code, error.message) == (
        "InvalidIdentityToken",
        "The web identity token that was passed could not be validated by AWS. Get a new "
        "identity token from the identity provider and then retry the request.",
    )


def test_web_identity_token_that_is_not_a_jwt(world: World) -> None:
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": "not-a-token"},
    )
    assert error.code == "InvalidIdentityToken"


def test_expired_web_identity_token(world: World) -> None:
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH, lifetime_seconds=300)
    world.advance(300)
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": token},
    )
    assert (error.code, error.message) == (
        "ExpiredTokenException",
        "Token expired: current date/time 1767603900 must be before the expiration date/time "
        "1767603900",
    )


def test_web_identity_from_an_unregistered_issuer(iam_roles_spec: dict) -> None:
    spec = json.loads(json.dumps(iam_roles_spec))
    spec["accounts"].append(
        {
            "id": "444455556666",
            "identity_providers": [
                {"type": "oidc", "url": "https://idp.other.example", "client_ids": ["x"]}
            ],
        }
    )
    world = World.from_spec(spec)
    token = world.mint_web_identity_token(
        "arn:aws:iam::444455556666:oidc-provider/idp.other.example", MAIN_BRANCH
    )
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": token},
    )
    assert (error.code, error.message) == (
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://idp.other.example",
    )


def saml(world: World, assertion: str) -> dict:
    return world.call(
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": assertion},
    )


def test_saml_assertion_for_the_role(world: World) -> None:
    assertion = world.mint_saml_assertion(
        SAML_PROVIDER_ARN, "bob@example.com", [READERS], session_name="bob"
    )
    response = saml(world, assertion)
    assert set(response) == {
        "Credentials",
        "AssumedRoleUser",
        "Subject",
        "SubjectType",
        "Issuer",
        "Audience",
        "NameQualifier",
    }
    assert response["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/CorpReportReaders/bob"
    )
    assert (response["Subject"], response["SubjectType"]) == ("bob@example.com", "persistent")
    assert response["Issuer"] == "https://idp.example.com/saml"
    assert response["Audience"] == "https://signin.aws.amazon.com/saml"
    assert response["NameQualifier"] == name_qualifier(
        "https://idp.example.com/saml", ACCOUNT_ID, "ExampleCorpIdP"
    )
    session = Credentials.from_response(response)
    assert (
        world.call(session, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q2.csv"})[
            "Body"
        ]
        == "quarter,revenue\nQ2,120\n"
    )


def test_saml_subject_type_prefix_is_stripped(world: World) -> None:
    assertion = world.mint_saml_assertion(
        SAML_PROVIDER_ARN,
        "bob",
        [READERS],
        subject_type="urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    )
    assert saml(world, assertion)["SubjectType"] == "transient"


def test_saml_assertion_without_the_role_is_not_authorized(world: World) -> None:
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [DEPLOY])
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": assertion},
    )
    assert (error.code, error.message) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_saml_recipient_must_match_the_trust_condition(world: World) -> None:
    assertion = world.mint_saml_assertion(
        SAML_PROVIDER_ARN, "bob", [READERS], recipient="https://elsewhere.example/saml"
    )
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": assertion},
    )
    assert error.code == "AccessDenied"
    assert world.events[-1].decision == "ImplicitlyDenied"


def test_saml_assertion_must_be_redeemed_in_five_minutes(world: World) -> None:
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [READERS])
    world.advance(301)
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": assertion},
    )
    assert (error.code, error.message) == (
        "ExpiredTokenException",
        "Token must be redeemed within 5 minutes of issuance",
    )


def test_saml_with_an_unknown_provider(world: World) -> None:
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [READERS])
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {
            "RoleArn": READERS,
            "PrincipalArn": "arn:aws:iam::111122223333:saml-provider/Nope",
            "SAMLAssertion": assertion,
        },
    )
    assert (error.code, error.message) == (
        "InvalidIdentityToken",
        "Specified provider doesn't exist.",
    )


def test_tampered_saml_assertion(world: World) -> None:
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [READERS])
    envelope = json.loads(base64.b64decode(assertion))
    envelope["Assertion"]["Subject"] = "admin"
    tampered = base64.b64encode(json.dumps(envelope).encode()).decode()
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": tampered},
    )
    assert (error.code, error.message) == ("InvalidIdentityToken", "Response signature invalid")


def test_saml_session_may_last_up_to_the_roles_maximum(world: World) -> None:
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [READERS])
    response = world.call(
        None,
        "sts",
        "AssumeRoleWithSAML",
        {
            "RoleArn": READERS,
            "PrincipalArn": SAML_PROVIDER_ARN,
            "SAMLAssertion": assertion,
            "DurationSeconds": 7200,
        },
    )
    assert response["Credentials"]["Expiration"] == "2026-01-05T11:00:00+00:00"


def test_get_session_token_gives_the_users_own_permissions(
    world: World, alice: Credentials
) -> None:
    response = world.call(alice, "sts", "GetSessionToken", {})
    assert set(response) == {"Credentials"}
    assert response["Credentials"]["Expiration"] == "2026-01-05T21:00:00+00:00"
    session = Credentials.from_response(response)
    assert world.call(session, "sts", "GetCallerIdentity", {})["Arn"] == (
        "arn:aws:iam::111122223333:user/alice"
    )
    assert (
        world.call(session, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})[
            "Body"
        ]
        == "quarter,revenue\nQ1,100\n"
    )
    assert fails(
        world, session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "x", "Body": ""}
    ).code == ("AccessDenied")


def test_get_session_token_without_mfa_cannot_call_iam(world: World, alice: Credentials) -> None:
    session = Credentials.from_response(world.call(alice, "sts", "GetSessionToken", {}))
    error = fails(world, session, "iam", "GetRole", {"RoleName": "ReportPublisher"})
    assert (error.code, error.message) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid",
    )


def test_get_session_token_with_mfa_carries_mfa_into_later_requests(
    world: World, alice: Credentials
) -> None:
    serial = "arn:aws:iam::111122223333:mfa/alice"
    response = world.call(
        alice,
        "sts",
        "GetSessionToken",
        {"SerialNumber": serial, "TokenCode": world.mfa_code(serial), "DurationSeconds": 3600},
    )
    session = Credentials.from_response(response)
    world.advance(120)
    assert world.call(session, "iam", "GetRole", {"RoleName": "ReportPublisher"})["Role"][
        "RoleName"
    ] == ("ReportPublisher")
    result = world.simulate(
        "arn:aws:iam::111122223333:user/alice", "iam:GetRole", arn("role", "ReportPublisher")
    )
    assert result["decision"] == "Allowed"
    stored = world.sessions[session.access_key_id]
    assert stored.mfa_authenticated_at == world.start_time


def test_session_credentials_cannot_get_session_tokens(
    world: World, publisher: Credentials
) -> None:
    error = fails(world, publisher, "sts", "GetSessionToken", {})
    assert (error.code, error.message) == (
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
    )
    error = fails(world, publisher, "sts", "GetFederationToken", {"Name": "fed"})
    assert error.message == "Cannot call GetFederationToken with session credentials"


@pytest.fixture
def federating_world(iam_roles_spec: dict) -> World:
    """Let carol call GetFederationToken."""
    statements = iam_roles_spec["accounts"][0]["users"][1]["inline_policies"][0]["document"][
        "Statement"
    ]
    statements.append({"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"})
    return World.from_spec(iam_roles_spec)


def test_federation_token_without_session_policy_has_no_permissions(
    federating_world: World,
) -> None:
    world = federating_world
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    response = world.call(carol, "sts", "GetFederationToken", {"Name": "partner"})
    assert response["FederatedUser"] == {
        "FederatedUserId": "111122223333:partner",
        "Arn": "arn:aws:sts::111122223333:federated-user/partner",
    }
    assert response["Credentials"]["Expiration"] == "2026-01-05T21:00:00+00:00"
    session = Credentials.from_response(response)
    assert world.call(session, "sts", "GetCallerIdentity", {}) == {
        "UserId": "111122223333:partner",
        "Account": "111122223333",
        "Arn": "arn:aws:sts::111122223333:federated-user/partner",
    }
    error = fails(world, session, "s3", "ListBuckets", {})
    assert error.message == (
        "User: arn:aws:sts::111122223333:federated-user/partner is not authorized to perform: "
        "s3:ListAllMyBuckets on resource: * because no session policy allows the "
        "s3:ListAllMyBuckets action"
    )


def test_federation_token_with_session_policy_is_the_intersection(
    federating_world: World,
) -> None:
    world = federating_world
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    response = world.call(
        carol,
        "sts",
        "GetFederationToken",
        {
            "Name": "partner",
            "Policy": policy_json({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        },
    )
    assert response["PackedPolicySize"] == 14
    session = Credentials.from_response(response)
    assert world.call(session, "s3", "ListBuckets", {})["Buckets"] == [
        {"Name": "example-reports", "CreationDate": "2026-01-05T09:00:00+00:00"}
    ]
    error = fails(
        world, session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "x", "Body": ""}
    )
    assert error.message.endswith("because no identity-based policy allows the s3:PutObject action")
    error = fails(world, session, "iam", "GetRole", {"RoleName": "ReportPublisher"})
    assert error.code == "InvalidClientTokenId"


def test_federation_token_needs_permission(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "sts", "GetFederationToken", {"Name": "partner"})
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        "sts:GetFederationToken on resource: arn:aws:sts::111122223333:federated-user/partner "
        "because no identity-based policy allows the sts:GetFederationToken action"
    )


def test_get_caller_identity_is_never_denied(iam_roles_spec: dict) -> None:
    statements = iam_roles_spec["accounts"][0]["users"][0]["inline_policies"][0]["document"][
        "Statement"
    ]
    statements.append({"Effect": "Deny", "Action": "*", "Resource": "*"})
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert world.call(alice, "sts", "GetCallerIdentity", {})["Arn"] == (
        "arn:aws:iam::111122223333:user/alice"
    )
    assert world.events[-1].decision is None


def test_get_caller_identity_as_user_and_as_session(
    world: World, alice: Credentials, publisher: Credentials
) -> None:
    account = world.accounts[ACCOUNT_ID]
    assert world.call(alice, "sts", "GetCallerIdentity", {}) == {
        "UserId": account.users["alice"].user_id,
        "Account": ACCOUNT_ID,
        "Arn": "arn:aws:iam::111122223333:user/alice",
    }
    assert world.call(publisher, "sts", "GetCallerIdentity", {}) == {
        "UserId": f"{account.roles['reportpublisher'].role_id}:alice-publishing",
        "Account": ACCOUNT_ID,
        "Arn": "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing",
    }


TAGS_CLAIM = {
    "https://aws.amazon.com/tags": {
        "principal_tags": {"project": ["reports"]},
        "transitive_tag_keys": ["project"],
    }
}


def test_identity_provider_tags_need_tag_session_in_the_trust_policy(world: World) -> None:
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH, claims=TAGS_CLAIM)
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": DEPLOY, "RoleSessionName": "ci", "WebIdentityToken": token},
    )
    assert (error.code, error.message) == (
        "AccessDenied",
        "Not authorized to perform sts:TagSession",
    )
    assert [(c.action, c.decision) for c in world.events[-1].checks] == [
        ("sts:AssumeRoleWithWebIdentity", "Allowed"),
        ("sts:TagSession", "ImplicitlyDenied"),
    ]


def test_identity_provider_tags_become_session_tags(iam_roles_spec: dict) -> None:
    deploy = next(
        r for r in iam_roles_spec["accounts"][0]["roles"] if r["name"] == "GitHubActionsDeploy"
    )
    deploy["trust_policy"]["Statement"][0]["Action"] = [
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
    ]
    world = World.from_spec(iam_roles_spec)
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH, claims=TAGS_CLAIM)
    session = Credentials.from_response(web_identity(world, token))
    stored = world.sessions[session.access_key_id]
    assert (stored.session_tags, stored.transitive_tag_keys) == (
        {"project": "reports"},
        ["project"],
    )


def test_saml_principal_tag_attributes(iam_roles_spec: dict) -> None:
    readers = next(
        r for r in iam_roles_spec["accounts"][0]["roles"] if r["name"] == "CorpReportReaders"
    )
    readers["trust_policy"]["Statement"][0]["Action"] = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
    world = World.from_spec(iam_roles_spec)
    assertion = world.mint_saml_assertion(
        SAML_PROVIDER_ARN,
        "bob",
        [READERS],
        attributes={"https://aws.amazon.com/SAML/Attributes/PrincipalTag:department": ["finance"]},
    )
    session = Credentials.from_response(saml(world, assertion))
    assert world.sessions[session.access_key_id].session_tags == {"department": "finance"}
    two_values = world.mint_saml_assertion(
        SAML_PROVIDER_ARN,
        "bob",
        [READERS],
        attributes={"https://aws.amazon.com/SAML/Attributes/PrincipalTag:department": ["a", "b"]},
    )
    error = fails(
        world,
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": two_values},
    )
    assert (error.code, error.message) == (
        "InvalidIdentityToken",
        "The session tag department must have exactly one text value.",
    )


def test_a_token_or_assertion_with_surrounding_white_space_is_accepted(world: World) -> None:
    # The AWS CLI sends a file:// parameter's content unchanged (a saved token ends with a
    # newline) and IdPs wrap base64 SAML responses at 76 characters; STS accepts both.
    token = world.mint_web_identity_token(OIDC_PROVIDER_ARN, MAIN_BRANCH)
    session = web_identity(world, token + "\n")
    assert session["SubjectFromWebIdentityToken"] == MAIN_BRANCH
    assertion = world.mint_saml_assertion(SAML_PROVIDER_ARN, "bob", [READERS])
    wrapped = "\n".join(assertion[i : i + 76] for i in range(0, len(assertion), 76)) + "\n"
    response = world.call(
        None,
        "sts",
        "AssumeRoleWithSAML",
        {"RoleArn": READERS, "PrincipalArn": SAML_PROVIDER_ARN, "SAMLAssertion": wrapped},
    )
    assert response["Subject"] == "bob"
