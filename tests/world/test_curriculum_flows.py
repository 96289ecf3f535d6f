"""The flows of CURRICULUM.md, each done through World.call on the iam-roles world."""

from __future__ import annotations

import json

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID, OIDC_PROVIDER_ARN, SAML_PROVIDER_ARN
from tests.cast import arn, fails, policy_json

PUBLISHER = arn("role", "ReportPublisher")
ADMIN_ROLE = arn("role", "service-role/lambda-admin-role")
Q1 = {"Bucket": "example-reports", "Key": "q1.csv"}
NEW_REPORT = {"Bucket": "example-reports", "Key": "q3.csv", "Body": "quarter,revenue\nQ3,90\n"}


def assume_publisher(
    world: World, credentials: Credentials, name: str = "alice-publishing"
) -> dict:
    return world.call(
        credentials, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": name}
    )


def test_user_acts_with_long_term_key_and_policies_decide(world: World, alice: Credentials) -> None:
    assert world.call(alice, "s3", "GetObject", Q1)["Body"] == "quarter,revenue\nQ1,100\n"
    allowed = world.events[-1]
    assert allowed.caller.access_key_id.startswith("AKIA")
    assert allowed.explanation["deciding_statements"][0]["sid"] == "ReadReports"
    error = fails(world, alice, "s3", "PutObject", NEW_REPORT)
    assert error.code == "AccessDenied"
    denied = world.events[-1]
    assert denied.explanation["denied_by"]["policy_type"] == "identity-based policy"
    assert denied.explanation["denied_by"]["explicit"] is False


def test_a_role_has_no_login_credentials(world: World, carol: Credentials) -> None:
    error = fails(world, carol, "iam", "ListAccessKeys", {"UserName": "ReportPublisher"})
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "The user with name ReportPublisher cannot be found.",
    )
    role = world.accounts[ACCOUNT_ID].roles["reportpublisher"]
    assert not hasattr(role, "access_keys")


def test_assume_role_returns_temporary_credentials(world: World, alice: Credentials) -> None:
    response = assume_publisher(world, alice)
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert response["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )


def test_trust_and_permission_are_two_checks(iam_roles_spec: dict) -> None:
    """Trusting the account delegates to it: alice then also needs sts:AssumeRole herself."""
    trust = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    trust["Principal"] = {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    assume_publisher(world, alice)
    steps = {step["step"]: step["result"] for step in world.events[-1].explanation["steps"]}
    assert (steps["trust_policy"], steps["identity_policy"]) == ("Allow", "Allow")
    fails(world, carol, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": "carol"})
    steps = {step["step"]: step["result"] for step in world.events[-1].explanation["steps"]}
    assert (steps["trust_policy"], steps["identity_policy"]) == ("Allow", "NoMatch")


def test_the_role_replaces_the_users_permissions(world: World, alice: Credentials) -> None:
    session = Credentials.from_response(assume_publisher(world, alice))
    assert fails(world, alice, "s3", "PutObject", NEW_REPORT).code == "AccessDenied"
    world.call(session, "s3", "PutObject", NEW_REPORT)
    # alice may call iam:GetRole; the role may not, even though alice is behind it
    world.call(alice, "iam", "GetRole", {"RoleName": "ReportPublisher"})
    assert (
        fails(world, session, "iam", "GetRole", {"RoleName": "ReportPublisher"}).code
        == "AccessDenied"
    )
    assert world.events[-1].explanation["request"]["principal"] == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )


def test_credentials_expire_and_are_renewed_by_assuming_again(
    world: World, alice: Credentials
) -> None:
    first = Credentials.from_response(assume_publisher(world, alice))
    world.call(first, "s3", "PutObject", NEW_REPORT)
    world.advance(3600)
    error = fails(world, first, "s3", "PutObject", NEW_REPORT)
    assert (error.code, error.message) == ("ExpiredToken", "The provided token has expired.")
    error = fails(world, first, "sts", "GetCallerIdentity", {})
    assert (error.code, error.message) == (
        "ExpiredToken",
        "The security token included in the request is expired",
    )
    second_response = assume_publisher(world, alice)
    assert second_response["Credentials"]["Expiration"] == "2026-01-05T11:00:00+00:00"
    second = Credentials.from_response(second_response)
    assert second.access_key_id != first.access_key_id
    world.call(second, "s3", "PutObject", NEW_REPORT)


def test_layering_masks_the_user_but_traces_back(iam_roles_spec: dict) -> None:
    trust = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    trust["Action"] = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    alice_statement = iam_roles_spec["accounts"][0]["users"][0]["inline_policies"][0]["document"][
        "Statement"
    ][0]
    alice_statement["Action"] = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    as_user = world.call(alice, "sts", "GetCallerIdentity", {})
    response = world.call(
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing", "SourceIdentity": "alice"},
    )
    session = Credentials.from_response(response)
    as_session = world.call(session, "sts", "GetCallerIdentity", {})
    assert as_user["Arn"] == "arn:aws:iam::111122223333:user/alice"
    assert (
        as_session["Arn"]
        == "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )
    assert as_session["UserId"].endswith(":alice-publishing")
    assert world.events[-1].caller.source_identity == "alice"


def test_temporary_extension_of_permissions(world: World, alice: Credentials) -> None:
    session = Credentials.from_response(assume_publisher(world, alice))
    world.call(session, "s3", "PutObject", NEW_REPORT)
    world.advance(3600)
    assert fails(world, session, "s3", "PutObject", NEW_REPORT).code == "ExpiredToken"
    assert fails(world, alice, "s3", "PutObject", NEW_REPORT).code == "AccessDenied"


def test_federated_users_through_oidc_and_saml(world: World) -> None:
    token = world.mint_web_identity_token(
        OIDC_PROVIDER_ARN, "repo:example-org/reports:ref:refs/heads/main"
    )
    ci = world.call(
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {
            "RoleArn": arn("role", "GitHubActionsDeploy"),
            "RoleSessionName": "ci",
            "WebIdentityToken": token,
        },
    )
    world.call(Credentials.from_response(ci), "s3", "PutObject", NEW_REPORT)
    assertion = world.mint_saml_assertion(
        SAML_PROVIDER_ARN,
        "dana@example.com",
        [arn("role", "CorpReportReaders")],
        session_name="dana",
    )
    employee = world.call(
        None,
        "sts",
        "AssumeRoleWithSAML",
        {
            "RoleArn": arn("role", "CorpReportReaders"),
            "PrincipalArn": SAML_PROVIDER_ARN,
            "SAMLAssertion": assertion,
        },
    )
    reader = Credentials.from_response(employee)
    assert world.call(reader, "s3", "GetObject", Q1)["Body"].startswith("quarter")
    assert fails(world, reader, "s3", "PutObject", NEW_REPORT).code == "AccessDenied"
    assert all(
        user.name in ("alice", "carol") for user in world.accounts[ACCOUNT_ID].users.values()
    )


def test_lambda_runs_with_its_execution_role(world: World, alice: Credentials) -> None:
    world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assume = next(e for e in world.events if e.caller.principal_arn == "lambda.amazonaws.com")
    assert assume.effect["session"]["role_arn"] == arn("role", "service-role/lambda-role")
    trust = assume.explanation["policies"][0]
    assert trust["statements"][0]["principal"]["matched"] is True


def test_pass_role_denied_for_alice_allowed_for_carol(
    world: World, alice: Credentials, carol: Credentials
) -> None:
    params = {"FunctionName": "report-builder", "Role": ADMIN_ROLE}
    error = fails(world, alice, "lambda", "UpdateFunctionConfiguration", params)
    assert "iam:PassRole" in error.message
    world.call(carol, "lambda", "UpdateFunctionConfiguration", params)
    world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assert world.events[-1].caller.principal_arn == (
        "arn:aws:sts::111122223333:assumed-role/lambda-admin-role/report-builder"
    )
    assert world.events[-1].decision == "Allowed"


def test_editing_the_trust_policy_changes_who_may_assume(
    world: World, alice: Credentials, carol: Credentials
) -> None:
    assume_publisher(world, alice)
    carol_only = policy_json(
        {"Effect": "Allow", "Principal": {"AWS": arn("user", "carol")}, "Action": "sts:AssumeRole"}
    )
    world.call(
        carol,
        "iam",
        "UpdateAssumeRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyDocument": carol_only},
    )
    assert (
        fails(
            world, alice, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": "again"}
        ).code
        == "AccessDenied"
    )
    # a trust policy naming carol herself needs no identity-based permission from her
    assert assume_publisher(world, carol, "carol")["AssumedRoleUser"]["Arn"].endswith("/carol")
    stored = world.call(carol, "iam", "GetRole", {"RoleName": "ReportPublisher"})["Role"]
    assert stored["AssumeRolePolicyDocument"] == json.loads(carol_only)


def test_cross_account_role_with_external_id(iam_roles_spec: dict) -> None:
    partner = {
        "id": "444455556666",
        "roles": [
            {
                "name": "ReportsAuditor",
                "trust_policy": json.loads(
                    policy_json(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": ACCOUNT_ID},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:ExternalId": "audit-7731"}},
                        }
                    )
                ),
                "managed_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            }
        ],
    }
    iam_roles_spec["accounts"].append(partner)
    iam_roles_spec["accounts"][0]["users"][0]["inline_policies"][0]["document"]["Statement"][0][
        "Resource"
    ] = [PUBLISHER, "arn:aws:iam::444455556666:role/ReportsAuditor"]
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    auditor = {
        "RoleArn": "arn:aws:iam::444455556666:role/ReportsAuditor",
        "RoleSessionName": "audit",
    }
    assert fails(world, alice, "sts", "AssumeRole", auditor).code == "AccessDenied"
    response = world.call(alice, "sts", "AssumeRole", {**auditor, "ExternalId": "audit-7731"})
    assert (
        response["AssumedRoleUser"]["Arn"]
        == "arn:aws:sts::444455556666:assumed-role/ReportsAuditor/audit"
    )
    # carol is trusted by the account but has no identity-based permission to assume it
    assert (
        fails(world, carol, "sts", "AssumeRole", {**auditor, "ExternalId": "audit-7731"}).code
        == "AccessDenied"
    )


def test_a_trust_policy_open_to_everyone_lets_other_accounts_in(iam_roles_spec: dict) -> None:
    trust = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    trust["Principal"] = {"AWS": "*"}
    iam_roles_spec["accounts"].append(
        {
            "id": "999988887777",
            "users": [
                {
                    "name": "mallory",
                    "inline_policies": [
                        {
                            "name": "AssumeAnything",
                            "document": json.loads(
                                policy_json(
                                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
                                )
                            ),
                        }
                    ],
                    "access_keys": [{}],
                }
            ],
        }
    )
    world = World.from_spec(iam_roles_spec)
    mallory = world.credentials_for_user("999988887777", "mallory")
    session = Credentials.from_response(assume_publisher(world, mallory, "mallory"))
    world.call(session, "s3", "PutObject", NEW_REPORT)
    assert world.events[-1].caller.principal_arn == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/mallory"
    )
    # closing the hole: name the principal, and mallory is out
    fixed = policy_json(
        {"Effect": "Allow", "Principal": {"AWS": arn("user", "alice")}, "Action": "sts:AssumeRole"}
    )
    world.accounts[ACCOUNT_ID].roles["reportpublisher"].trust_policy = json.loads(fixed)
    assert fails(
        world, mallory, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": "again"}
    ).code == ("AccessDenied")
