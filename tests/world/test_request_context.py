"""The request context: the condition keys AWS puts in each request, per kind of caller."""

from __future__ import annotations

import json

from iamlab.world import Credentials, World
from iamlab.world.authz import request_context
from iamlab.world.callers import resolve_caller
from iamlab.world.examples import ACCOUNT_ID
from tests.cast import arn, fails, policy_json

COMMON = {
    "aws:CurrentTime": "2026-01-05T09:00:00Z",
    "aws:EpochTime": "1767603600",
    "aws:SourceIp": "203.0.113.10",
    "aws:RequestedRegion": "us-east-1",
    "aws:SecureTransport": "true",
    "aws:ViaAWSService": "false",
    "aws:PrincipalIsAWSService": "false",
}


def context_of(world: World, credentials: Credentials | None) -> dict:
    return request_context(world, resolve_caller(world, credentials, "sts", signed=False))


def test_context_of_an_iam_user(world: World, alice: Credentials) -> None:
    assert context_of(world, alice) == {
        **COMMON,
        "aws:PrincipalType": "User",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice",
        "aws:PrincipalAccount": ACCOUNT_ID,
        "aws:userid": world.accounts[ACCOUNT_ID].users["alice"].user_id,
        "aws:username": "alice",
        "aws:PrincipalTag/team": "reports",
    }


def test_context_of_a_role_session(world: World, publisher: Credentials) -> None:
    world.advance(60)
    role_id = world.accounts[ACCOUNT_ID].roles["reportpublisher"].role_id
    assert context_of(world, publisher) == {
        **COMMON,
        "aws:CurrentTime": "2026-01-05T09:01:00Z",
        "aws:EpochTime": "1767603660",
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalArn": arn("role", "ReportPublisher"),
        "aws:PrincipalAccount": ACCOUNT_ID,
        "aws:userid": f"{role_id}:alice-publishing",
        "aws:TokenIssueTime": "2026-01-05T09:00:00Z",
        "aws:MultiFactorAuthPresent": "false",
    }


def test_context_of_an_mfa_session_token(world: World, alice: Credentials) -> None:
    serial = "arn:aws:iam::111122223333:mfa/alice"
    response = world.call(
        alice,
        "sts",
        "GetSessionToken",
        {"SerialNumber": serial, "TokenCode": world.mfa_code(serial)},
    )
    world.advance(90)
    context = context_of(world, Credentials.from_response(response))
    assert context["aws:MultiFactorAuthPresent"] == "true"
    assert context["aws:MultiFactorAuthAge"] == "90"
    assert context["aws:PrincipalArn"] == arn("user", "alice")
    assert context["aws:username"] == "alice"


def test_context_of_a_web_identity_session(world: World) -> None:
    from iamlab.world.examples import OIDC_PROVIDER_ARN

    token = world.mint_web_identity_token(
        OIDC_PROVIDER_ARN, "repo:example-org/reports:ref:refs/heads/main"
    )
    response = world.call(
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {
            "RoleArn": arn("role", "GitHubActionsDeploy"),
            "RoleSessionName": "ci",
            "WebIdentityToken": token,
        },
    )
    context = context_of(world, Credentials.from_response(response))
    assert context["aws:FederatedProvider"] == OIDC_PROVIDER_ARN
    assert context["aws:PrincipalType"] == "AssumedRole"


def test_context_of_an_anonymous_caller(world: World) -> None:
    assert context_of(world, None) == {**COMMON, "aws:PrincipalType": "Anonymous"}


def test_source_ip_comes_from_the_spec(iam_roles_spec: dict) -> None:
    iam_roles_spec["source_ip"] = "198.51.100.7"
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert context_of(world, alice)["aws:SourceIp"] == "198.51.100.7"


def test_organization_keys(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["organization"] = {
        "id": "o-a1b2c3d4e5",
        "levels": [{"id": "r-a1b2"}, {"id": "ou-a1b2-c3d4e5f6"}],
    }
    world = World.from_spec(iam_roles_spec)
    context = context_of(world, world.credentials_for_user(ACCOUNT_ID, "alice"))
    assert context["aws:PrincipalOrgID"] == "o-a1b2c3d4e5"
    assert context["aws:PrincipalOrgPaths"] == ["o-a1b2c3d4e5/r-a1b2/ou-a1b2-c3d4e5f6/"]


def test_scp_denial_is_worded_as_explicit(iam_roles_spec: dict) -> None:
    deny_s3 = json.loads(
        policy_json(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
        )
    )
    iam_roles_spec["accounts"][0]["organization"] = {
        "id": "o-a1b2c3d4e5",
        "levels": [{"id": "r-a1b2", "scps": [{"name": "NoReads", "document": deny_s3}]}],
    }
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(world, alice, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject "
        'on resource: "arn:aws:s3:::example-reports/q1.csv" with an explicit deny in a service '
        "control policy"
    )


def test_scps_do_not_apply_to_the_management_account(iam_roles_spec: dict) -> None:
    deny_all = json.loads(policy_json({"Effect": "Deny", "Action": "*", "Resource": "*"}))
    iam_roles_spec["accounts"][0]["organization"] = {
        "id": "o-a1b2c3d4e5",
        "management_account": True,
        "levels": [{"id": "r-a1b2", "scps": [{"name": "DenyAll", "document": deny_all}]}],
    }
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert (
        world.call(alice, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})["Body"]
        == "quarter,revenue\nQ1,100\n"
    )


def test_principal_tag_condition_in_a_trust_policy(iam_roles_spec: dict) -> None:
    statement = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    statement["Principal"] = {"AWS": ACCOUNT_ID}
    statement["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "reports"}}
    iam_roles_spec["accounts"][0]["users"][1]["inline_policies"][0]["document"]["Statement"].append(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    params = {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "tagged"}
    assert world.call(alice, "sts", "AssumeRole", params)["AssumedRoleUser"]["Arn"].endswith(
        "/tagged"
    )
    assert fails(world, carol, "sts", "AssumeRole", params).code == "AccessDenied"


def test_time_condition_follows_the_world_clock(iam_roles_spec: dict) -> None:
    statement = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    statement["Condition"] = {"DateLessThan": {"aws:CurrentTime": "2026-01-05T12:00:00Z"}}
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    params = {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "timed"}
    world.call(alice, "sts", "AssumeRole", params)
    world.advance(3 * 3600)
    assert fails(world, alice, "sts", "AssumeRole", params).code == "AccessDenied"


def test_boundary_limits_the_role(iam_roles_spec: dict) -> None:
    account = iam_roles_spec["accounts"][0]
    account["policies"].append(
        {
            "name": "ReadOnlyBoundary",
            "document": json.loads(
                policy_json({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
            ),
        }
    )
    account["roles"][0]["permission_boundary"] = "ReadOnlyBoundary"
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    session = Credentials.from_response(
        world.call(
            alice,
            "sts",
            "AssumeRole",
            {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "bounded"},
        )
    )
    error = fails(
        world, session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "k", "Body": ""}
    )
    assert error.message.endswith("because no permissions boundary allows the s3:PutObject action")


def test_rcp_limits_the_resources_of_the_account(iam_roles_spec: dict) -> None:
    only_org = json.loads(
        policy_json(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            }
        )
    )
    iam_roles_spec["accounts"][0]["organization"] = {
        "id": "o-a1b2c3d4e5",
        "levels": [
            {"id": "r-a1b2"},
            {"id": "ou-a1b2-c3d4e5f6", "rcps": [{"name": "OrgOnly", "document": only_org}]},
        ],
    }
    iam_roles_spec["accounts"][0]["s3_buckets"][0]["policy"] = json.loads(
        policy_json(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "444455556666"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::example-reports/*",
            }
        )
    )
    iam_roles_spec["accounts"].append(
        {
            "id": "444455556666",
            "users": [
                {
                    "name": "outsider",
                    "managed_policies": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                    "access_keys": [{}],
                }
            ],
        }
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    outsider = world.credentials_for_user("444455556666", "outsider")
    assert (
        world.call(alice, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})["Body"]
        == "quarter,revenue\nQ1,100\n"
    )
    error = fails(
        world, outsider, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"}
    )
    # The outsider's account is not in the bucket owner's organization, so S3 answers with
    # its generic message; the event keeps the engine's reason.
    assert error.message == "Access Denied"
    assert world.events[-1].explanation["denied_by"] == {
        "policy_type": "resource control policy",
        "explicit": True,
        "message_says_explicit": True,
    }


def test_group_policies_apply_to_members(iam_roles_spec: dict) -> None:
    account = iam_roles_spec["accounts"][0]
    account["groups"] = [
        {"name": "publishers", "path": "/teams/", "managed_policies": ["ReportsPublish"]}
    ]
    account["users"][0]["groups"] = ["Publishers"]
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    world.call(alice, "s3", "PutObject", {"Bucket": "example-reports", "Key": "g.csv", "Body": "g"})
    group = world.accounts[ACCOUNT_ID].groups["publishers"]
    assert world.call(carol, "iam", "ListGroupsForUser", {"UserName": "alice"}) == {
        "Groups": [
            {
                "Path": "/teams/",
                "GroupName": "publishers",
                "GroupId": group.group_id,
                "Arn": "arn:aws:iam::111122223333:group/teams/publishers",
                "CreateDate": "2026-01-05T09:00:00+00:00",
            }
        ]
    }


def test_roles_tags_are_resource_tags_for_assume_role(iam_roles_spec: dict) -> None:
    """ABAC: alice may assume the roles tagged with her own team."""
    account = iam_roles_spec["accounts"][0]
    account["roles"][0]["tags"] = {"team": "reports"}
    account["roles"][0]["trust_policy"]["Statement"][0]["Principal"] = {"AWS": ACCOUNT_ID}
    account["users"][0]["inline_policies"][0]["document"]["Statement"][0] = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    }
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    params = {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "abac"}
    assert world.call(alice, "sts", "AssumeRole", params)["AssumedRoleUser"]["Arn"].endswith(
        "/abac"
    )
    world.accounts[ACCOUNT_ID].roles["reportpublisher"].tags = {"team": "platform"}
    assert fails(world, alice, "sts", "AssumeRole", params).code == "AccessDenied"
    assert (
        world.simulate(arn("user", "alice"), "sts:AssumeRole", arn("role", "ReportPublisher"))[
            "decision"
        ]
        == "ImplicitlyDenied"
    )


def test_user_tags_are_resource_tags_for_iam_calls(iam_roles_spec: dict) -> None:
    statements = iam_roles_spec["accounts"][0]["users"][1]["inline_policies"][0]["document"][
        "Statement"
    ]
    statements.append(
        {
            "Effect": "Deny",
            "Action": "iam:CreateAccessKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "reports"}},
        }
    )
    statements.append({"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"})
    world = World.from_spec(iam_roles_spec)
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    error = fails(world, carol, "iam", "CreateAccessKey", {"UserName": "alice"})
    assert error.message.endswith("with an explicit deny in an identity-based policy")
    created = world.call(carol, "iam", "CreateAccessKey", {})
    assert created["AccessKey"]["UserName"] == "carol"
