"""Lambda: the execution role, PassRole on changing it, and invoking through the role."""

from __future__ import annotations

import json

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID
from tests.cast import arn, fails

FUNCTION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:report-builder"
LAMBDA_ROLE = arn("role", "service-role/lambda-role")
ADMIN_ROLE = arn("role", "service-role/lambda-admin-role")


def test_get_function_configuration(world: World, alice: Credentials) -> None:
    config = world.call(
        alice, "lambda", "GetFunctionConfiguration", {"FunctionName": "report-builder"}
    )
    assert config["FunctionArn"] == FUNCTION_ARN
    assert config["Role"] == LAMBDA_ROLE
    assert (config["Runtime"], config["Handler"]) == ("python3.12", "app.handler")
    assert config["LastModified"] == "2026-01-05T09:00:00.000+0000"
    by_arn = world.call(alice, "lambda", "GetFunctionConfiguration", {"FunctionName": FUNCTION_ARN})
    assert by_arn == config


def test_function_not_found(world: World, alice: Credentials) -> None:
    error = fails(world, alice, "lambda", "GetFunctionConfiguration", {"FunctionName": "nope"})
    assert (error.code, error.message, error.status) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:111122223333:function:nope",
        404,
    )


def test_lambda_denial_uses_access_denied_exception(world: World, publisher: Credentials) -> None:
    error = fails(
        world, publisher, "lambda", "GetFunctionConfiguration", {"FunctionName": "report-builder"}
    )
    assert (error.code, error.status) == ("AccessDeniedException", 403)
    assert error.message == (
        "User: arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing is not "
        "authorized to perform: lambda:GetFunctionConfiguration on resource: "
        f"{FUNCTION_ARN} because no identity-based policy allows the "
        "lambda:GetFunctionConfiguration action"
    )


def test_pass_role_denied_for_alice(world: World, alice: Credentials) -> None:
    error = fails(
        world,
        alice,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": ADMIN_ROLE},
    )
    assert (error.code, error.status) == ("AccessDeniedException", 403)
    assert error.message == (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:PassRole "
        f"on resource: {ADMIN_ROLE} because no identity-based policy allows the iam:PassRole action"
    )
    assert world.accounts[ACCOUNT_ID].lambda_functions["report-builder"].role_arn == LAMBDA_ROLE
    event = world.events[-1]
    assert [(c.action, c.decision) for c in event.checks] == [
        ("lambda:UpdateFunctionConfiguration", "Allowed"),
        ("iam:PassRole", "ImplicitlyDenied"),
    ]
    assert (event.action, event.decision) == ("iam:PassRole", "ImplicitlyDenied")


def test_pass_role_allowed_for_carol(world: World, carol: Credentials) -> None:
    config = world.call(
        carol,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": ADMIN_ROLE},
    )
    assert config["Role"] == ADMIN_ROLE
    event = world.events[-1]
    assert event.effect == {
        "function": {"arn": FUNCTION_ARN, "role_arn": ADMIN_ROLE, "previous_role_arn": LAMBDA_ROLE}
    }
    pass_role = event.checks[1]
    [statement] = [
        statement
        for listed in pass_role.explanation["policies"]
        for statement in listed["statements"]
        if statement["sid"] == "PassLambdaRolesToLambda"
    ]
    assert statement["matched"] is True
    conditions = statement["conditions"]
    assert conditions[0]["key"] == "iam:PassedToService"
    assert conditions[0]["request_values"] == ["lambda.amazonaws.com"]


def test_pass_role_condition_is_about_the_service(iam_roles_spec: dict) -> None:
    """carol's PassRole is limited to Lambda: passing to another service is denied."""
    world = World.from_spec(iam_roles_spec)
    result = world.simulate(
        "arn:aws:iam::111122223333:user/carol",
        "iam:PassRole",
        ADMIN_ROLE,
        {"iam:PassedToService": "ec2.amazonaws.com"},
    )
    assert result["decision"] == "ImplicitlyDenied"
    result = world.simulate(
        "arn:aws:iam::111122223333:user/carol",
        "iam:PassRole",
        ADMIN_ROLE,
        {"iam:PassedToService": "lambda.amazonaws.com"},
    )
    assert result["decision"] == "Allowed"


def test_a_role_lambda_cannot_assume(world: World, carol: Credentials) -> None:
    error = fails(
        world,
        carol,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": arn("role", "ReportPublisher")},
    )
    # carol may only pass the two Lambda roles
    assert error.code == "AccessDeniedException"
    world.accounts[ACCOUNT_ID].users["carol"].inline_policies[0].document["Statement"][1][
        "Resource"
    ] = "*"
    error = fails(
        world,
        carol,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": arn("role", "ReportPublisher")},
    )
    assert (error.code, error.message) == (
        "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.",
    )


def test_role_parameter_pattern(world: World, carol: Credentials) -> None:
    error = fails(
        world,
        carol,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": "lambda-admin-role"},
    )
    assert error.code == "ValidationException"
    assert error.message.startswith(
        "1 validation error detected: Value 'lambda-admin-role' at 'role' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: arn:"
    )


def test_invoke_runs_as_the_execution_role(world: World, alice: Credentials) -> None:
    response = world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assert (response["StatusCode"], response["FunctionError"]) == (200, "Unhandled")
    payload = json.loads(response["Payload"])
    assert payload == {
        "errorMessage": "An error occurred (AccessDenied) when calling the PutObject operation: "
        "User: arn:aws:sts::111122223333:assumed-role/lambda-role/report-builder is not "
        'authorized to perform: s3:PutObject on resource: "arn:aws:s3:::example-reports/daily.csv" '
        "because no identity-based policy allows the s3:PutObject action",
        "errorType": "ClientError",
    }
    invoke, assume, listing, put = world.events[-4:]
    assert (invoke.operation, invoke.caller.principal_arn, invoke.parent_seq) == (
        "Invoke",
        "arn:aws:iam::111122223333:user/alice",
        None,
    )
    assert (assume.operation, assume.caller.principal_arn, assume.caller.credential_type) == (
        "AssumeRole",
        "lambda.amazonaws.com",
        "service",
    )
    assert assume.parent_seq == invoke.seq
    assert assume.decision == "Allowed"
    assert assume.effect["session"]["arn"] == (
        "arn:aws:sts::111122223333:assumed-role/lambda-role/report-builder"
    )
    assert (listing.operation, listing.decision, listing.parent_seq) == (
        "ListObjectsV2",
        "Allowed",
        invoke.seq,
    )
    assert (
        listing.caller.principal_arn
        == "arn:aws:sts::111122223333:assumed-role/lambda-role/report-builder"
    )
    assert (put.operation, put.decision) == ("PutObject", "ImplicitlyDenied")


def test_invoke_after_switching_to_the_admin_role(
    world: World, alice: Credentials, carol: Credentials
) -> None:
    world.call(
        carol,
        "lambda",
        "UpdateFunctionConfiguration",
        {"FunctionName": "report-builder", "Role": ADMIN_ROLE},
    )
    response = world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assert "FunctionError" not in response
    payload = json.loads(response["Payload"])
    assert [call["operation"] for call in payload["calls"]] == ["ListObjectsV2", "PutObject"]
    assert (
        world.buckets["example-reports"].objects["daily.csv"].body == "day,total\n2026-01-05,220\n"
    )
    assert world.events[-1].caller.principal_arn == (
        "arn:aws:sts::111122223333:assumed-role/lambda-admin-role/report-builder"
    )


def test_invoke_dry_run(world: World, alice: Credentials) -> None:
    assert world.call(
        alice, "lambda", "Invoke", {"FunctionName": "report-builder", "InvocationType": "DryRun"}
    ) == {"StatusCode": 204}
    assert world.events[-1].operation == "Invoke"


def test_invoke_needs_permission(world: World, publisher: Credentials) -> None:
    error = fails(world, publisher, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assert error.message.endswith(
        "because no identity-based policy allows the lambda:InvokeFunction action"
    )


def test_invoke_when_the_trust_no_longer_names_lambda(world: World, alice: Credentials) -> None:
    world.accounts[ACCOUNT_ID].roles["lambda-role"].trust_policy["Statement"][0]["Principal"] = {
        "Service": "ec2.amazonaws.com"
    }
    error = fails(world, alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    assert (error.code, error.message) == (
        "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.",
    )
    assume = world.events[-1]
    assert (assume.operation, assume.decision) == ("AssumeRole", "ImplicitlyDenied")
    assert assume.error["message"] == (
        "User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: "
        f"{LAMBDA_ROLE}"
    )


def test_a_function_that_invokes_itself_is_stopped(iam_roles_spec: dict) -> None:
    account = iam_roles_spec["accounts"][0]
    account["lambda_functions"][0]["calls"] = [
        {"service": "lambda", "operation": "Invoke", "params": {"FunctionName": "report-builder"}}
    ]
    account["roles"][1]["inline_policies"][0]["document"]["Statement"].append(
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}
    )
    world = World.from_spec(iam_roles_spec)
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    response = world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
    # The outer call succeeds; the innermost invocation is stopped and fails its caller.
    assert response["StatusCode"] == 200
    invocations = [e for e in world.events if e.operation == "Invoke"]
    assert len(invocations) == 5
    assert [e.parent_seq for e in invocations[1:]] == [e.seq for e in invocations[:-1]]
    assert "FunctionError" in json.loads(response["Payload"])["calls"][0]["result"]["Payload"]
    assert invocations[-1].error == {
        "code": "RecursiveInvocationException",
        "message": "Lambda detected that the function is being invoked in a recursive loop "
        "with other AWS resources and stopped the function's invocation.",
    }
