"""The test suite's one cast: the people, accounts and policies of the iam-roles story.

The iam-roles story (`iamlab/world/examples.py`, `fixtures/scenarios/iam-roles.json`): account
111122223333 holds alice (a developer who may assume ReportPublisher), carol (the admin who may
pass lambda-admin-role to Lambda), the Lambda roles and the example-reports bucket. The engine's
own tests add bob in a second account and the ReportReader role with alice's session of it.
Fixtures that build worlds, consoles and scenarios from this cast are in `tests/conftest.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

# ---- accounts and principals ---------------------------------------------------------------

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"  # a partner's account, outside the story's own


def arn(kind: str, name: str, account: str = ACCOUNT) -> str:
    """Return an IAM ARN (user, role, policy, ...) in the story's account, or another one."""
    return f"arn:aws:iam::{account}:{kind}/{name}"


ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OTHER_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
ALICE = arn("user", "alice")
CAROL = arn("user", "carol")
BOB_ELSEWHERE = arn("user", "bob", OTHER_ACCOUNT)
PUBLISHER = arn("role", "ReportPublisher")
LAMBDA_ROLE = arn("role", "service-role/lambda-role")
LAMBDA_ADMIN_ROLE = arn("role", "service-role/lambda-admin-role")
# The engine's role and alice's session of it.
ROLE = arn("role", "ReportReader")
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportReader/alice-session"
OTHER_ROLE = arn("role", "Auditor", OTHER_ACCOUNT)
OTHER_SESSION = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/Auditor/audit"
FEDERATED_USER = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
BUCKET = "arn:aws:s3:::example-reports"
OBJECT = "arn:aws:s3:::example-reports/q1.csv"
LAMBDA = "lambda.amazonaws.com"
OIDC_PROVIDER = arn("oidc-provider", "token.actions.githubusercontent.com")
SAML_PROVIDER = arn("saml-provider", "ExampleIdP")
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"

# ---- policies ------------------------------------------------------------------------------


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
    """Build a policy document (a dict) holding the statements."""
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return document


def policy_of(**fields: Any) -> dict[str, Any]:
    """Build a policy document of one statement given as its elements."""
    return policy(dict(fields))


def policy_json(*statements: dict[str, Any]) -> str:
    """Build a policy document as the JSON text the AWS APIs take."""
    return json.dumps(policy(*statements))


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
    """Build the engine's simulation document."""
    request: dict[str, Any] = {"principal": principal, "action": action, "resource": resource}
    if context is not None:
        request["context"] = context
    if resource_account is not None:
        request["resource_account"] = resource_account
    return {"request": request, **policies}


# ---- the world -----------------------------------------------------------------------------


def fails(world: Any, credentials: Any, service: str, operation: str, params: dict) -> Any:
    """Make a world call that must fail; return the AwsError."""
    import pytest

    from iamlab.world import AwsError

    with pytest.raises(AwsError) as caught:
        world.call(credentials, service, operation, params)
    return caught.value


# ---- scenario content ----------------------------------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = REPOSITORY / "fixtures" / "scenarios"
SCENARIO_FIXTURES = sorted(FIXTURES.glob("*.json"))
LESSON_FIXTURES = sorted((REPOSITORY / "fixtures" / "lessons").glob("*.json"))
IAM_ROLES = FIXTURES / "iam-roles.json"
WriteFixture = Callable[..., Path]  # the write_fixture fixture: content, name -> path


def small_scenario(slug: str = "tiny") -> list[dict[str, Any]]:
    """Return a complete, valid small fixture: one account, alice, one role she may assume."""
    account = [slug, ACCOUNT]
    return [
        {
            "model": "scenarios.scenario",
            "fields": {
                "slug": slug,
                "title": "A tiny world",
                "summary": "alice and one role.",
                "difficulty": "introductory",
                "start_time": "2026-01-05T09:00:00Z",
            },
        },
        {"model": "scenarios.account", "fields": {"scenario": [slug], "account_id": ACCOUNT}},
        {
            "model": "scenarios.managedpolicy",
            "fields": {
                "account": account,
                "name": "ReadReports",
                "document": policy_of(
                    Effect="Allow", Action="s3:GetObject", Resource="arn:aws:s3:::tiny-reports/*"
                ),
            },
        },
        {
            "model": "scenarios.user",
            "fields": {
                "account": account,
                "name": "alice",
                "managed_policies": [[slug, ACCOUNT, "ReadReports"]],
            },
        },
        {
            "model": "scenarios.accesskey",
            "fields": {
                "user": [slug, ACCOUNT, "alice"],
                "access_key_id": "AKIAEXAMPLETINY00001",
                "secret_access_key": "tinySecretKeyExample00000000000000000000",
            },
        },
        {
            "model": "scenarios.role",
            "fields": {
                "account": account,
                "name": "Publisher",
                "trust_policy": policy_of(
                    Effect="Allow", Principal={"AWS": ALICE}, Action="sts:AssumeRole"
                ),
                "managed_policies": [[slug, ACCOUNT, "ReadReports"]],
            },
        },
        {"model": "scenarios.bucket", "fields": {"account": account, "name": "tiny-reports"}},
        {
            "model": "scenarios.s3object",
            "fields": {
                "bucket": [slug, ACCOUNT, "tiny-reports"],
                "key": "q1.csv",
                "body": "Q1,100\n",
            },
        },
    ]


def row_counts() -> dict[str, int]:
    """Count the rows of every scenario model, to show that a failed load changed nothing."""
    from iamlab.scenarios.models import CONTENT_MODELS, Workspace, WorkspaceEntry

    models = [*CONTENT_MODELS, Workspace, WorkspaceEntry]
    return {model._meta.label_lower: model._default_manager.count() for model in models}


def load_builtin_lessons(files: list[Path] | None = None) -> None:
    """Load every built-in scenario, then the built-in lessons (or the files given)."""
    from iamlab.lessons.loading import load_lessons
    from iamlab.scenarios.loading import load_fixtures

    assert load_fixtures(SCENARIO_FIXTURES).problems == []
    result = load_lessons(files or LESSON_FIXTURES)
    assert [str(problem) for problem in result.problems] == []


# The classes' tests set the first two built-in lessons (users, roles), which run in iam-roles.
FIRST_LESSONS = [path for path in LESSON_FIXTURES if path.name[:3] in {"01-", "02-"}]


def load_users_and_roles_lessons() -> None:
    """Load the iam-roles scenario and the users and roles lessons, as an instructor would."""
    from iamlab.lessons.loading import load_lessons
    from iamlab.scenarios.loading import load_fixtures

    assert [path.name for path in FIRST_LESSONS] == ["01-users.json", "02-roles.json"]
    assert load_fixtures([IAM_ROLES]).problems == []
    assert load_lessons(FIRST_LESSONS).problems == []


# ---- people of the site ----------------------------------------------------------------------


def make_user(username: str, *, staff: bool = False) -> Any:
    """Create a site user; tests sign in with force_login (hashing a password is slow)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, is_staff=staff)


def client_for(user: Any) -> Any:
    """Return a test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
