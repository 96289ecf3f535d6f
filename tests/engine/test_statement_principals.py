"""The engine's public reading of Principal elements, and what a condition needs to hold."""

from __future__ import annotations

import pytest

from iamlab.engine import PolicyType, statement_principals
from iamlab.engine.conditions import satisfying_value
from tests.cast import (
    ACCOUNT,
    ALICE,
    LAMBDA,
    OIDC_PROVIDER,
    ROLE,
    ROOT,
    SAML_PROVIDER,
    SESSION,
    allow,
    deny,
    policy,
)


def kinds(document: dict, policy_type: PolicyType) -> list[list[tuple[str, ...]]]:
    """Return each statement's entries as (key, value, kind, account, role_name, provider)."""
    statements = statement_principals(document, policy_type)
    assert statements is not None
    return [
        [(e.key, e.value, e.kind, e.account, e.role_name, e.provider) for e in statement.entries]
        for statement in statements
    ]


def test_each_principal_of_a_trust_policy_is_classified() -> None:
    trust = policy(
        allow(
            "sts:AssumeRole",
            None,
            Principal={"AWS": [ALICE, ROLE, SESSION, ACCOUNT, ROOT], "Service": LAMBDA},
        ),
        allow(
            "sts:AssumeRoleWithWebIdentity",
            None,
            Principal={"Federated": [OIDC_PROVIDER, SAML_PROVIDER, "accounts.google.com"]},
        ),
    )
    assert kinds(trust, PolicyType.TRUST) == [
        [
            ("AWS", ALICE, "user", ACCOUNT, None, None),
            ("AWS", ROLE, "role", ACCOUNT, "ReportReader", None),
            ("AWS", SESSION, "session", ACCOUNT, "ReportReader", None),
            ("AWS", ACCOUNT, "account", ACCOUNT, None, None),
            ("AWS", ROOT, "account", ACCOUNT, None, None),
            ("Service", LAMBDA, "service", None, None, None),
        ],
        [
            ("Federated", OIDC_PROVIDER, "federated", ACCOUNT, None, "oidc"),
            ("Federated", SAML_PROVIDER, "federated", ACCOUNT, None, "saml"),
            ("Federated", "accounts.google.com", "federated", None, None, "web"),
        ],
    ]


def test_statements_keep_their_path_effect_element_actions_and_conditions() -> None:
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": deny(
            "s3:*",
            "arn:aws:s3:::example-reports/*",
            NotPrincipal={"AWS": ALICE},
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        ),
    }
    [statement] = statement_principals(bucket_policy, PolicyType.RESOURCE) or []
    assert (
        statement.path,
        statement.effect,
        statement.element,
        statement.actions,
        statement.action_element,
        statement.conditional,
    ) == ("Statement", "Deny", "NotPrincipal", ("s3:*",), "Action", True)
    assert [(e.kind, e.value) for e in statement.entries] == [("user", ALICE)]


def test_everyone_and_a_statement_without_principal() -> None:
    everyone = policy(allow("s3:GetObject", "*", Principal="*"))
    assert kinds(everyone, PolicyType.RESOURCE) == [[("*", "*", "everyone", None, None, None)]]
    [statement] = statement_principals(policy(allow()), PolicyType.IDENTITY) or []
    assert (statement.element, statement.entries) == (None, ())


@pytest.mark.parametrize(
    "document",
    [
        policy(allow("sts:AssumeRole", None, Principal={"AWS": "arn:aws:iam::1:user/x"})),
        policy(allow("sts:AssumeRole", None)),
        "not a policy",
    ],
)
def test_a_malformed_policy_lists_nothing(document: object) -> None:
    assert statement_principals(document, PolicyType.TRUST) is None


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value"),
    [
        ("StringEquals", "prod", "prod"),
        ("StringEqualsIgnoreCase", "Prod", "Prod"),
        ("StringLike", "team-*-a?", "team--ax"),
        ("ForAnyValue:StringLike", "ops*", "ops"),
        ("ArnLike", "arn:aws:iam::*:role/Deploy", "arn:aws:iam:::role/Deploy"),
        ("ArnEquals", ROLE, ROLE),
        ("Bool", "true", "true"),
        ("BoolIfExists", "true", "true"),
        ("NumericLessThan", "3600", "3599"),
        ("NumericGreaterThan", "10", "11"),
        ("NumericLessThanEquals", "3600", "3600"),
        ("DateGreaterThan", "2026-01-05T09:00:00Z", "2026-01-05T09:00:01Z"),
        ("DateLessThan", "2026-01-05T09:00:00Z", "2026-01-05T08:59:59Z"),
        ("IpAddress", "203.0.113.0/24", "203.0.113.0"),
        ("Null", "false", "present"),
        ("StringNotEquals", "prod", None),
        ("NotIpAddress", "203.0.113.0/24", None),
        ("Null", "true", None),
        ("StringEquals", "${aws:username}", None),
        ("NumericLessThan", "many", None),
        ("DateLessThan", "1767600000", None),
        ("NoSuchOperator", "x", None),
    ],
)
def test_a_satisfying_value_makes_the_condition_true_when_one_value_can(
    operator: str, policy_value: str, request_value: str | None
) -> None:
    assert satisfying_value(operator, policy_value) == request_value
