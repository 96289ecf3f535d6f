"""Authentication: the credentials presented decide who calls, or how the call fails."""

from __future__ import annotations

import pytest

from iamlab.world import Credentials, World
from iamlab.world.examples import ALICE_KEY_ID, ALICE_SECRET
from tests.cast import fails

INVALID = "The security token included in the request is invalid."
SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)


def test_long_term_key_authenticates_the_user(world: World, alice: Credentials) -> None:
    assert world.call(alice, "sts", "GetCallerIdentity", {}) == {
        "UserId": world.accounts["111122223333"].users["alice"].user_id,
        "Account": "111122223333",
        "Arn": "arn:aws:iam::111122223333:user/alice",
    }


def test_unknown_key_is_invalid_client_token_id(world: World) -> None:
    error = fails(
        world, Credentials("AKIAUNKNOWN000000000", ALICE_SECRET), "sts", "GetCallerIdentity", {}
    )
    assert (error.code, error.message, error.status) == ("InvalidClientTokenId", INVALID, 403)


def test_wrong_secret_is_signature_does_not_match(world: World) -> None:
    error = fails(world, Credentials(ALICE_KEY_ID, "x" * 40), "iam", "GetUser", {})
    assert (error.code, error.message, error.status) == ("SignatureDoesNotMatch", SIGNATURE, 403)


def test_no_credentials_is_missing_authentication_token(world: World) -> None:
    error = fails(world, None, "sts", "GetCallerIdentity", {})
    assert (error.code, error.message) == (
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    )


def test_an_inactive_key_no_longer_authenticates(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"][0]["users"][0]["access_keys"][0]["status"] = "Inactive"
    world = World.from_spec(iam_roles_spec)
    error = fails(world, Credentials(ALICE_KEY_ID, ALICE_SECRET), "sts", "GetCallerIdentity", {})
    assert error.code == "InvalidClientTokenId"


def test_temporary_key_without_its_session_token_is_invalid(
    world: World, publisher: Credentials
) -> None:
    bare = Credentials(publisher.access_key_id, publisher.secret_access_key)
    error = fails(world, bare, "sts", "GetCallerIdentity", {})
    assert (error.code, error.message) == ("InvalidClientTokenId", INVALID)


def test_expired_session_is_expired_token(world: World, publisher: Credentials) -> None:
    world.advance(3600)
    error = fails(world, publisher, "sts", "GetCallerIdentity", {})
    assert (error.code, error.message, error.status) == (
        "ExpiredToken",
        "The security token included in the request is expired",
        403,
    )


def test_session_still_works_one_second_before_expiry(world: World, publisher: Credentials) -> None:
    world.advance(3599)
    assert world.call(publisher, "sts", "GetCallerIdentity", {})["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (
            "unknown",
            (
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            ),
        ),
        (
            "secret",
            (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.",
            ),
        ),
        ("expired", ("ExpiredToken", "The provided token has expired.")),
        ("token", ("InvalidToken", "The provided token is malformed or otherwise invalid.")),
    ],
)
def test_s3_words_authentication_failures_its_own_way(
    world: World, publisher: Credentials, failure: str, expected: tuple[str, str]
) -> None:
    credentials = {
        "unknown": Credentials("AKIAUNKNOWN000000000", "x" * 40),
        "secret": Credentials(publisher.access_key_id, "x" * 40, publisher.session_token),
        "expired": publisher,
        "token": Credentials(publisher.access_key_id, publisher.secret_access_key, "forged"),
    }[failure]
    if failure == "expired":
        world.advance(7200)
    error = fails(world, credentials, "s3", "ListBuckets", {})
    assert (error.code, error.message) == expected


def test_lambda_words_authentication_failures_its_own_way(world: World) -> None:
    unknown = fails(
        world,
        Credentials("AKIAUNKNOWN000000000", "x" * 40),
        "lambda",
        "GetFunctionConfiguration",
        {"FunctionName": "report-builder"},
    )
    assert (unknown.code, unknown.message) == ("UnrecognizedClientException", INVALID)
    missing = fails(
        world, None, "lambda", "GetFunctionConfiguration", {"FunctionName": "report-builder"}
    )
    assert (missing.code, missing.message) == (
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    )


def test_failed_authentication_is_logged_without_a_principal(world: World) -> None:
    fails(world, Credentials("AKIAUNKNOWN000000000", "x" * 40), "sts", "GetCallerIdentity", {})
    event = world.events[-1]
    assert event.caller.principal_arn is None
    assert event.caller.access_key_id == "AKIAUNKNOWN000000000"
    assert event.error == {"code": "InvalidClientTokenId", "message": INVALID}
    assert event.decision is None


def test_unknown_operation_and_service(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "sts", "AssumeRoot", {})
    assert (error.code, error.message) == (
        "InvalidAction",
        "Could not find operation AssumeRoot for version 2011-06-15",
    )
    error = fails(world, alice, "ec2", "DescribeInstances", {})
    assert error.code == "UnknownService"
    assert error.message == "The world has no service 'ec2'; it has iam, lambda, s3, sts."


def test_unknown_parameter_is_rejected(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "sts", "GetCallerIdentity", {"Verbose": True})
    assert (error.code, error.message) == (
        "ValidationError",
        'Unknown parameter in input: "Verbose", must be one of: ',
    )


def test_parameters_that_are_not_json_are_refused(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "s3", "PutObject", {"Bucket": "example-reports", "Key": {1, 2}})
    assert (error.code, error.message) == (
        "ValidationError",
        "The request parameters must be JSON values: text, numbers, booleans, lists and objects.",
    )
    assert world.events[-1].params == {"Bucket": "example-reports", "Key": "(not loggable)"}
