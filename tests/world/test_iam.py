"""IAM calls: reads, writes, and the privilege-escalation lessons, each authorized first."""

from __future__ import annotations

import json

import pytest

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID
from tests.cast import arn, fails, policy_json

TRUST_LAMBDA = policy_json(
    {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)


@pytest.fixture
def admin_world(iam_roles_spec: dict) -> World:
    """Give carol AdministratorAccess, for the IAM write calls."""
    iam_roles_spec["accounts"][0]["users"][1]["managed_policies"].append(
        "arn:aws:iam::aws:policy/AdministratorAccess"
    )
    return World.from_spec(iam_roles_spec)


@pytest.fixture
def admin(admin_world: World) -> Credentials:
    return admin_world.credentials_for_user(ACCOUNT_ID, "carol")


def test_get_user_without_a_name_returns_the_caller(world: World, carol: Credentials) -> None:
    user = world.accounts[ACCOUNT_ID].users["carol"]
    assert world.call(carol, "iam", "GetUser", {}) == {
        "User": {
            "Path": "/",
            "UserName": "carol",
            "UserId": user.user_id,
            "Arn": "arn:aws:iam::111122223333:user/carol",
            "CreateDate": "2026-01-05T09:00:00+00:00",
            "Tags": [{"Key": "team", "Value": "platform"}],
        }
    }


def test_get_user_is_denied_without_permission(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "iam", "GetUser", {"UserName": "carol"})
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:GetUser "
        "on resource: arn:aws:iam::111122223333:user/carol because no identity-based policy "
        "allows the iam:GetUser action"
    )


def test_get_user_from_a_role_session_needs_a_name(world: World, publisher: Credentials) -> None:
    error = fails(world, publisher, "iam", "GetUser", {})
    assert (error.code, error.message) == (
        "ValidationError",
        "Must specify userName when calling with non-User credentials",
    )


def test_get_role_shows_the_trust_policy(world: World, alice: Credentials) -> None:
    role = world.call(alice, "iam", "GetRole", {"RoleName": "ReportPublisher"})["Role"]
    assert role["Arn"] == arn("role", "ReportPublisher")
    assert role["RoleId"] == world.accounts[ACCOUNT_ID].roles["reportpublisher"].role_id
    assert role["MaxSessionDuration"] == 3600
    assert role["Description"] == "Publishes reports to example-reports"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:user/alice"
    }
    assert role["RoleLastUsed"] == {}


def test_get_role_that_does_not_exist(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "iam", "GetRole", {"RoleName": "Nope"})
    assert (error.code, error.message, error.status) == (
        "NoSuchEntity",
        "The role with name Nope cannot be found.",
        404,
    )


def test_get_role_names_are_case_insensitive(world: World, alice: Credentials) -> None:
    role = world.call(alice, "iam", "GetRole", {"RoleName": "reportpublisher"})["Role"]
    assert role["RoleName"] == "ReportPublisher"


def test_list_roles_sorted_by_name(world: World, carol: Credentials) -> None:
    roles = world.call(carol, "iam", "ListRoles", {})["Roles"]
    assert [role["RoleName"] for role in roles] == [
        "CorpReportReaders",
        "GitHubActionsDeploy",
        "lambda-admin-role",
        "lambda-role",
        "ReportPublisher",
    ]
    assert "Tags" not in roles[0]
    service_roles = world.call(carol, "iam", "ListRoles", {"PathPrefix": "/service-role/"})["Roles"]
    assert [role["RoleName"] for role in service_roles] == ["lambda-admin-role", "lambda-role"]


def test_list_users(world: World, carol: Credentials) -> None:
    users = world.call(carol, "iam", "ListUsers", {})["Users"]
    assert [user["UserName"] for user in users] == ["alice", "carol"]


def test_role_policies(world: World, carol: Credentials) -> None:
    assert world.call(carol, "iam", "ListAttachedRolePolicies", {"RoleName": "lambda-role"}) == {
        "AttachedPolicies": [
            {
                "PolicyName": "AWSLambdaBasicExecutionRole",
                "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            }
        ]
    }
    assert world.call(carol, "iam", "ListRolePolicies", {"RoleName": "lambda-role"}) == {
        "PolicyNames": ["ReadReports"]
    }
    inline = world.call(
        carol, "iam", "GetRolePolicy", {"RoleName": "lambda-role", "PolicyName": "ReadReports"}
    )
    assert inline["RoleName"] == "lambda-role"
    assert inline["PolicyDocument"]["Statement"][1]["Action"] == "s3:GetObject"
    error = fails(
        world, carol, "iam", "GetRolePolicy", {"RoleName": "lambda-role", "PolicyName": "Nope"}
    )
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "The role policy with name Nope cannot be found.",
    )


def test_user_policies_groups_and_keys(world: World, carol: Credentials) -> None:
    assert world.call(carol, "iam", "ListAttachedUserPolicies", {"UserName": "alice"}) == {
        "AttachedPolicies": [
            {
                "PolicyName": "ReportsReadOnly",
                "PolicyArn": "arn:aws:iam::111122223333:policy/ReportsReadOnly",
            }
        ]
    }
    assert world.call(carol, "iam", "ListUserPolicies", {"UserName": "alice"}) == {
        "PolicyNames": ["AssumeReportPublisher"]
    }
    assert world.call(carol, "iam", "ListGroupsForUser", {"UserName": "alice"}) == {"Groups": []}
    assert world.call(carol, "iam", "ListAccessKeys", {"UserName": "alice"}) == {
        "AccessKeyMetadata": [
            {
                "UserName": "alice",
                "AccessKeyId": "AKIAEXAMPLEALICE0001",
                "Status": "Active",
                "CreateDate": "2026-01-05T09:00:00+00:00",
            }
        ]
    }


def test_get_policy_and_version(world: World, carol: Credentials) -> None:
    policy_arn = "arn:aws:iam::111122223333:policy/ReportsReadOnly"
    found = world.call(carol, "iam", "GetPolicy", {"PolicyArn": policy_arn})["Policy"]
    assert found["DefaultVersionId"] == "v1"
    assert found["AttachmentCount"] == 2
    assert found["PolicyId"].startswith("ANPA")
    version = world.call(
        carol, "iam", "GetPolicyVersion", {"PolicyArn": policy_arn, "VersionId": "v1"}
    )["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    assert version["Document"]["Statement"][0]["Sid"] == "ListReports"
    aws_managed = world.call(
        carol, "iam", "GetPolicy", {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    )["Policy"]
    assert aws_managed["Path"] == "/"
    error = fails(
        world, carol, "iam", "GetPolicy", {"PolicyArn": "arn:aws:iam::111122223333:policy/Nope"}
    )
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::111122223333:policy/Nope was not found.",
    )


def test_create_role(admin_world: World, admin: Credentials) -> None:
    response = admin_world.call(
        admin,
        "iam",
        "CreateRole",
        {
            "RoleName": "nightly-export",
            "Path": "/service-role/",
            "AssumeRolePolicyDocument": TRUST_LAMBDA,
            "Description": "Exports at night",
            "Tags": [{"Key": "team", "Value": "platform"}],
        },
    )
    role = response["Role"]
    assert role["Arn"] == "arn:aws:iam::111122223333:role/service-role/nightly-export"
    assert role["RoleId"].startswith("AROA")
    assert role["MaxSessionDuration"] == 3600
    assert role["Tags"] == [{"Key": "team", "Value": "platform"}]
    assert admin_world.events[-1].effect == {
        "role": {
            "arn": "arn:aws:iam::111122223333:role/service-role/nightly-export",
            "created": True,
        }
    }


def test_create_role_that_exists(admin_world: World, admin: Credentials) -> None:
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreateRole",
        {"RoleName": "REPORTPUBLISHER", "AssumeRolePolicyDocument": TRUST_LAMBDA},
    )
    assert (error.code, error.message, error.status) == (
        "EntityAlreadyExists",
        "Role with name REPORTPUBLISHER already exists.",
        409,
    )


def test_create_role_with_an_invalid_principal(admin_world: World, admin: Credentials) -> None:
    trust = policy_json(
        {
            "Effect": "Allow",
            "Principal": {"AWS": arn("user", "mallory")},
            "Action": "sts:AssumeRole",
        }
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreateRole",
        {"RoleName": "r", "AssumeRolePolicyDocument": trust},
    )
    assert (error.code, error.message) == (
        "MalformedPolicyDocument",
        'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/mallory"',
    )
    assert "r" not in admin_world.accounts[ACCOUNT_ID].roles


def test_a_trust_policy_may_name_a_role_of_an_account_the_world_does_not_model(
    admin_world: World, admin: Credentials
) -> None:
    # AWS accepts a principal of another account when it exists; the world cannot see that
    # account, so it takes the principal to exist there. Its own accounts are still checked.
    partner = "arn:aws:iam::999988887777:role/PartnerAuditor"
    trust = policy_json(
        {"Effect": "Allow", "Principal": {"AWS": partner}, "Action": "sts:AssumeRole"}
    )
    admin_world.call(
        admin, "iam", "CreateRole", {"RoleName": "PartnerAccess", "AssumeRolePolicyDocument": trust}
    )
    role = admin_world.accounts[ACCOUNT_ID].roles["partneraccess"]
    assert role.trust_policy["Statement"][0]["Principal"] == {"AWS": partner}
    admin_world.call(
        admin,
        "s3",
        "PutBucketPolicy",
        {
            "Bucket": "example-reports",
            "Policy": policy_json(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999988887777:user/partner-admin"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-reports/*",
                }
            ),
        },
    )
    spec = admin_world.to_spec()
    assert World.from_spec(spec).accounts[ACCOUNT_ID].roles["partneraccess"].trust_policy == (
        role.trust_policy
    )


def test_create_role_validation(admin_world: World, admin: Credentials) -> None:
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreateRole",
        {
            "RoleName": "bad name",
            "AssumeRolePolicyDocument": TRUST_LAMBDA,
            "MaxSessionDuration": 60,
        },
    )
    assert error.message == (
        "2 validation errors detected: Value 'bad name' at 'roleName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; Value '60' "
        "at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater "
        "than or equal to 3600"
    )


def test_create_role_needs_permission(world: World, alice: Credentials) -> None:
    error = fails(
        world,
        alice,
        "iam",
        "CreateRole",
        {"RoleName": "mine", "AssumeRolePolicyDocument": TRUST_LAMBDA},
    )
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateRole "
        "on resource: arn:aws:iam::111122223333:role/mine because no identity-based policy "
        "allows the iam:CreateRole action"
    )


def test_malformed_trust_policy_json(admin_world: World, admin: Credentials) -> None:
    error = fails(
        admin_world,
        admin,
        "iam",
        "UpdateAssumeRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyDocument": "{"},
    )
    assert (error.code, error.message, error.status) == (
        "MalformedPolicyDocument",
        "Syntax errors in policy.",
        400,
    )


def test_trust_policy_size_quota(admin_world: World, admin: Credentials) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": arn("user", "alice")},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": ["e" * 40 + str(i) for i in range(60)]}},
    }
    error = fails(
        admin_world,
        admin,
        "iam",
        "UpdateAssumeRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyDocument": policy_json(statement)},
    )
    assert (error.code, error.message, error.status) == (
        "LimitExceeded",
        "Cannot exceed quota for ACLSizePerRole: 2048",
        409,
    )
    assert admin_world.accounts[ACCOUNT_ID].roles["reportpublisher"].trust_policy["Statement"][0][
        "Principal"
    ] == {"AWS": arn("user", "alice")}


def test_attach_and_detach_role_policy(admin_world: World, admin: Credentials) -> None:
    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    admin_world.call(
        admin, "iam", "AttachRolePolicy", {"RoleName": "ReportPublisher", "PolicyArn": read_only}
    )
    attached = admin_world.call(
        admin, "iam", "ListAttachedRolePolicies", {"RoleName": "ReportPublisher"}
    )
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == [
        "ReportsPublish",
        "ReadOnlyAccess",
    ]
    admin_world.call(
        admin, "iam", "DetachRolePolicy", {"RoleName": "ReportPublisher", "PolicyArn": read_only}
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "DetachRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyArn": read_only},
    )
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.",
    )


def test_attach_a_policy_that_does_not_exist(admin_world: World, admin: Credentials) -> None:
    missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
    error = fails(
        admin_world,
        admin,
        "iam",
        "AttachRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyArn": missing},
    )
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.",
    )


def test_put_and_delete_role_policy(admin_world: World, admin: Credentials) -> None:
    document = policy_json({"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"})
    admin_world.call(
        admin,
        "iam",
        "PutRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyName": "Cleanup", "PolicyDocument": document},
    )
    assert admin_world.call(admin, "iam", "ListRolePolicies", {"RoleName": "ReportPublisher"}) == {
        "PolicyNames": ["Cleanup"]
    }
    admin_world.call(
        admin, "iam", "DeleteRolePolicy", {"RoleName": "ReportPublisher", "PolicyName": "Cleanup"}
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "DeleteRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyName": "Cleanup"},
    )
    assert error.message == "The role policy with name Cleanup cannot be found."


def test_put_role_policy_rejects_a_principal(admin_world: World, admin: Credentials) -> None:
    document = policy_json(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "PutRolePolicy",
        {"RoleName": "ReportPublisher", "PolicyName": "Bad", "PolicyDocument": document},
    )
    assert error.code == "MalformedPolicyDocument"
    assert admin_world.accounts[ACCOUNT_ID].roles["reportpublisher"].inline_policies == []


def test_user_inline_policies_share_2048_characters(admin_world: World, admin: Credentials) -> None:
    big = policy_json(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + "k" * 2000}
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "PutUserPolicy",
        {"UserName": "alice", "PolicyName": "Big", "PolicyDocument": big},
    )
    assert (error.code, error.message, error.status) == (
        "LimitExceeded",
        "Maximum policy size of 2048 bytes exceeded for user alice",
        409,
    )


def test_put_user_policy_and_attach_user_policy(admin_world: World, admin: Credentials) -> None:
    alice = admin_world.credentials_for_user(ACCOUNT_ID, "alice")
    write = {"Bucket": "example-reports", "Key": "w.csv", "Body": "x"}
    assert fails(admin_world, alice, "s3", "PutObject", write).code == "AccessDenied"
    admin_world.call(
        admin,
        "iam",
        "PutUserPolicy",
        {
            "UserName": "alice",
            "PolicyName": "Write",
            "PolicyDocument": policy_json(
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
            ),
        },
    )
    admin_world.call(alice, "s3", "PutObject", write)
    admin_world.call(
        admin,
        "iam",
        "AttachUserPolicy",
        {"UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"},
    )
    assert admin_world.call(alice, "iam", "ListUsers", {})["Users"][0]["UserName"] == "alice"


def test_create_access_key_up_to_two(admin_world: World, admin: Credentials) -> None:
    created = admin_world.call(admin, "iam", "CreateAccessKey", {"UserName": "alice"})["AccessKey"]
    assert created["UserName"] == "alice"
    assert created["AccessKeyId"].startswith("AKIA") and len(created["AccessKeyId"]) == 20
    assert created["Status"] == "Active"
    new_key = Credentials(created["AccessKeyId"], created["SecretAccessKey"])
    assert admin_world.call(new_key, "sts", "GetCallerIdentity", {})["Arn"] == arn("user", "alice")
    error = fails(admin_world, admin, "iam", "CreateAccessKey", {"UserName": "alice"})
    assert (error.code, error.message, error.status) == (
        "LimitExceeded",
        "Cannot exceed quota for AccessKeysPerUser: 2",
        409,
    )


def test_create_policy_version_and_set_default(admin_world: World, admin: Credentials) -> None:
    policy_arn = "arn:aws:iam::111122223333:policy/ReportsReadOnly"
    alice = admin_world.credentials_for_user(ACCOUNT_ID, "alice")
    widened = policy_json({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    response = admin_world.call(
        admin,
        "iam",
        "CreatePolicyVersion",
        {"PolicyArn": policy_arn, "PolicyDocument": widened, "SetAsDefault": True},
    )
    assert response == {
        "PolicyVersion": {
            "VersionId": "v2",
            "IsDefaultVersion": True,
            "CreateDate": "2026-01-05T09:00:00+00:00",
        }
    }
    admin_world.call(
        alice, "s3", "PutObject", {"Bucket": "example-reports", "Key": "a", "Body": ""}
    )
    for _ in range(3):
        admin_world.call(
            admin,
            "iam",
            "CreatePolicyVersion",
            {"PolicyArn": policy_arn, "PolicyDocument": widened},
        )
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreatePolicyVersion",
        {"PolicyArn": policy_arn, "PolicyDocument": widened},
    )
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must "
        "delete an existing version."
    )


def test_aws_managed_policies_cannot_get_versions(admin_world: World, admin: Credentials) -> None:
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreatePolicyVersion",
        {
            "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "PolicyDocument": policy_json({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        },
    )
    assert error.code == "AccessDenied"


def test_escalation_through_create_policy_version(iam_roles_spec: dict) -> None:
    """A user who may edit a policy attached to themselves can grant themselves anything."""
    statements = iam_roles_spec["accounts"][0]["users"][0]["inline_policies"][0]["document"][
        "Statement"
    ]
    statements.append(
        {
            "Effect": "Allow",
            "Action": "iam:CreatePolicyVersion",
            "Resource": "arn:aws:iam::111122223333:policy/ReportsReadOnly",
        }
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert fails(world, alice, "iam", "ListUsers", {}).code == "AccessDenied"
    world.call(
        alice,
        "iam",
        "CreatePolicyVersion",
        {
            "PolicyArn": "arn:aws:iam::111122223333:policy/ReportsReadOnly",
            "PolicyDocument": policy_json({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            "SetAsDefault": True,
        },
    )
    assert [u["UserName"] for u in world.call(alice, "iam", "ListUsers", {})["Users"]] == [
        "alice",
        "carol",
    ]


def test_write_calls_change_nothing_when_denied(world: World, alice: Credentials) -> None:
    before = json.dumps(world.to_spec(), sort_keys=True)
    for operation, params in [
        (
            "AttachRolePolicy",
            {
                "RoleName": "ReportPublisher",
                "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
            },
        ),
        (
            "PutRolePolicy",
            {"RoleName": "ReportPublisher", "PolicyName": "p", "PolicyDocument": TRUST_LAMBDA},
        ),
        ("UpdateAssumeRolePolicy", {"RoleName": "ReportPublisher", "PolicyDocument": TRUST_LAMBDA}),
        ("CreateAccessKey", {"UserName": "carol"}),
    ]:
        assert fails(world, alice, "iam", operation, params).code == "AccessDenied"
    assert json.dumps(world.to_spec(), sort_keys=True) == before


def test_get_detach_and_delete_user_policies(admin_world: World, admin: Credentials) -> None:
    inline = admin_world.call(
        admin, "iam", "GetUserPolicy", {"UserName": "alice", "PolicyName": "AssumeReportPublisher"}
    )
    assert inline["PolicyDocument"]["Statement"][0]["Sid"] == "AssumeReportPublisher"
    admin_world.call(
        admin,
        "iam",
        "DeleteUserPolicy",
        {"UserName": "alice", "PolicyName": "AssumeReportPublisher"},
    )
    error = fails(
        admin_world,
        admin,
        "iam",
        "GetUserPolicy",
        {"UserName": "alice", "PolicyName": "AssumeReportPublisher"},
    )
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "The user policy with name AssumeReportPublisher cannot be found.",
    )
    alice = admin_world.credentials_for_user(ACCOUNT_ID, "alice")
    assume = {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "after"}
    # the trust policy names alice, so she may still assume the role without the permission
    assert admin_world.call(alice, "sts", "AssumeRole", assume)["AssumedRoleUser"]["Arn"].endswith(
        "/after"
    )
    policy_arn = "arn:aws:iam::111122223333:policy/ReportsReadOnly"
    admin_world.call(
        admin, "iam", "DetachUserPolicy", {"UserName": "alice", "PolicyArn": policy_arn}
    )
    assert fails(
        admin_world, alice, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"}
    ).code == ("AccessDenied")


def test_create_and_list_policies(admin_world: World, admin: Credentials) -> None:
    document = policy_json({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"})
    created = admin_world.call(
        admin,
        "iam",
        "CreatePolicy",
        {"PolicyName": "ListAll", "PolicyDocument": document, "Description": "List buckets"},
    )["Policy"]
    assert created["Arn"] == "arn:aws:iam::111122223333:policy/ListAll"
    assert (created["DefaultVersionId"], created["AttachmentCount"]) == ("v1", 0)
    error = fails(
        admin_world,
        admin,
        "iam",
        "CreatePolicy",
        {"PolicyName": "listall", "PolicyDocument": document},
    )
    assert (error.code, error.message) == (
        "EntityAlreadyExists",
        "A policy called listall already exists. Duplicate names are not allowed.",
    )
    local = admin_world.call(admin, "iam", "ListPolicies", {"Scope": "Local"})["Policies"]
    assert [p["PolicyName"] for p in local] == ["ListAll", "ReportsPublish", "ReportsReadOnly"]
    attached = admin_world.call(
        admin, "iam", "ListPolicies", {"Scope": "AWS", "OnlyAttached": True}
    )
    assert [p["PolicyName"] for p in attached["Policies"]] == [
        "AdministratorAccess",
        "AmazonS3FullAccess",
        "AWSLambdaBasicExecutionRole",
        "ReadOnlyAccess",
    ]
    error = fails(admin_world, admin, "iam", "ListPolicies", {"Scope": "Mine"})
    assert error.message == (
        "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: "
        "Member must satisfy enum value set: [All, AWS, Local]"
    )
