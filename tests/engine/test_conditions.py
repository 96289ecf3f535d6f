"""Condition operators, one family at a time (IAM-FACTS 3)."""

from __future__ import annotations

import pytest

from iamlab.engine import simulate
from tests.cast import ALICE, OBJECT, allow, policy, simulation


def decide(condition: dict, context: dict | None = None, version: str = "2012-10-17") -> str:
    """Decide an s3:GetObject allowed only under `condition`."""
    document = simulation(
        ALICE,
        "s3:GetObject",
        OBJECT,
        context,
        identity_policies=[
            policy(allow("s3:GetObject", "*", Condition=condition), version=version)
        ],
    )
    result = simulate(document)
    assert "error" not in result, result
    return result["decision"]


ALLOWED, DENIED = "Allowed", "ImplicitlyDenied"

CASES = [
    # String
    (
        "string_equals",
        {"StringEquals": {"aws:PrincipalTag/team": "finance"}},
        {"aws:PrincipalTag/team": "finance"},
        ALLOWED,
    ),
    (
        "string_equals_case_sensitive",
        {"StringEquals": {"aws:PrincipalTag/team": "finance"}},
        {"aws:PrincipalTag/team": "Finance"},
        DENIED,
    ),
    (
        "string_equals_ignore_case",
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "finance"}},
        {"aws:PrincipalTag/team": "FINANCE"},
        ALLOWED,
    ),
    (
        "string_not_equals_ignore_case",
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "finance"}},
        {"aws:PrincipalTag/team": "FINANCE"},
        DENIED,
    ),
    (
        "string_values_are_or",
        {"StringEquals": {"aws:PrincipalTag/team": ["hr", "finance"]}},
        {"aws:PrincipalTag/team": "finance"},
        ALLOWED,
    ),
    (
        "string_not_equals_values_are_and",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["hr", "finance"]}},
        {"aws:PrincipalTag/team": "finance"},
        DENIED,
    ),
    (
        "string_like_wildcards",
        {"StringLike": {"s3:prefix": ["home/*", "shared/?"]}},
        {"s3:prefix": "shared/a"},
        ALLOWED,
    ),
    (
        "string_like_crosses_colons",
        {"StringLike": {"aws:userid": "AROA*:alice"}},
        {"aws:userid": "AROAEXAMPLE:x:alice"},
        ALLOWED,
    ),
    (
        "string_not_like",
        {"StringNotLike": {"s3:prefix": "private/*"}},
        {"s3:prefix": "private/x"},
        DENIED,
    ),
    (
        "keys_are_and",
        {"StringEquals": {"aws:PrincipalTag/team": "finance", "aws:PrincipalTag/level": "senior"}},
        {"aws:PrincipalTag/team": "finance", "aws:PrincipalTag/level": "junior"},
        DENIED,
    ),
    (
        "operators_are_and",
        {
            "StringEquals": {"aws:PrincipalTag/team": "finance"},
            "Bool": {"aws:SecureTransport": "true"},
        },
        {"aws:PrincipalTag/team": "finance", "aws:SecureTransport": "false"},
        DENIED,
    ),
    (
        "variable_in_condition_value",
        {"StringEquals": {"s3:prefix": "home/${aws:username}"}},
        {"s3:prefix": "home/alice"},
        ALLOWED,
    ),
    (
        "unresolved_variable_never_equal",
        {"StringEquals": {"s3:prefix": "home/${aws:PrincipalTag/x}"}},
        {"s3:prefix": "home/"},
        DENIED,
    ),
    (
        "unresolved_variable_not_equals_matches",
        {"StringNotEquals": {"s3:prefix": "home/${aws:PrincipalTag/x}"}},
        {"s3:prefix": "home/"},
        ALLOWED,
    ),
    # Numeric
    (
        "numeric_less_than",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "9"},
        ALLOWED,
    ),
    (
        "numeric_less_than_fails",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": 10},
        DENIED,
    ),
    (
        "numeric_decimal",
        {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "1.5"}},
        {"aws:MultiFactorAuthAge": "1.50"},
        ALLOWED,
    ),
    (
        "numeric_not_equals",
        {"NumericNotEquals": {"s3:max-keys": ["1", "2"]}},
        {"s3:max-keys": "3"},
        ALLOWED,
    ),
    (
        "numeric_bad_request_value",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        DENIED,
    ),
    (
        "numeric_json_number_policy_value",
        {"NumericLessThanEquals": {"s3:max-keys": 100}},
        {"s3:max-keys": "100"},
        ALLOWED,
    ),
    # Date
    (
        "date_iso",
        {"DateLessThan": {"aws:CurrentTime": "2026-06-30T00:00:00Z"}},
        {"aws:CurrentTime": "2026-01-05T09:00:00Z"},
        ALLOWED,
    ),
    (
        "date_epoch_vs_iso",
        {"DateGreaterThan": {"aws:CurrentTime": "1767225600"}},
        {"aws:CurrentTime": "2026-01-05T09:00:00Z"},
        ALLOWED,
    ),
    (
        "date_offset",
        {"DateEquals": {"aws:CurrentTime": "2026-01-05T10:00:00+01:00"}},
        {"aws:CurrentTime": "2026-01-05T09:00:00Z"},
        ALLOWED,
    ),
    (
        "date_day_only",
        {"DateLessThan": {"aws:CurrentTime": "2026-01-05"}},
        {"aws:CurrentTime": "2026-01-05T09:00:00Z"},
        DENIED,
    ),
    # Bool
    (
        "bool_true",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": True},
        ALLOWED,
    ),
    (
        "bool_false_vs_true",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": "false"},
        DENIED,
    ),
    (
        "bool_json_boolean_policy_value",
        {"Bool": {"aws:SecureTransport": True}},
        {"aws:SecureTransport": "TRUE"},
        ALLOWED,
    ),
    ("bool_missing_key", {"Bool": {"aws:MultiFactorAuthPresent": "false"}}, None, DENIED),
    # Binary
    (
        "binary_equals",
        {"BinaryEquals": {"aws:x": "QmluYXJ5VmFsdWU="}},
        {"aws:x": "QmluYXJ5VmFsdWU="},
        ALLOWED,
    ),
    (
        "binary_differs",
        {"BinaryEquals": {"aws:x": "QmluYXJ5VmFsdWU="}},
        {"aws:x": "T3RoZXI="},
        DENIED,
    ),
    # IP
    (
        "ipv4_cidr",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.200"},
        ALLOWED,
    ),
    (
        "ipv4_no_prefix_is_32",
        {"IpAddress": {"aws:SourceIp": "203.0.113.5"}},
        {"aws:SourceIp": "203.0.113.6"},
        DENIED,
    ),
    (
        "ipv6_cidr",
        {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
        {"aws:SourceIp": "2001:db8:1234::1"},
        ALLOWED,
    ),
    (
        "ipv6_vs_ipv4",
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"aws:SourceIp": "2001:db8::1"},
        DENIED,
    ),
    (
        "not_ip_address",
        {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
        {"aws:SourceIp": "203.0.113.9"},
        ALLOWED,
    ),
    ("not_ip_address_missing_key", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, None, ALLOWED),
    # ARN
    (
        "arn_equals_wildcards_per_component",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic-?"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic-1"},
        ALLOWED,
    ),
    (
        "arn_like_case_sensitive",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:Topic"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
        DENIED,
    ),
    (
        "arn_not_like",
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin-*"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin-x"},
        DENIED,
    ),
    (
        "arn_not_an_arn",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}},
        {"aws:SourceArn": "topic"},
        DENIED,
    ),
    # Null and IfExists
    ("null_true_key_absent", {"Null": {"aws:TokenIssueTime": "true"}}, None, ALLOWED),
    (
        "null_true_key_present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2026-01-05T09:00:00Z"},
        DENIED,
    ),
    (
        "null_false_key_present",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:TokenIssueTime": "2026-01-05T09:00:00Z"},
        ALLOWED,
    ),
    (
        "if_exists_missing_key_true",
        {"StringEqualsIfExists": {"aws:PrincipalTag/team": "finance"}},
        None,
        ALLOWED,
    ),
    (
        "if_exists_present_key_checked",
        {"StringEqualsIfExists": {"aws:PrincipalTag/team": "finance"}},
        {"aws:PrincipalTag/team": "hr"},
        DENIED,
    ),
    ("numeric_if_exists", {"NumericLessThanIfExists": {"s3:max-keys": "10"}}, None, ALLOWED),
    # Set operators
    (
        "for_all_values_subset",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env"]},
        ALLOWED,
    ),
    (
        "for_all_values_extra_value",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "owner"]},
        DENIED,
    ),
    (
        "for_all_values_missing_key_true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        None,
        ALLOWED,
    ),
    (
        "for_all_values_empty_set_true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": []},
        ALLOWED,
    ),
    (
        "for_any_value_one_matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["owner", "env"]},
        ALLOWED,
    ),
    (
        "for_any_value_none_match",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["owner"]},
        DENIED,
    ),
    (
        "for_any_value_missing_key_false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        None,
        DENIED,
    ),
    (
        "for_any_value_string_like",
        {"ForAnyValue:StringLike": {"aws:TagKeys": "cost*"}},
        {"aws:TagKeys": ["costcenter"]},
        ALLOWED,
    ),
    (
        "for_all_values_negated",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["env", "secret"]},
        DENIED,
    ),
    (
        "for_any_value_negated",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["env", "secret"]},
        ALLOWED,
    ),
    (
        "multivalued_without_qualifier_any",
        {"StringEquals": {"aws:TagKeys": "env"}},
        {"aws:TagKeys": ["owner", "env"]},
        ALLOWED,
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "decision"),
    [pytest.param(c, ctx, d, id=name) for name, c, ctx, d in CASES],
)
def test_condition_operator(condition: dict, context: dict | None, decision: str) -> None:
    assert decide(condition, context) == decision


def test_variables_in_condition_values_are_literal_before_2012() -> None:
    condition = {"StringEquals": {"s3:prefix": "home/${aws:username}"}}
    assert decide(condition, {"s3:prefix": "home/alice"}, version="2008-10-17") == DENIED
    assert decide(condition, {"s3:prefix": "home/${aws:username}"}, version="2008-10-17") == ALLOWED


def test_condition_explanation_shows_values_compared() -> None:
    document = simulation(
        ALICE,
        "s3:GetObject",
        OBJECT,
        {"aws:SourceIp": "198.51.100.7"},
        identity_policies=[
            policy(
                allow(
                    "s3:GetObject",
                    "*",
                    Condition={
                        "IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                        "Null": {"aws:TokenIssueTime": "true"},
                    },
                )
            )
        ],
    )
    statement = simulate(document)["explanation"]["policies"][0]["statements"][0]
    assert statement["matched"] is False
    assert statement["conditions"] == [
        {
            "operator": "IpAddress",
            "key": "aws:SourceIp",
            "policy_values": ["203.0.113.0/24"],
            "request_values": ["198.51.100.7"],
            "matched": False,
        },
        {
            "operator": "Null",
            "key": "aws:TokenIssueTime",
            "policy_values": ["true"],
            "request_values": None,
            "matched": True,
        },
    ]
