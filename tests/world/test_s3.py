"""S3: objects and bucket policies; identity-based and resource-based policies together."""

from __future__ import annotations

import json

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID
from tests.cast import arn, fails, policy_json

REPORTS = "example-reports"


def test_list_objects(world: World, alice: Credentials) -> None:
    response = world.call(alice, "s3", "ListObjectsV2", {"Bucket": REPORTS})
    assert [item["Key"] for item in response["Contents"]] == ["q1.csv", "q2.csv"]
    assert response["Contents"][0]["Size"] == 23
    assert response["Contents"][0]["StorageClass"] == "STANDARD"
    assert (response["Name"], response["KeyCount"], response["IsTruncated"]) == (REPORTS, 2, False)


def test_list_objects_with_prefix_delimiter_and_max_keys(
    world: World, publisher: Credentials
) -> None:
    for key in ("2026/jan.csv", "2026/feb.csv", "2025/dec.csv"):
        world.call(publisher, "s3", "PutObject", {"Bucket": REPORTS, "Key": key, "Body": key})
    folders = world.call(publisher, "s3", "ListObjectsV2", {"Bucket": REPORTS, "Delimiter": "/"})
    assert folders["CommonPrefixes"] == [{"Prefix": "2025/"}, {"Prefix": "2026/"}]
    assert [item["Key"] for item in folders["Contents"]] == ["q1.csv", "q2.csv"]
    prefixed = world.call(publisher, "s3", "ListObjectsV2", {"Bucket": REPORTS, "Prefix": "2026/"})
    assert [item["Key"] for item in prefixed["Contents"]] == ["2026/feb.csv", "2026/jan.csv"]
    first = world.call(publisher, "s3", "ListObjectsV2", {"Bucket": REPORTS, "MaxKeys": 2})
    assert first["IsTruncated"] is True
    rest = world.call(
        publisher,
        "s3",
        "ListObjectsV2",
        {"Bucket": REPORTS, "ContinuationToken": first["NextContinuationToken"]},
    )
    assert [item["Key"] for item in rest["Contents"]] == ["2026/jan.csv", "q1.csv", "q2.csv"]


def test_get_object(world: World, alice: Credentials) -> None:
    response = world.call(alice, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q1.csv"})
    assert response["Body"] == "quarter,revenue\nQ1,100\n"
    assert response["ContentLength"] == 23
    assert response["LastModified"] == "2026-01-05T09:00:00+00:00"


def test_no_such_bucket(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "s3", "GetObject", {"Bucket": "nope-bucket", "Key": "k"})
    assert (error.code, error.message, error.status) == (
        "NoSuchBucket",
        "The specified bucket does not exist",
        404,
    )


def test_missing_key_is_no_such_key_for_those_who_may_list(
    world: World, alice: Credentials
) -> None:
    error = fails(world, alice, "s3", "GetObject", {"Bucket": REPORTS, "Key": "missing.csv"})
    assert (error.code, error.message, error.status) == (
        "NoSuchKey",
        "The specified key does not exist.",
        404,
    )


def test_missing_key_is_access_denied_for_those_who_may_not_list(iam_roles_spec: dict) -> None:
    statements = iam_roles_spec["accounts"][0]["policies"][0]["document"]["Statement"]
    del statements[0]  # alice may no longer s3:ListBucket
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(world, alice, "s3", "GetObject", {"Bucket": REPORTS, "Key": "missing.csv"})
    assert (error.code, error.message, error.status) == ("AccessDenied", "Access Denied", 403)


def test_put_and_delete_object(world: World, publisher: Credentials) -> None:
    world.call(publisher, "s3", "PutObject", {"Bucket": REPORTS, "Key": "q3.csv", "Body": "Q3"})
    assert world.buckets[REPORTS].objects["q3.csv"].body == "Q3"
    assert world.events[-1].effect == {
        "object": {"bucket": REPORTS, "key": "q3.csv", "written": True}
    }
    error = fails(world, publisher, "s3", "DeleteObject", {"Bucket": REPORTS, "Key": "q3.csv"})
    assert error.message == (
        "User: arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing is not "
        'authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::example-reports/q3.csv" '
        "because no identity-based policy allows the s3:DeleteObject action"
    )


def test_delete_object_with_permission(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["users"][1]["managed_policies"].append(
        "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    )
    world = World.from_spec(iam_roles_spec)
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    assert world.call(carol, "s3", "DeleteObject", {"Bucket": REPORTS, "Key": "q1.csv"}) == {}
    assert sorted(world.buckets[REPORTS].objects) == ["q2.csv"]
    assert world.call(carol, "s3", "DeleteObject", {"Bucket": REPORTS, "Key": "q1.csv"}) == {}


def bucket_policy_world(iam_roles_spec: dict, bucket_policy: dict) -> World:
    iam_roles_spec["accounts"][0]["s3_buckets"][0]["policy"] = bucket_policy
    iam_roles_spec["accounts"][0]["users"][1]["managed_policies"] = []
    return World.from_spec(iam_roles_spec)


def test_bucket_policy_alone_can_allow_in_the_same_account(iam_roles_spec: dict) -> None:
    world = bucket_policy_world(
        iam_roles_spec,
        json.loads(
            policy_json(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": arn("user", "carol")},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-reports/*",
                }
            )
        ),
    )
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    assert world.call(carol, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q1.csv"})[
        "Body"
    ].startswith("quarter")
    steps = {step["step"]: step["result"] for step in world.events[-1].explanation["steps"]}
    assert (steps["resource_policy"], steps["identity_policy"]) == ("Allow", "Skipped")


def test_explicit_deny_in_a_bucket_policy_wins(iam_roles_spec: dict) -> None:
    world = bucket_policy_world(
        iam_roles_spec,
        json.loads(
            policy_json(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-reports/q2.csv",
                }
            )
        ),
    )
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(world, alice, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q2.csv"})
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on "
        'resource: "arn:aws:s3:::example-reports/q2.csv" with an explicit deny in a resource-based '
        "policy"
    )
    assert world.events[-1].decision == "ExplicitlyDenied"


def test_anonymous_access_through_a_public_bucket_policy(iam_roles_spec: dict) -> None:
    world = bucket_policy_world(
        iam_roles_spec,
        json.loads(
            policy_json(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-reports/q1.csv",
                }
            )
        ),
    )
    assert (
        world.call(None, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q1.csv"})["ContentLength"]
        == 23
    )
    assert world.events[-1].caller.credential_type == "anonymous"
    error = fails(world, None, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q2.csv"})
    assert (error.code, error.message) == ("AccessDenied", "Access Denied")


def test_get_and_put_bucket_policy(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["users"][1]["managed_policies"].append(
        "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    )
    world = World.from_spec(iam_roles_spec)
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    error = fails(world, carol, "s3", "GetBucketPolicy", {"Bucket": REPORTS})
    assert (error.code, error.message, error.status) == (
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
        404,
    )
    document = policy_json(
        {
            "Sid": "DenyDeletes",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": "arn:aws:s3:::example-reports/*",
        }
    )
    assert world.call(carol, "s3", "PutBucketPolicy", {"Bucket": REPORTS, "Policy": document}) == {}
    stored = world.call(carol, "s3", "GetBucketPolicy", {"Bucket": REPORTS})["Policy"]
    assert json.loads(stored) == json.loads(document)
    error = fails(world, carol, "s3", "DeleteObject", {"Bucket": REPORTS, "Key": "q1.csv"})
    assert error.message.endswith("with an explicit deny in a resource-based policy")


def test_put_bucket_policy_rejects_bad_policies(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["users"][1]["managed_policies"].append(
        "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    )
    world = World.from_spec(iam_roles_spec)
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    error = fails(world, carol, "s3", "PutBucketPolicy", {"Bucket": REPORTS, "Policy": "not json"})
    assert (error.code, error.message) == (
        "MalformedPolicy",
        "Policies must be valid JSON and the first byte must be '{'",
    )
    other_bucket = policy_json(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::other/*",
        }
    )
    error = fails(
        world, carol, "s3", "PutBucketPolicy", {"Bucket": REPORTS, "Policy": other_bucket}
    )
    assert (error.code, error.message) == ("MalformedPolicy", "Policy has invalid resource")
    ghost = policy_json(
        {
            "Effect": "Allow",
            "Principal": {"AWS": arn("user", "ghost")},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::example-reports/*",
        }
    )
    error = fails(world, carol, "s3", "PutBucketPolicy", {"Bucket": REPORTS, "Policy": ghost})
    assert (error.code, error.message) == ("MalformedPolicy", "Invalid principal in policy")
    assert world.buckets[REPORTS].policy is None


def test_list_buckets_shows_the_callers_account_only(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"].append(
        {"id": "444455556666", "s3_buckets": [{"name": "other-reports"}]}
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    assert world.call(alice, "s3", "ListBuckets", {})["Buckets"] == [
        {"Name": "example-reports", "CreationDate": "2026-01-05T09:00:00+00:00"}
    ]


def test_cross_account_needs_both_sides(iam_roles_spec: dict) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::partner-data/*",
    }
    iam_roles_spec["accounts"].append(
        {
            "id": "444455556666",
            "s3_buckets": [
                {
                    "name": "partner-data",
                    "policy": json.loads(policy_json(statement)),
                    "objects": [{"key": "shared.csv", "body": "a,b"}],
                }
            ],
        }
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    # carol's ReadOnlyAccess allows s3:Get* on "*"; alice's policy names only example-reports.
    assert (
        world.call(carol, "s3", "GetObject", {"Bucket": "partner-data", "Key": "shared.csv"})[
            "Body"
        ]
        == "a,b"
    )
    error = fails(world, alice, "s3", "GetObject", {"Bucket": "partner-data", "Key": "shared.csv"})
    # A cross-account request outside the bucket owner's organization: S3's generic message.
    assert (error.code, error.message, error.status) == ("AccessDenied", "Access Denied", 403)
    assert world.events[-1].explanation["denied_by"]["policy_type"] == "identity-based policy"


# Amazon S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors in Amazon S3"
# (AmazonS3/latest/userguide/troubleshoot-403-errors.html), "Access denied message examples
# and how to troubleshoot them": S3 includes the additional context only for requests made
# from the same AWS account or the same AWS Organization; the form is
#   User: user-arn is not authorized to perform: action on "resource-arn" because context
# and its examples quote the resource ARN after "on resource:".
PARTNER = "444455556666"


def _two_account_world(spec: dict, organization: bool) -> World:
    spec["accounts"].append(
        {
            "id": PARTNER,
            "users": [
                {
                    "name": "auditor",
                    "managed_policies": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                    "access_keys": [{}],
                }
            ],
        }
    )
    if organization:
        for account in spec["accounts"]:
            account["organization"] = {"id": "o-a1b2c3d4e5", "levels": [{"id": "r-a1b2"}]}
    return World.from_spec(spec)


def test_cross_account_denial_outside_the_organization_is_generic(iam_roles_spec: dict) -> None:
    world = _two_account_world(iam_roles_spec, organization=False)
    auditor = world.credentials_for_user(PARTNER, "auditor")
    error = fails(world, auditor, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q1.csv"})
    assert (error.code, error.message) == ("AccessDenied", "Access Denied")
    event = world.events[-1]
    assert event.error == {"code": "AccessDenied", "message": "Access Denied"}
    assert event.decision == "ImplicitlyDenied"
    assert event.explanation["request"]["same_account"] is False
    assert event.explanation["denied_by"]["policy_type"] == "resource-based policy"


def test_cross_account_denial_inside_the_organization_is_enhanced(iam_roles_spec: dict) -> None:
    world = _two_account_world(iam_roles_spec, organization=True)
    auditor = world.credentials_for_user(PARTNER, "auditor")
    error = fails(world, auditor, "s3", "GetObject", {"Bucket": REPORTS, "Key": "q1.csv"})
    assert error.message == (
        f"User: arn:aws:iam::{PARTNER}:user/auditor is not authorized to perform: s3:GetObject "
        'on resource: "arn:aws:s3:::example-reports/q1.csv" because no resource-based policy '
        "allows the s3:GetObject action"
    )


def test_same_account_denial_quotes_the_resource_arn(world: World) -> None:
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    error = fails(world, alice, "s3", "GetBucketPolicy", {"Bucket": REPORTS})
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        's3:GetBucketPolicy on resource: "arn:aws:s3:::example-reports" because no '
        "identity-based policy allows the s3:GetBucketPolicy action"
    )


def test_object_body_size_limit(iam_roles_spec: dict, publisher: Credentials, world: World) -> None:
    error = fails(
        world,
        publisher,
        "s3",
        "PutObject",
        {"Bucket": REPORTS, "Key": "big", "Body": "x" * (1024 * 1024 + 1)},
    )
    assert (error.code, error.message) == (
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
    )


def test_paging_through_common_prefixes_lists_each_once(
    world: World, publisher: Credentials
) -> None:
    for key in ("a/1.csv", "a/2.csv", "b/1.csv"):
        world.call(publisher, "s3", "PutObject", {"Bucket": REPORTS, "Key": key, "Body": key})
    seen: list[str] = []
    params: dict = {"Bucket": REPORTS, "Delimiter": "/", "MaxKeys": 1}
    for _ in range(10):
        page = world.call(publisher, "s3", "ListObjectsV2", params)
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        seen += [item["Key"] for item in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        params = {**params, "ContinuationToken": page["NextContinuationToken"]}
    assert seen == ["a/", "b/", "q1.csv", "q2.csv"]
