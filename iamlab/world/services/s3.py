"""S3: buckets and objects, guarded by identity-based policies and bucket policies."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from iamlab.engine import PolicyType, validate_policy
from iamlab.world.authz import denial_reason
from iamlab.world.clock import iso
from iamlab.world.errors import AwsError
from iamlab.world.events import Check
from iamlab.world.model import Bucket, S3Object
from iamlab.world.operations import operation
from iamlab.world.params import ParamChecker
from iamlab.world.principals import invalid_principals
from iamlab.world.world import Request

MAX_BODY_BYTES = 1024 * 1024
MAX_OBJECTS_PER_BUCKET = 10_000
BUCKET_POLICY_LIMIT = 20 * 1024


def _bucket(request: Request, name: str) -> Bucket:
    bucket = request.world.buckets.get(name)
    if bucket is None:
        raise AwsError("NoSuchBucket", "The specified bucket does not exist", 404)
    return bucket


def _authorize(
    request: Request,
    action: str,
    resource: str,
    bucket: Bucket,
    context: dict[str, Any] | None = None,
) -> Check:
    return request.authorize(
        action,
        resource,
        resource_account=bucket.account_id,
        resource_policy=bucket.policy,
        extra_context=context,
    )


def _same_account_or_organization(request: Request, bucket: Bucket) -> bool:
    """Say whether the caller is in the bucket owner's account or AWS Organization."""
    caller_account = request.caller.account_id
    if caller_account is None:
        return False
    if caller_account == bucket.account_id:
        return True
    accounts = request.world.accounts
    mine, theirs = accounts.get(caller_account), accounts.get(bucket.account_id)
    return (
        mine is not None
        and theirs is not None
        and mine.organization is not None
        and theirs.organization is not None
        and mine.organization.org_id == theirs.organization.org_id
    )


def _require(request: Request, check: Check, bucket: Bucket) -> None:
    """Raise S3's AccessDenied unless the check allowed, worded as S3 words it.

    Amazon S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors in Amazon S3",
    section "Access denied message examples and how to troubleshoot them": the enhanced
    message, `User: user-arn is not authorized to perform: action on "resource-arn" because
    context` (its examples read `... on resource: "arn:aws:s3:::..."`), is returned only for
    requests from the bucket owner's account or AWS Organization; anonymous callers and
    cross-account callers outside the organization get a generic `Access Denied`. The event
    keeps the engine's explanation either way, so a page can still say why.
    """
    if check.decision == "Allowed":
        return
    caller = request.caller
    if caller.kind == "anonymous" or not _same_account_or_organization(request, bucket):
        raise AwsError("AccessDenied", "Access Denied", 403)
    raise AwsError(
        "AccessDenied",
        f"User: {caller.arn} is not authorized to perform: {check.action} on resource: "
        f'"{check.resource}" {denial_reason(check)}',
        403,
    )


def _object_bucket(request: Request, action: str, name: str, key: str) -> Bucket:
    """Return the bucket an object call names, once the action on the object is allowed."""
    bucket = _bucket(request, name)
    _require(request, _authorize(request, action, f"{bucket.arn}/{key}", bucket), bucket)
    return bucket


def _object_target(request: Request, action: str) -> tuple[Bucket, str]:
    """Read the Bucket and Key parameters and return them once the action is allowed."""
    checker = ParamChecker(request.params)
    name = _read_bucket(checker)
    key = _read_key(checker)
    checker.raise_if_any()
    assert name is not None and key is not None
    return _object_bucket(request, action, name, key), key


def _etag(body: str) -> str:
    return '"' + hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest() + '"'


def _read_bucket(checker: ParamChecker) -> str | None:
    return checker.string("Bucket", required=True, min_length=1, max_length=255)


def _read_key(checker: ParamChecker) -> str | None:
    return checker.string("Key", required=True, min_length=1, max_length=1024)


@operation("s3", "ListBuckets", ())
def list_buckets(request: Request) -> dict[str, Any]:
    """List the buckets the caller's account owns."""
    caller = request.caller
    if caller.kind == "anonymous":
        raise AwsError("AccessDenied", "Access Denied", 403)
    check = request.authorize("s3:ListAllMyBuckets", "*", resource_account=caller.account_id)
    request.require(check)
    owned = sorted(
        (b for b in request.world.buckets.values() if b.account_id == caller.account_id),
        key=lambda bucket: bucket.name,
    )
    return {
        "Buckets": [{"Name": b.name, "CreationDate": iso(b.created)} for b in owned],
        "Owner": {"ID": hashlib.sha256(f"canonical-{caller.account_id}".encode()).hexdigest()},
    }


@operation(
    "s3",
    "ListObjectsV2",
    ("Bucket", "Prefix", "Delimiter", "MaxKeys", "StartAfter", "ContinuationToken"),
)
def list_objects_v2(request: Request) -> dict[str, Any]:
    """List a bucket's objects (s3:ListBucket on the bucket)."""
    checker = ParamChecker(request.params)
    name = _read_bucket(checker)
    prefix = checker.string("Prefix", max_length=1024) or ""
    delimiter = checker.string("Delimiter", max_length=16) or ""
    max_keys = checker.integer("MaxKeys", minimum=0, maximum=1000)
    start_after = checker.string("StartAfter", max_length=1024) or ""
    token = checker.string("ContinuationToken", max_length=1024)
    checker.raise_if_any()
    assert name is not None
    max_keys = 1000 if max_keys is None else max_keys
    bucket = _bucket(request, name)
    context: dict[str, Any] = {"s3:prefix": prefix, "s3:max-keys": str(max_keys)}
    if delimiter:
        context["s3:delimiter"] = delimiter
    _require(request, _authorize(request, "s3:ListBucket", bucket.arn, bucket, context), bucket)
    after = max(start_after, token or "")
    contents: list[dict[str, Any]] = []
    common: list[str] = []
    truncated = False
    next_token = None
    # A token that is a common prefix means "everything under it was rolled up already".
    rolled_up = token if token and delimiter and token.endswith(delimiter) else None
    for key in sorted(bucket.objects):
        if not key.startswith(prefix) or key <= after:
            continue
        if rolled_up is not None and key.startswith(rolled_up):
            continue
        if delimiter:
            rest = key[len(prefix) :]
            cut = rest.find(delimiter)
            if cut >= 0:
                folder = prefix + rest[: cut + len(delimiter)]
                if folder not in common:
                    if len(contents) + len(common) >= max_keys:
                        truncated, next_token = True, key
                        break
                    common.append(folder)
                continue
        if len(contents) + len(common) >= max_keys:
            truncated, next_token = True, key
            break
        item = bucket.objects[key]
        contents.append(
            {
                "Key": key,
                "LastModified": iso(item.last_modified),
                "ETag": _etag(item.body),
                "Size": len(item.body.encode("utf-8")),
                "StorageClass": "STANDARD",
            }
        )
    response: dict[str, Any] = {"IsTruncated": truncated}
    if contents:
        response["Contents"] = contents
    response.update({"Name": bucket.name, "Prefix": prefix})
    if delimiter:
        response["Delimiter"] = delimiter
    response["MaxKeys"] = max_keys
    if common:
        response["CommonPrefixes"] = [{"Prefix": p} for p in common]
    response["KeyCount"] = len(contents) + len(common)
    if next_token is not None:
        # The lab's continuation token is the last key returned: simple and deterministic.
        response["NextContinuationToken"] = contents[-1]["Key"] if contents else common[-1]
    if start_after:
        response["StartAfter"] = start_after
    return response


@operation("s3", "GetObject", ("Bucket", "Key"))
def get_object(request: Request) -> dict[str, Any]:
    """Read an object (s3:GetObject on the object)."""
    bucket, key = _object_target(request, "s3:GetObject")
    item = bucket.objects.get(key)
    if item is None:
        # S3 reveals that a key is missing only to callers who may list the bucket.
        listing = _authorize(request, "s3:ListBucket", bucket.arn, bucket, {"s3:prefix": key})
        if listing.decision != "Allowed":
            raise AwsError("AccessDenied", "Access Denied", 403)
        raise AwsError("NoSuchKey", "The specified key does not exist.", 404)
    return {
        "AcceptRanges": "bytes",
        "LastModified": iso(item.last_modified),
        "ContentLength": len(item.body.encode("utf-8")),
        "ETag": _etag(item.body),
        "ContentType": "binary/octet-stream",
        "Metadata": {},
        "Body": item.body,
    }


@operation("s3", "PutObject", ("Bucket", "Key", "Body"))
def put_object(request: Request) -> dict[str, Any]:
    """Write an object (s3:PutObject on the object)."""
    checker = ParamChecker(request.params)
    name = _read_bucket(checker)
    key = _read_key(checker)
    body = request.params.get("Body", "")
    if not isinstance(body, str):
        checker.errors.append("Value at 'body' failed to satisfy constraint: Member must be text")
    checker.raise_if_any()
    assert name is not None and key is not None
    bucket = _object_bucket(request, "s3:PutObject", name, key)
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise AwsError(
            "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400
        )
    if key not in bucket.objects and len(bucket.objects) >= MAX_OBJECTS_PER_BUCKET:
        raise AwsError("TooManyObjects", "A lab bucket holds at most 10,000 objects.", 400)
    bucket.objects[key] = S3Object(key, body, request.world.now())
    request.event.effect = {"object": {"bucket": bucket.name, "key": key, "written": True}}
    return {"ETag": _etag(body)}


@operation("s3", "DeleteObject", ("Bucket", "Key"))
def delete_object(request: Request) -> dict[str, Any]:
    """Delete an object; deleting a missing key succeeds, as in S3."""
    bucket, key = _object_target(request, "s3:DeleteObject")
    if bucket.objects.pop(key, None) is not None:
        request.event.effect = {"object": {"bucket": bucket.name, "key": key, "deleted": True}}
    return {}


@operation("s3", "GetBucketPolicy", ("Bucket",))
def get_bucket_policy(request: Request) -> dict[str, Any]:
    """Return a bucket's policy as a JSON string."""
    checker = ParamChecker(request.params)
    name = _read_bucket(checker)
    checker.raise_if_any()
    assert name is not None
    bucket = _bucket(request, name)
    _require(request, _authorize(request, "s3:GetBucketPolicy", bucket.arn, bucket), bucket)
    if bucket.policy is None:
        raise AwsError("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
    return {"Policy": json.dumps(bucket.policy, separators=(",", ":"))}


@operation("s3", "PutBucketPolicy", ("Bucket", "Policy"))
def put_bucket_policy(request: Request) -> dict[str, Any]:
    """Replace a bucket's policy."""
    checker = ParamChecker(request.params)
    name = _read_bucket(checker)
    text = checker.string("Policy", required=True, min_length=1, max_length=BUCKET_POLICY_LIMIT)
    checker.raise_if_any()
    assert name is not None and text is not None
    bucket = _bucket(request, name)
    _require(request, _authorize(request, "s3:PutBucketPolicy", bucket.arn, bucket), bucket)
    try:
        document = json.loads(text)
    except ValueError as error:
        raise AwsError(
            "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400
        ) from error
    problem = validate_policy(document, PolicyType.RESOURCE, "")
    if problem is not None:
        raise AwsError("MalformedPolicy", problem["message"], 400)
    _check_resources(document, bucket)
    from iamlab.world.services.iam import _WorldLookup

    bad = invalid_principals(document, _WorldLookup(request))
    if bad:
        raise AwsError("MalformedPolicy", "Invalid principal in policy", 400)
    bucket.policy = document
    request.event.effect = {"bucket_policy": {"bucket": bucket.name}}
    return {}


def _check_resources(document: dict[str, Any], bucket: Bucket) -> None:
    """Reject a bucket policy whose resources lie outside the bucket, as S3 does."""
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements or []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        resources = statement.get("Resource", statement.get("NotResource", []))
        resources = [resources] if isinstance(resources, str) else resources
        for resource in resources:
            if not (resource == bucket.arn or resource.startswith(bucket.arn + "/")):
                raise AwsError("MalformedPolicy", "Policy has invalid resource", 400)
