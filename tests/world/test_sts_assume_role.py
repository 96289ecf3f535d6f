"""STS AssumeRole: validation, trust, permissions, duration, MFA, session policies, tags."""

from __future__ import annotations

import hashlib
import json

import pytest

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID
from tests.cast import arn, fails, policy_json

PUBLISHER = arn("role", "ReportPublisher")


def assume(world: World, credentials: Credentials, **params: object) -> dict:
    return world.call(
        credentials,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing", **params},
    )


def test_response_has_exactly_aws_fields(world: World, alice: Credentials) -> None:
    response = assume(world, alice)
    assert set(response) == {"Credentials", "AssumedRoleUser"}
    credentials = response["Credentials"]
    assert set(credentials) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["Expiration"] == "2026-01-05T10:00:00+00:00"
    role_id = world.accounts[ACCOUNT_ID].roles["reportpublisher"].role_id
    assert response["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:alice-publishing",
        "Arn": "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing",
    }


def test_same_world_same_calls_same_credentials(iam_roles_spec: dict) -> None:
    def run() -> dict:
        world = World.from_spec(iam_roles_spec)
        return assume(world, world.credentials_for_user(ACCOUNT_ID, "alice"))

    assert run() == run()


def test_each_assume_role_gets_new_keys(world: World, alice: Credentials) -> None:
    first = assume(world, alice)["Credentials"]
    second = assume(world, alice)["Credentials"]
    assert first["AccessKeyId"] != second["AccessKeyId"]
    assert first["SessionToken"] != second["SessionToken"]


def test_user_not_in_trust_policy_gets_the_documented_reason(
    world: World, carol: Credentials
) -> None:
    # IAM User Guide, "Troubleshoot access denied error messages" (current page), "Access
    # denied due to role trust policies - implicit denial":
    #   User: arn:aws:iam::123456789012:user/John is not authorized to perform:
    #   sts:AssumeRole because no role trust policy allows the sts:AssumeRole action
    # The page's general format, "User user is not authorized to perform action on resource
    # because context", keeps the role's ARN, as STS's messages always have.
    error = fails(
        world,
        carol,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "carol"},
    )
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/carol is not authorized to perform: "
        "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/ReportPublisher because no "
        "role trust policy allows the sts:AssumeRole action"
    )
    event = world.events[-1]
    assert (event.action, event.resource, event.decision) == (
        "sts:AssumeRole",
        PUBLISHER,
        "ImplicitlyDenied",
    )
    assert event.explanation["denied_by"]["policy_type"] == "role trust policy"


def test_service_roles_cannot_be_assumed_by_users(world: World, alice: Credentials) -> None:
    role_arn = arn("role", "service-role/lambda-admin-role")
    error = fails(world, alice, "sts", "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "x1"})
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn} because no role trust policy allows the "
        "sts:AssumeRole action"
    )


def test_a_role_that_does_not_exist_is_access_denied(world: World, alice: Credentials) -> None:
    error = fails(
        world, alice, "sts", "AssumeRole", {"RoleArn": arn("role", "Nope"), "RoleSessionName": "s1"}
    )
    assert error.code == "AccessDenied"
    assert error.message.endswith("on resource: arn:aws:iam::111122223333:role/Nope")


def test_root_may_not_assume_roles(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["root_access_keys"] = [
        {"id": "AKIAROOTEXAMPLE00001", "secret": "r" * 40}
    ]
    world = World.from_spec(iam_roles_spec)
    root = Credentials("AKIAROOTEXAMPLE00001", "r" * 40)
    assert world.call(root, "sts", "GetCallerIdentity", {}) == {
        "UserId": "111122223333",
        "Account": "111122223333",
        "Arn": "arn:aws:iam::111122223333:root",
    }
    error = fails(
        world, root, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": "root"}
    )
    assert (error.code, error.message) == (
        "AccessDenied",
        "Roles may not be assumed by root accounts.",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"RoleSessionName": "a b"},
            "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*",
        ),
        (
            {"RoleSessionName": "x" * 65},
            f"1 validation error detected: Value '{'x' * 65}' at 'roleSessionName' failed to "
            "satisfy constraint: Member must have length less than or equal to 64",
        ),
        (
            {"DurationSeconds": 600},
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900",
        ),
        (
            {"DurationSeconds": 50000},
            "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 43200",
        ),
        (
            {"ExternalId": "has space"},
            "1 validation error detected: Value 'has space' at 'externalId' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*",
        ),
        (
            {"TokenCode": "12ab56", "SerialNumber": "arn:aws:iam::111122223333:mfa/alice"},
            "1 validation error detected: Value '12ab56' at 'tokenCode' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\d]*",
        ),
        (
            {"RoleSessionName": "a", "DurationSeconds": 100},
            "2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 2; Value '100' at "
            "'durationSeconds' failed to satisfy constraint: Member must have value greater "
            "than or equal to 900",
        ),
    ],
)
def test_parameter_validation(world: World, alice: Credentials, params: dict, message: str) -> None:
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing", **params},
    )
    assert (error.code, error.message, error.status) == ("ValidationError", message, 400)
    assert world.sessions == {}


def test_missing_role_session_name(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "sts", "AssumeRole", {"RoleArn": PUBLISHER})
    assert error.message == (
        "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_duration_above_the_roles_maximum(world: World, alice: Credentials) -> None:
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "long", "DurationSeconds": 7200},
    )
    assert (error.code, error.message) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )


def test_duration_within_limits_sets_expiration(world: World, alice: Credentials) -> None:
    response = assume(world, alice, DurationSeconds=900)
    assert response["Credentials"]["Expiration"] == "2026-01-05T09:15:00+00:00"


def chaining_world(iam_roles_spec: dict) -> World:
    """Let a ReportPublisher session assume CorpReportReaders (maximum two hours)."""
    account = iam_roles_spec["accounts"][0]
    readers = next(r for r in account["roles"] if r["name"] == "CorpReportReaders")
    readers["trust_policy"]["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": arn("role", "ReportPublisher")},
            "Action": "sts:AssumeRole",
        }
    )
    publisher = next(r for r in account["roles"] if r["name"] == "ReportPublisher")
    publisher["inline_policies"] = [
        {
            "name": "ChainToReaders",
            "document": json.loads(
                policy_json(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": arn("role", "CorpReportReaders"),
                    }
                )
            ),
        }
    ]
    return World.from_spec(iam_roles_spec)


def test_role_chaining_is_limited_to_one_hour(iam_roles_spec: dict) -> None:
    world = chaining_world(iam_roles_spec)
    session = Credentials.from_response(
        assume(world, world.credentials_for_user(ACCOUNT_ID, "alice"))
    )
    readers = {"RoleArn": arn("role", "CorpReportReaders"), "RoleSessionName": "chained"}
    error = fails(world, session, "sts", "AssumeRole", {**readers, "DurationSeconds": 7200})
    assert (error.code, error.message) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
    )
    chained = world.call(session, "sts", "AssumeRole", readers)
    assert chained["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/CorpReportReaders/chained"
    )
    assert chained["Credentials"]["Expiration"] == "2026-01-05T10:00:00+00:00"


def test_source_identity_persists_across_chaining(iam_roles_spec: dict) -> None:
    account = iam_roles_spec["accounts"][0]
    for role in account["roles"]:
        if role["name"] in ("ReportPublisher", "CorpReportReaders"):
            role["trust_policy"]["Statement"].append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [arn("user", "alice"), arn("role", "ReportPublisher")]},
                    "Action": "sts:SetSourceIdentity",
                }
            )
    alice_policy = account["users"][0]["inline_policies"][0]["document"]["Statement"][0]
    alice_policy["Action"] = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    world = chaining_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    first = assume(world, alice, SourceIdentity="alice")
    assert first["SourceIdentity"] == "alice"
    session = Credentials.from_response(first)
    # The chained session needs sts:SetSourceIdentity in its own identity policy too.
    world.accounts[ACCOUNT_ID].roles["reportpublisher"].inline_policies[0].document["Statement"][0][
        "Action"
    ] = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    chained = world.call(
        session,
        "sts",
        "AssumeRole",
        {"RoleArn": arn("role", "CorpReportReaders"), "RoleSessionName": "chained"},
    )
    assert chained["SourceIdentity"] == "alice"
    readers = Credentials.from_response(chained)
    world.call(readers, "sts", "GetCallerIdentity", {})
    assert world.events[-1].caller.source_identity == "alice"


def test_source_identity_needs_set_source_identity_permission(
    world: World, alice: Credentials
) -> None:
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "SourceIdentity": "alice"},
    )
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        "sts:SetSourceIdentity on resource: arn:aws:iam::111122223333:role/ReportPublisher "
        "because no role trust policy allows the sts:SetSourceIdentity action"
    )


def mfa_world(iam_roles_spec: dict) -> World:
    """Require MFA in ReportPublisher's trust policy."""
    statement = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return World.from_spec(iam_roles_spec)


SERIAL = "arn:aws:iam::111122223333:mfa/alice"


def test_mfa_required_by_trust_policy(iam_roles_spec: dict) -> None:
    world = mfa_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert fails(
        world, alice, "sts", "AssumeRole", {"RoleArn": PUBLISHER, "RoleSessionName": "s1"}
    ).code == ("AccessDenied")
    response = assume(world, alice, SerialNumber=SERIAL, TokenCode=world.mfa_code(SERIAL))
    assert response["AssumedRoleUser"]["Arn"].endswith("/ReportPublisher/alice-publishing")


def test_wrong_mfa_code(iam_roles_spec: dict) -> None:
    world = mfa_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    code = world.mfa_code(SERIAL)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "SerialNumber": SERIAL, "TokenCode": wrong},
    )
    assert (error.code, error.message) == (
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    )


def test_mfa_code_changes_every_30_seconds_and_the_previous_one_still_works(
    iam_roles_spec: dict,
) -> None:
    world = mfa_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    code = world.mfa_code(SERIAL)
    world.advance(30)
    assert world.mfa_code(SERIAL) != code
    assume(world, alice, SerialNumber=SERIAL, TokenCode=code)
    world.advance(30)
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "SerialNumber": SERIAL, "TokenCode": code},
    )
    assert error.code == "AccessDenied"


def test_mfa_device_of_someone_else(world: World, carol: Credentials) -> None:
    error = fails(
        world,
        carol,
        "sts",
        "AssumeRole",
        {
            "RoleArn": PUBLISHER,
            "RoleSessionName": "s1",
            "SerialNumber": SERIAL,
            "TokenCode": world.mfa_code(SERIAL),
        },
    )
    assert error.message == (
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA "
        "serial number is valid and associated with this user."
    )


def test_external_id_condition(iam_roles_spec: dict) -> None:
    statement = iam_roles_spec["accounts"][0]["roles"][0]["trust_policy"]["Statement"][0]
    statement["Condition"] = {"StringEquals": {"sts:ExternalId": "Unique-1234"}}
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert (
        fails(
            world,
            alice,
            "sts",
            "AssumeRole",
            {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "ExternalId": "wrong-id"},
        ).code
        == "AccessDenied"
    )
    assert "Credentials" in assume(world, alice, ExternalId="Unique-1234")
    trust = world.events[-1].explanation["policies"][0]
    assert trust["path"] == "resource_policy"
    assert trust["statements"][0]["conditions"][0]["request_values"] == ["Unique-1234"]


def test_session_policy_narrows_the_role(world: World, alice: Credentials) -> None:
    only_read = policy_json({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    response = assume(world, alice, Policy=only_read)
    assert response["PackedPolicySize"] == 15
    session = Credentials.from_response(response)
    assert (
        world.call(session, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})[
            "Body"
        ]
        == "quarter,revenue\nQ1,100\n"
    )
    error = fails(
        world,
        session,
        "s3",
        "PutObject",
        {"Bucket": "example-reports", "Key": "n.csv", "Body": "x"},
    )
    assert error.message == (
        "User: arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing is not "
        'authorized to perform: s3:PutObject on resource: "arn:aws:s3:::example-reports/n.csv" '
        "because no session policy allows the s3:PutObject action"
    )


def test_session_policy_cannot_add_permissions(world: World, alice: Credentials) -> None:
    everything = policy_json({"Effect": "Allow", "Action": "*", "Resource": "*"})
    session = Credentials.from_response(assume(world, alice, Policy=everything))
    error = fails(
        world, session, "s3", "DeleteObject", {"Bucket": "example-reports", "Key": "q1.csv"}
    )
    assert error.message.endswith(
        "because no identity-based policy allows the s3:DeleteObject action"
    )


def test_malformed_session_policy(world: World, alice: Credentials) -> None:
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "Policy": "{not json"},
    )
    assert (error.code, error.message) == ("MalformedPolicyDocument", "Syntax errors in policy.")
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}],
        }
    )
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "Policy": bad},
    )
    assert error.code == "MalformedPolicyDocument"
    assert "Permit" in error.message


def test_packed_policy_too_large(world: World, alice: Credentials) -> None:
    # 50 tags of random-looking text do not compress: they take six times the space.
    tags = [
        {
            "Key": hashlib.sha256(str(index).encode()).hexdigest()[:60],
            "Value": hashlib.sha256(str(-index).encode()).hexdigest() * 3,
        }
        for index in range(50)
    ]
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "Tags": tags},
    )
    assert (error.code, error.message) == (
        "PackedPolicyTooLarge",
        "Packed policy consumes 600% of allotted space, please use smaller policy.",
    )
    assert world.sessions == {}


def test_managed_session_policies(world: World, alice: Credentials) -> None:
    response = assume(
        world, alice, PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}]
    )
    session = Credentials.from_response(response)
    assert fails(
        world, session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "k", "Body": ""}
    ).message.endswith("because no session policy allows the s3:PutObject action")


def test_at_most_ten_policy_arns(world: World, alice: Credentials) -> None:
    arns = [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}] * 11
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "PolicyArns": arns},
    )
    assert error.message == (
        "1 validation error detected: Value '11 items' at 'policyArns' failed to satisfy "
        "constraint: Member must have length less than or equal to 10"
    )


def test_session_tags_need_tag_session(world: World, alice: Credentials) -> None:
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {
            "RoleArn": PUBLISHER,
            "RoleSessionName": "s1",
            "Tags": [{"Key": "project", "Value": "q1"}],
        },
    )
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        "sts:TagSession on resource: arn:aws:iam::111122223333:role/ReportPublisher because "
        "no role trust policy allows the sts:TagSession action"
    )


def tagging_world(iam_roles_spec: dict) -> World:
    account = iam_roles_spec["accounts"][0]
    account["roles"][0]["trust_policy"]["Statement"][0]["Action"] = [
        "sts:AssumeRole",
        "sts:TagSession",
    ]
    account["users"][0]["inline_policies"][0]["document"]["Statement"][0]["Action"] = [
        "sts:AssumeRole",
        "sts:TagSession",
    ]
    return World.from_spec(iam_roles_spec)


def test_session_tags_become_principal_tags(iam_roles_spec: dict) -> None:
    world = tagging_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    response = assume(
        world, alice, Tags=[{"Key": "project", "Value": "q1"}], TransitiveTagKeys=["project"]
    )
    assert response["PackedPolicySize"] >= 1
    session = Credentials.from_response(response)
    result = world.simulate(
        "arn:aws:iam::111122223333:role/ReportPublisher",
        "s3:GetObject",
        "arn:aws:s3:::example-reports/q1.csv",
    )
    assert result["decision"] == "Allowed"
    world.call(session, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})
    context = world.events[-1].explanation["request"]
    assert (
        context["principal"]
        == "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )
    stored = world.sessions[session.access_key_id]
    assert stored.session_tags == {"project": "q1"}
    assert stored.transitive_tag_keys == ["project"]


def test_duplicate_tag_keys_are_rejected(iam_roles_spec: dict) -> None:
    world = tagging_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {
            "RoleArn": PUBLISHER,
            "RoleSessionName": "s1",
            "Tags": [{"Key": "Project", "Value": "a"}, {"Key": "project", "Value": "b"}],
        },
    )
    assert (error.code, error.message) == (
        "InvalidParameterValue",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    )


def test_transitive_keys_must_be_among_the_tags(iam_roles_spec: dict) -> None:
    world = tagging_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "s1", "TransitiveTagKeys": ["team"]},
    )
    assert (error.code, error.message) == (
        "InvalidParameterValue",
        "The transitive tag key team must be one of the session tags passed in Tags.",
    )


def test_acts_with_role_permissions_not_users(
    world: World, alice: Credentials, publisher: Credentials
) -> None:
    # alice may read but not write; the role may write but not list the account's buckets
    write = {"Bucket": "example-reports", "Key": "q3.csv", "Body": "quarter,revenue\nQ3,90\n"}
    assert fails(world, alice, "s3", "PutObject", write).code == "AccessDenied"
    etag = hashlib.md5(write["Body"].encode(), usedforsecurity=False).hexdigest()
    assert world.call(publisher, "s3", "PutObject", write) == {"ETag": f'"{etag}"'}
    assert world.buckets["example-reports"].objects["q3.csv"].body == "quarter,revenue\nQ3,90\n"
    assert world.call(alice, "s3", "ListBuckets", {})["Buckets"][0]["Name"] == "example-reports"
    error = fails(world, publisher, "s3", "ListBuckets", {})
    assert error.message == (
        "User: arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing is not "
        "authorized to perform: s3:ListAllMyBuckets on resource: * because no identity-based "
        "policy allows the s3:ListAllMyBuckets action"
    )


def test_mfa_session_token_satisfies_an_mfa_trust_policy(iam_roles_spec: dict) -> None:
    world = mfa_world(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    token = Credentials.from_response(
        world.call(
            alice,
            "sts",
            "GetSessionToken",
            {"SerialNumber": SERIAL, "TokenCode": world.mfa_code(SERIAL)},
        )
    )
    world.advance(600)
    response = assume(world, token)
    # Not role chaining: the session lasts the role's default hour.
    assert response["Credentials"]["Expiration"] == "2026-01-05T10:10:00+00:00"
    trust = world.events[-1].explanation["policies"][0]["statements"][0]["conditions"][0]
    assert (trust["key"], trust["request_values"], trust["matched"]) == (
        "aws:MultiFactorAuthPresent",
        ["true"],
        True,
    )


# IAM User Guide, "Troubleshoot access denied error messages" (the current page), gives one
# documented wording per cause, which STS's AssumeRole denials now carry after the role:
#   ... sts:AssumeRole because no role trust policy allows the sts:AssumeRole action
#   ... sts:AssumeRole with an explicit deny in the role trust policy
#   ... codecommit:ListRepositories because no identity-based policy allows the ... action
#   ... with an explicit deny in an identity-based policy
#   ... because no service control policy allows the ... action
#   ... with an explicit deny in a service control policy
ALICE = "arn:aws:iam::111122223333:user/alice"


def _documented(role_arn: str, reason: str) -> str:
    return (
        f"User: {ALICE} is not authorized to perform: sts:AssumeRole on resource: {role_arn} "
        f"{reason}"
    )


def _reason_world(iam_roles_spec: dict, scp: dict | None = None) -> World:
    account = iam_roles_spec["accounts"][0]
    account["roles"].extend(
        [
            {
                "name": "TrustsTheAccount",
                "trust_policy": json.loads(
                    policy_json(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": ACCOUNT_ID},
                            "Action": "sts:AssumeRole",
                        }
                    )
                ),
            },
            {
                "name": "RefusesAlice",
                "trust_policy": json.loads(
                    policy_json(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": ALICE},
                            "Action": "sts:AssumeRole",
                        },
                        {"Effect": "Deny", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"},
                    )
                ),
            },
        ]
    )
    if scp is not None:
        account["organization"] = {
            "id": "o-a1b2c3d4e5",
            "levels": [{"id": "r-a1b2", "scps": [{"name": "Guardrail", "document": scp}]}],
        }
    return World.from_spec(iam_roles_spec)


def _assume_fails(world: World, role_arn: str) -> str:
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(world, alice, "sts", "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "s1"})
    assert (error.code, error.status) == ("AccessDenied", 403)
    return error.message


def test_assume_role_denials_carry_the_documented_reason_for_each_cause(
    iam_roles_spec: dict,
) -> None:
    world = _reason_world(iam_roles_spec)
    # The trust policy trusts the account, and alice's own policies do not allow the role.
    trusted_account = arn("role", "TrustsTheAccount")
    assert _assume_fails(world, trusted_account) == _documented(
        trusted_account, "because no identity-based policy allows the sts:AssumeRole action"
    )
    refuses = arn("role", "RefusesAlice")
    assert _assume_fails(world, refuses) == _documented(
        refuses, "with an explicit deny in the role trust policy"
    )


def test_assume_role_denied_by_an_scp(iam_roles_spec: dict) -> None:
    only_s3 = json.loads(policy_json({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    world = _reason_world(json.loads(json.dumps(iam_roles_spec)), scp=only_s3)
    assert _assume_fails(world, PUBLISHER) == _documented(
        PUBLISHER, "because no service control policy allows the sts:AssumeRole action"
    )
    no_sts = json.loads(
        policy_json(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:*", "Resource": "*"},
        )
    )
    world = _reason_world(iam_roles_spec, scp=no_sts)
    assert _assume_fails(world, PUBLISHER) == _documented(
        PUBLISHER, "with an explicit deny in a service control policy"
    )


def test_a_role_that_does_not_exist_has_no_policy_to_name(world: World, alice: Credentials) -> None:
    # Nothing was evaluated, so there is no reason clause: STS's long-standing form.
    missing = arn("role", "Nope")
    error = fails(world, alice, "sts", "AssumeRole", {"RoleArn": missing, "RoleSessionName": "s1"})
    assert error.message == (
        f"User: {ALICE} is not authorized to perform: sts:AssumeRole on resource: {missing}"
    )
