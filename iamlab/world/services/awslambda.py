"""Lambda: functions that run as their execution role, and the PassRole check on changing it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from iamlab.world.authz import access_denied_message, authorize, request_context
from iamlab.world.callers import Caller
from iamlab.world.credentials import Credentials
from iamlab.world.entities import LambdaFunction
from iamlab.world.errors import AwsError
from iamlab.world.operations import operation
from iamlab.world.params import ParamChecker
from iamlab.world.request import Request
from iamlab.world.services.sts import credentials_response

LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
EXECUTION_SESSION_SECONDS = 3600
# The Lambda API's pattern for the Role parameter (IAM-FACTS 5).
ROLE_PATTERN = re.compile(r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
ROLE_PATTERN_TEXT = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
FUNCTION_REF = re.compile(
    r"(arn:aws:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?"
)
MAX_PAYLOAD = 256 * 1024
# Lambda stops a function that keeps invoking itself; the lab stops nested invocations here.
MAX_INVOCATION_DEPTH = 4


def _function_ref(request: Request) -> tuple[str, str]:
    """Return (account id, function name) from FunctionName (a name or an ARN)."""
    checker = ParamChecker(request.params, error_code="ValidationException")
    ref = checker.string("FunctionName", required=True, min_length=1, max_length=170)
    checker.raise_if_any()
    assert ref is not None
    if not FUNCTION_REF.fullmatch(ref):
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value '{ref}' at 'functionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?"
            r"(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?",
            400,
        )
    if ref.startswith("arn:"):
        parts = ref.split(":")
        return parts[4], parts[6]
    return request.caller.account_id or "", ref


def _function_arn(request: Request, account_id: str, name: str) -> str:
    return f"arn:aws:lambda:{request.world.region}:{account_id}:function:{name}"


def _lambda_access(request: Request, action: str, account_id: str, name: str) -> LambdaFunction:
    """Authorize a Lambda action on a function, then find it."""
    arn = _function_arn(request, account_id, name)
    check = request.authorize(action, arn, resource_account=account_id)
    request.require(check, code="AccessDeniedException")
    account = request.world.accounts.get(account_id)
    function = account.lambda_functions.get(name) if account else None
    if function is None:
        raise AwsError("ResourceNotFoundException", f"Function not found: {arn}", 404)
    return function


def _configuration(function: LambdaFunction) -> dict[str, Any]:
    code_hash = hashlib.sha256(
        json.dumps([c.__dict__ for c in function.calls], sort_keys=True).encode()
    ).digest()
    revision = hashlib.sha256(f"{function.arn}:{function.revision}".encode()).hexdigest()
    return {
        "FunctionName": function.name,
        "FunctionArn": function.arn,
        "Runtime": function.runtime,
        "Role": function.role_arn,
        "Handler": function.handler,
        "CodeSize": 1024,
        "Description": function.description,
        "Timeout": 3,
        "MemorySize": 128,
        "LastModified": function.last_modified.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "CodeSha256": base64.b64encode(code_hash).decode("ascii"),
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": "-".join(
            (revision[:8], revision[8:12], revision[12:16], revision[16:20], revision[20:32])
        ),
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
    }


@operation("lambda", "GetFunctionConfiguration", ("FunctionName", "Qualifier"))
def get_function_configuration(request: Request) -> dict[str, Any]:
    """Return a function's configuration, including its execution role."""
    account_id, name = _function_ref(request)
    function = _lambda_access(request, "lambda:GetFunctionConfiguration", account_id, name)
    return _configuration(function)


def _lambda_can_assume(request: Request, role_arn: str) -> bool:
    role = request.world.find_role(role_arn)
    if role is None:
        return False
    service = Caller("service", None, LAMBDA_PRINCIPAL, service_principal=LAMBDA_PRINCIPAL)
    check = authorize(
        request.world,
        service,
        "sts:AssumeRole",
        role.arn,
        resource_account=role.account_id,
        resource_policy=role.trust_policy,
    )
    return check.decision == "Allowed"


@operation(
    "lambda",
    "UpdateFunctionConfiguration",
    ("FunctionName", "Role", "Handler", "Description", "Runtime"),
)
def update_function_configuration(request: Request) -> dict[str, Any]:
    """Change a function's settings; a new Role needs iam:PassRole for Lambda."""
    account_id, name = _function_ref(request)
    checker = ParamChecker(request.params, error_code="ValidationException")
    role_arn = checker.string("Role", max_length=2048)
    handler = checker.string("Handler", max_length=128)
    description = checker.string("Description", max_length=256)
    runtime = checker.string("Runtime", max_length=32)
    checker.raise_if_any()
    if role_arn is not None and not ROLE_PATTERN.fullmatch(role_arn):
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value '{role_arn}' at 'role' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {ROLE_PATTERN_TEXT}",
            400,
        )
    function = _lambda_access(request, "lambda:UpdateFunctionConfiguration", account_id, name)
    if role_arn is not None:
        check = request.authorize(
            "iam:PassRole",
            role_arn,
            resource_account=role_arn.split(":")[4],
            extra_context={
                "iam:PassedToService": LAMBDA_PRINCIPAL,
                "iam:AssociatedResourceArn": function.arn,
            },
        )
        request.require(check, code="AccessDeniedException")
        if not _lambda_can_assume(request, role_arn):
            raise AwsError(
                "InvalidParameterValueException",
                "The role defined for the function cannot be assumed by Lambda.",
                400,
            )
    previous = function.role_arn
    if role_arn is not None:
        function.role_arn = request.world.find_role(role_arn).arn  # type: ignore[union-attr]
    if handler is not None:
        function.handler = handler
    if description is not None:
        function.description = description
    if runtime is not None:
        function.runtime = runtime
    function.last_modified = request.world.now()
    function.revision += 1
    request.event.effect = {
        "function": {
            "arn": function.arn,
            "role_arn": function.role_arn,
            "previous_role_arn": previous,
        }
    }
    return _configuration(function)


@operation(
    "lambda", "Invoke", ("FunctionName", "Payload", "InvocationType", "Qualifier", "LogType")
)
def invoke(request: Request) -> dict[str, Any]:
    """Run a function: Lambda assumes its execution role, then makes its calls as that session."""
    world = request.world
    account_id, name = _function_ref(request)
    payload = request.params.get("Payload")
    if payload is not None and (not isinstance(payload, str) or len(payload) > MAX_PAYLOAD):
        raise AwsError(
            "RequestTooLargeException",
            "Request must be smaller than 262144 bytes for the InvokeFunction operation",
            413,
        )
    invocation_type = request.params.get("InvocationType", "RequestResponse")
    if invocation_type not in ("RequestResponse", "Event", "DryRun"):
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value '{invocation_type}' at 'invocationType' failed "
            "to satisfy constraint: Member must satisfy enum value set: "
            "[Event, RequestResponse, DryRun]",
            400,
        )
    function = _lambda_access(request, "lambda:InvokeFunction", account_id, name)
    if invocation_type == "DryRun":
        return {"StatusCode": 204}
    if _invocation_depth(request) >= MAX_INVOCATION_DEPTH:
        raise AwsError(
            "RecursiveInvocationException",
            "Lambda detected that the function is being invoked in a recursive loop with other "
            "AWS resources and stopped the function's invocation.",
            400,
        )

    role = world.find_role(function.role_arn)
    assume_event = world.record_service_event(
        LAMBDA_PRINCIPAL,
        "AssumeRole",
        {"RoleArn": function.role_arn, "RoleSessionName": function.name},
        request.event.seq,
    )
    service = Caller("service", None, LAMBDA_PRINCIPAL, service_principal=LAMBDA_PRINCIPAL)
    if role is not None:
        check = authorize(
            world,
            service,
            "sts:AssumeRole",
            role.arn,
            resource_account=role.account_id,
            resource_policy=role.trust_policy,
            context=request_context(world, service),
        )
        assume_event.checks.append(check)
        assume_event.action, assume_event.resource = check.action, check.resource
        assume_event.decision, assume_event.explanation = check.decision, check.explanation
    if role is None or assume_event.decision != "Allowed":
        error = AwsError(
            "AccessDenied",
            access_denied_message(
                service,
                assume_event.checks[0] if assume_event.checks else _missing(function.role_arn),
                legacy=True,
            ),
            403,
        )
        assume_event.error = error.as_dict()
        raise AwsError(
            "InvalidParameterValueException",
            "The role defined for the function cannot be assumed by Lambda.",
            400,
        )
    session = world.issue_session(
        EXECUTION_SESSION_SECONDS,
        kind="assumed-role",
        account_id=role.account_id,
        role_arn=role.arn,
        session_name=function.name,
    )
    assume_event.caller.session_name = function.name
    assume_event.effect = {
        "session": {
            "arn": session.arn,
            "role_arn": role.arn,
            "access_key_id": session.access_key_id,
            "expiration": credentials_response(session)["Expiration"],
            "source_identity": None,
        }
    }
    credentials = Credentials(session.access_key_id, session.secret, session.token)
    results: list[dict[str, Any]] = []
    function_error = None
    for call in function.calls:
        try:
            result = request.call_world(
                credentials,
                call.service,
                call.operation,
                dict(call.params),
                _parent_seq=request.event.seq,
            )
        except AwsError as error:
            operation_name = call.operation
            function_error = {
                "errorMessage": f"An error occurred ({error.code}) when calling the "
                f"{operation_name} operation: {error.message}",
                "errorType": "ClientError",
            }
            break
        results.append({"service": call.service, "operation": call.operation, "result": result})
    request.event.effect = {
        "invocation": {
            "function_arn": function.arn,
            "execution_role_arn": role.arn,
            "session_arn": session.arn,
            "succeeded": function_error is None,
        }
    }
    response: dict[str, Any] = {"StatusCode": 200 if invocation_type == "RequestResponse" else 202}
    if function_error is not None:
        response["FunctionError"] = "Unhandled"
        body: Any = function_error
    else:
        body = {"statusCode": 200, "calls": results}
    response["ExecutedVersion"] = "$LATEST"
    if invocation_type == "RequestResponse":
        response["Payload"] = json.dumps(body, separators=(",", ":"), default=str)
    return response


def _invocation_depth(request: Request) -> int:
    """Count the Invoke calls this request is nested in."""
    by_seq = {event.seq: event for event in request.world.events[-2000:]}
    depth, parent = 0, request.event.parent_seq
    while parent is not None and parent in by_seq and depth < 100:
        if by_seq[parent].operation == "Invoke":
            depth += 1
        parent = by_seq[parent].parent_seq
    return depth


def _missing(role_arn: str) -> Any:
    from iamlab.world.events import Check

    return Check("sts:AssumeRole", role_arn, "ImplicitlyDenied", None)
