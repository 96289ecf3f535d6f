"""The engine tests' cast: two accounts, alice and bob, the ReportReader role, a reports bucket."""

from __future__ import annotations

from typing import Any

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB_ELSEWHERE = f"arn:aws:iam::{OTHER_ACCOUNT}:user/bob"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OTHER_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ReportReader"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportReader/alice-session"
OTHER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Auditor"
OTHER_SESSION = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/Auditor/audit"
FEDERATED_USER = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
BUCKET = "arn:aws:s3:::example-reports"
OBJECT = "arn:aws:s3:::example-reports/q1.csv"
LAMBDA = "lambda.amazonaws.com"
OIDC_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SAML_PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleIdP"


def statement(effect: str, action: Any = "*", resource: Any = "*", **elements: Any) -> dict:
    """Build a statement; `resource=None` leaves Resource out (trust policies)."""
    body: dict[str, Any] = {"Effect": effect}
    body["Action"] = action
    if resource is not None:
        body["Resource"] = resource
    for name, value in elements.items():
        body[name] = value
    if "NotAction" in body:
        del body["Action"]
    if "NotResource" in body:
        body.pop("Resource", None)
    return body


def allow(action: Any = "*", resource: Any = "*", **elements: Any) -> dict:
    """Build an Allow statement."""
    return statement("Allow", action, resource, **elements)


def deny(action: Any = "*", resource: Any = "*", **elements: Any) -> dict:
    """Build a Deny statement."""
    return statement("Deny", action, resource, **elements)


def policy(*statements: dict, version: str | None = "2012-10-17") -> dict:
    """Build a policy document holding the statements."""
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return document


def trust(principal: Any, action: Any = "sts:AssumeRole", **elements: Any) -> dict:
    """Build a role trust policy allowing `principal` to assume the role."""
    return policy(allow(action, None, Principal=principal, **elements))


def simulation(
    principal: str,
    action: str,
    resource: str,
    context: dict | None = None,
    resource_account: str | None = None,
    **policies: Any,
) -> dict:
    """Build a simulation document."""
    request: dict[str, Any] = {"principal": principal, "action": action, "resource": resource}
    if context is not None:
        request["context"] = context
    if resource_account is not None:
        request["resource_account"] = resource_account
    return {"request": request, **policies}
