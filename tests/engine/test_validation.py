"""Policy validation per type: exact error codes, JSON paths and messages."""

from __future__ import annotations

import pytest

from iamlab.engine import PolicyType, simulate, validate_policy
from tests.cast import ALICE, OBJECT, allow, deny, policy, simulation, trust

MALFORMED = "MalformedPolicyDocument"


def error(document: object, policy_type: PolicyType, path: str = "") -> dict:
    problem = validate_policy(document, policy_type, path)
    assert problem is not None, "expected the policy to be rejected"
    return problem


def test_valid_policies_of_every_type() -> None:
    assert validate_policy(policy(allow("s3:GetObject", OBJECT)), PolicyType.IDENTITY) is None
    assert validate_policy(trust({"AWS": ALICE}), PolicyType.TRUST) is None
    assert validate_policy(policy(allow("s3:*", "*", Principal="*")), PolicyType.RESOURCE) is None
    assert validate_policy(policy(allow()), PolicyType.PERMISSION_BOUNDARY) is None
    assert validate_policy(policy(allow()), PolicyType.SESSION) is None
    assert validate_policy(policy(allow()), PolicyType.SCP) is None
    assert validate_policy(policy(deny("s3:*", "*", Principal="*")), PolicyType.RCP) is None
    assert validate_policy(policy(allow("s3:*", "*", Principal="*")), PolicyType.ENDPOINT) is None
    assert validate_policy(policy(allow("s3:*", "*")), "identity") is None  # type: ignore[arg-type]


def test_effect_is_case_sensitive_with_full_path() -> None:
    document = policy(allow(), {"Effect": "allow", "Action": "*", "Resource": "*"})
    assert error(document, PolicyType.IDENTITY, "identity_policies[0]") == {
        "code": MALFORMED,
        "path": "identity_policies[0].Statement[1].Effect",
        "message": 'Effect must be "Allow" or "Deny" (case-sensitive), not "allow".',
    }


def test_missing_effect() -> None:
    assert error(policy({"Action": "*", "Resource": "*"}), PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[0].Effect",
        "message": 'Missing required field Effect: use "Allow" or "Deny".',
    }


def test_principal_prohibited_in_identity_policy() -> None:
    problem = error(policy(allow(Principal="*")), PolicyType.IDENTITY, "users[0].policies[1]")
    assert problem["path"] == "users[0].policies[1].Statement[0].Principal"
    assert problem["message"] == (
        "Has prohibited field Principal: an identity-based policy applies to the principal it is "
        "attached to, so it must not name one."
    )


def test_principal_required_in_resource_policy() -> None:
    problem = error(policy(allow("s3:GetObject", OBJECT)), PolicyType.RESOURCE)
    assert problem["path"] == "Statement[0].Principal"
    assert problem["message"].startswith("Missing required field Principal:")


def test_principal_required_in_rcp_suggests_the_only_principal_an_rcp_may_name() -> None:
    problem = error(policy(deny("s3:GetObject", OBJECT)), PolicyType.RCP)
    assert problem["path"] == "Statement[0].Principal"
    assert problem["message"] == (
        "Missing required field Principal: a resource control policy must say who it applies "
        'to, for example "Principal": "*" (narrowed with conditions).'
    )
    suggested = policy(deny("s3:GetObject", OBJECT, Principal="*"))
    assert validate_policy(suggested, PolicyType.RCP) is None


def test_principal_required_in_trust_policy() -> None:
    problem = error(policy(allow("sts:AssumeRole", None)), PolicyType.TRUST)
    assert problem["path"] == "Statement[0].Principal"


def test_not_principal_prohibited_in_trust_policy() -> None:
    document = policy(deny("sts:AssumeRole", None, NotPrincipal={"AWS": ALICE}))
    problem = error(document, PolicyType.TRUST)
    assert problem["path"] == "Statement[0].NotPrincipal"
    assert problem["message"].startswith("Has prohibited field NotPrincipal")


def test_not_principal_needs_deny() -> None:
    problem = error(policy(allow("s3:*", "*", NotPrincipal={"AWS": ALICE})), PolicyType.RESOURCE)
    assert problem == {
        "code": MALFORMED,
        "path": "Statement[0].NotPrincipal",
        "message": 'NotPrincipal is supported only with "Effect": "Deny"; to allow, name the '
        "principals in Principal.",
    }


def test_id_prohibited_in_identity_policy_but_allowed_in_resource_policy() -> None:
    document = {"Version": "2012-10-17", "Id": "Policy1", "Statement": [allow()]}
    assert error(document, PolicyType.IDENTITY)["path"] == "Id"
    with_principal = {"Version": "2012-10-17", "Id": "P1", "Statement": [allow(Principal="*")]}
    assert validate_policy(with_principal, PolicyType.RESOURCE) is None


def test_sid_characters_in_iam_policies() -> None:
    document = policy(allow(Sid="read reports"))
    assert error(document, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[0].Sid",
        "message": 'Sid "read reports" may contain only ASCII letters and digits (A-Z, a-z, 0-9).',
    }
    assert (
        validate_policy(policy(allow(Sid="read reports", Principal="*")), PolicyType.RESOURCE)
        is None
    )


def test_sid_must_be_unique() -> None:
    document = policy(allow(Sid="Read"), allow(Sid="Read"))
    assert error(document, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[1].Sid",
        "message": 'Sid "Read" is already used by Statement[0]; statement IDs must be unique '
        "within a policy.",
    }


def test_exactly_one_of_action_and_not_action() -> None:
    both = policy({"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"})
    assert error(both, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[0].NotAction",
        "message": "A statement needs exactly one of Action or NotAction; it has both.",
    }
    neither = policy({"Effect": "Allow", "Resource": "*"})
    assert error(neither, PolicyType.IDENTITY)["path"] == "Statement[0].Action"


def test_resource_required_except_in_trust_policies() -> None:
    problem = error(policy({"Effect": "Allow", "Action": "s3:*"}), PolicyType.IDENTITY)
    assert problem["path"] == "Statement[0].Resource"
    assert problem["message"].startswith("Missing required field Resource:")
    assert validate_policy(trust({"AWS": ALICE}), PolicyType.TRUST) is None


def test_action_needs_a_service_prefix() -> None:
    problem = error(policy(allow("GetObject")), PolicyType.IDENTITY)
    assert problem == {
        "code": MALFORMED,
        "path": "Statement[0].Action",
        "message": 'Action "GetObject" must be "*" or "service:action" with the service prefix '
        'spelled out, like "s3:GetObject" or "iam:List*".',
    }


def test_resource_must_be_an_arn() -> None:
    problem = error(policy(allow("s3:*", ["arn:aws:s3:::b", "bucket/*"])), PolicyType.IDENTITY)
    assert problem["path"] == "Statement[0].Resource[1]"
    assert problem["message"].startswith('Resource "bucket/*" must be "*" or an ARN')


def test_no_wildcard_in_resource_service() -> None:
    problem = error(policy(allow("s3:*", "arn:aws:s*:::bucket")), PolicyType.IDENTITY)
    assert problem["path"] == "Statement[0].Resource"
    assert "service segment" in problem["message"]


def test_unknown_elements() -> None:
    assert (
        error(policy(allow(Effects="Allow")), PolicyType.IDENTITY)["path"] == "Statement[0].Effects"
    )
    top = {"Version": "2012-10-17", "Statment": [allow()]}
    assert error(top, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statment",
        "message": 'Unknown policy element "Statment"; a policy document may contain only '
        "Version, Id and Statement.",
    }


def test_bad_version() -> None:
    problem = error({"Version": "2012-10-18", "Statement": [allow()]}, PolicyType.IDENTITY)
    assert problem == {
        "code": MALFORMED,
        "path": "Version",
        "message": 'Version must be "2012-10-17" (or the old "2008-10-17"), not "2012-10-18".',
    }


def test_size_limit_counts_no_white_space() -> None:
    padded = policy(allow("s3:GetObject", f"arn:aws:s3:::{'a' * 2000}"))
    assert validate_policy(padded, PolicyType.TRUST) == {
        "code": MALFORMED,
        "path": "",
        "message": "The role trust policy is 2108 characters long (white space not counted); "
        "the limit is 2048.",
    }
    assert validate_policy(padded, PolicyType.IDENTITY) is None
    # Spaces, even thousands of them inside values, do not count towards the limit.
    spaced = policy(allow(Condition={"StringEquals": {"aws:x": "a" + " " * 5000 + "b"}}))
    assert validate_policy(spaced, PolicyType.SESSION) is None
    huge = policy(*[allow(f"s3:GetObject{i}", "*") for i in range(400)])
    problem = error(huge, PolicyType.IDENTITY)
    assert problem["path"] == ""
    assert problem["message"].endswith("the limit is 10240.")
    # 2,048 characters of content fit a session policy however much white space surrounds it.
    content = policy(allow("s3:GetObject", f"arn:aws:s3:::{'b' * 1900}"))
    assert validate_policy(content, PolicyType.SESSION) is None


def test_characters_outside_latin1_rejected() -> None:
    problem = error(policy(allow(Sid="Read", Resource="arn:aws:s3:::b/日本")), PolicyType.IDENTITY)
    assert problem == {
        "code": MALFORMED,
        "path": "Statement[0].Resource",
        "message": "Character U+65E5 is not allowed: policy documents may use only TAB, LF, CR "
        "and characters U+0020 to U+00FF.",
    }
    assert (
        validate_policy(policy(allow("s3:*", "arn:aws:s3:::café/*")), PolicyType.IDENTITY) is None
    )


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ([], ""),
        ("policy", ""),
        (None, ""),
        ({}, "Statement"),
        ({"Statement": []}, "Statement"),
        ({"Statement": "Allow"}, "Statement"),
        ({"Statement": [None]}, "Statement[0]"),
        (
            {"Statement": [{"Effect": ["Allow"], "Action": "*", "Resource": "*"}]},
            "Statement[0].Effect",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]},
            "Statement[0].Action",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "", "Resource": "*"}]},
            "Statement[0].Action",
        ),
        ({"Statement": [{"Effect": "Allow", "Action": 5, "Resource": "*"}]}, "Statement[0].Action"),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": {"a": 1}}]},
            "Statement[0].Resource",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}]},
            "Statement[0].Condition",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Sid": 3}]},
            "Statement[0].Sid",
        ),
        ({"Version": 2012, "Statement": [allow()]}, "Version"),
        ({"Statement": [allow()], "Id": ["x"]}, "Id"),
    ],
)
def test_wrong_shapes_get_clear_errors(document: object, path: str) -> None:
    problem = validate_policy(document, PolicyType.IDENTITY)
    assert problem is not None
    assert problem["code"] == MALFORMED
    assert problem["path"] == path
    assert problem["message"].endswith(".")


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    nested: object = "x"
    for _ in range(5000):
        nested = [nested]
    problem = error(
        policy(allow("s3:*", "*", Condition={"StringEquals": {"aws:x": nested}})),
        PolicyType.IDENTITY,
    )
    assert problem["code"] == MALFORMED
    assert problem["message"] == "The document is nested more than 16 levels deep."


def test_non_json_values_are_errors() -> None:
    problem = error(
        policy(allow("s3:*", "*", Condition={"NumericLessThan": {"s3:max-keys": float("nan")}})),
        PolicyType.IDENTITY,
    )
    assert problem["path"] == "Statement[0].Condition.NumericLessThan.s3:max-keys"
    assert problem["message"] == "Numbers must be finite (no NaN or Infinity)."


def test_principal_partial_wildcard_rejected() -> None:
    document = policy(allow("s3:*", "*", Principal={"AWS": "arn:aws:iam::111122223333:user/*"}))
    problem = error(document, PolicyType.RESOURCE)
    assert problem["path"] == "Statement[0].Principal.AWS"
    assert problem["message"].startswith(
        'Invalid principal in policy: "arn:aws:iam::111122223333:user/*"'
    )


def test_group_cannot_be_a_principal() -> None:
    document = policy(
        allow("s3:*", "*", Principal={"AWS": ["arn:aws:iam::111122223333:group/devs"]})
    )
    problem = error(document, PolicyType.RESOURCE)
    assert problem["path"] == "Statement[0].Principal.AWS[0]"
    assert "a group cannot be a principal" in problem["message"]


def test_unknown_condition_operator() -> None:
    document = policy(allow("s3:*", "*", Condition={"stringequals": {"aws:username": "alice"}}))
    problem = error(document, PolicyType.IDENTITY)
    assert problem["path"] == "Statement[0].Condition.stringequals"
    assert problem["message"].endswith(
        'Operator names are case-sensitive: did you mean "StringEquals"?'
    )


def test_condition_values_checked_by_type() -> None:
    bad_ip = policy(
        allow("s3:*", "*", Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "ten"]}})
    )
    assert error(bad_ip, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[0].Condition.IpAddress.aws:SourceIp[1]",
        "message": 'The value "ten" for IpAddress is not an IP address or CIDR block (for example '
        '"203.0.113.0/24" or "2001:db8::/32").',
    }
    bad_date = policy(allow("s3:*", "*", Condition={"DateLessThan": {"aws:CurrentTime": "soon"}}))
    assert (
        error(bad_date, PolicyType.IDENTITY)["path"]
        == "Statement[0].Condition.DateLessThan.aws:CurrentTime"
    )
    bad_null = policy(allow("s3:*", "*", Condition={"Null": {"aws:TokenIssueTime": "maybe"}}))
    assert (
        error(bad_null, PolicyType.IDENTITY)["path"]
        == "Statement[0].Condition.Null.aws:TokenIssueTime"
    )


def test_rcp_rules() -> None:
    assert (
        error(policy(allow("s3:*", "*", Principal="*")), PolicyType.RCP)["path"]
        == "Statement[0].Effect"
    )
    named = policy(deny("s3:*", "*", Principal={"AWS": "111122223333"}))
    assert error(named, PolicyType.RCP)["path"] == "Statement[0].Principal"


def test_simulate_reports_policy_errors_with_document_paths() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": [allow(), {"Effect": "Permit", "Action": "*", "Resource": "*"}],
    }
    result = simulate(
        simulation(ALICE, "s3:GetObject", OBJECT, scps=[[policy(allow())], [policy(allow()), bad]])
    )
    assert result == {
        "error": {
            "code": MALFORMED,
            "path": "scps[1][1].Statement[1].Effect",
            "message": 'Effect must be "Allow" or "Deny" (case-sensitive), not "Permit".',
        }
    }


def test_trust_policy_validated_as_trust_for_assume_role() -> None:
    document = simulation(
        ALICE,
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/R",
        resource_policy=policy(deny("sts:AssumeRole", None, NotPrincipal={"AWS": ALICE})),
    )
    assert simulate(document)["error"]["path"] == "resource_policy.Statement[0].NotPrincipal"


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ([], "", "A simulation document must be a JSON object, not a list."),
        ({}, "request", None),
        ({"request": {"principal": ALICE, "action": "s3:GetObject"}}, "request.resource", None),
        (
            {"request": {"principal": ALICE, "action": "s3:Get*", "resource": "*"}},
            "request.action",
            None,
        ),
        (
            {"request": {"principal": "alice", "action": "s3:GetObject", "resource": "*"}},
            "request.principal",
            None,
        ),
        (
            {"request": {"principal": ALICE, "action": "s3:GetObject", "resource": "bucket"}},
            "request.resource",
            None,
        ),
        (
            {
                "request": {
                    "principal": ALICE,
                    "action": "s3:GetObject",
                    "resource": "*",
                    "context": [],
                }
            },
            "request.context",
            None,
        ),
        (
            {
                "request": {
                    "principal": ALICE,
                    "action": "s3:GetObject",
                    "resource": "*",
                    "context": {"a:b": {"x": 1}},
                }
            },
            "request.context.a:b",
            None,
        ),
        (
            {
                "request": {
                    "principal": ALICE,
                    "action": "s3:GetObject",
                    "resource": "*",
                    "resource_account": "12",
                }
            },
            "request.resource_account",
            None,
        ),
        (
            {
                "request": {
                    "principal": ALICE,
                    "action": "s3:GetObject",
                    "resource": "*",
                    "actor": "x",
                }
            },
            "request.actor",
            None,
        ),
        (
            {
                "request": {"principal": ALICE, "action": "s3:GetObject", "resource": "*"},
                "identity_policy": [],
            },
            "identity_policy",
            None,
        ),
        (
            {
                "request": {"principal": ALICE, "action": "s3:GetObject", "resource": "*"},
                "scps": [policy(allow())],
            },
            "scps[0]",
            None,
        ),
        (
            {
                "request": {"principal": ALICE, "action": "s3:GetObject", "resource": "*"},
                "scps": [[]],
            },
            "scps[0]",
            None,
        ),
        ({"request": {"principal": ALICE, "action": "", "resource": "*"}}, "request.action", None),
    ],
)
def test_invalid_simulation_documents(document: object, path: str, message: str | None) -> None:
    result = simulate(document)  # type: ignore[arg-type]
    assert set(result) == {"error"}
    assert result["error"]["code"] == "InvalidSimulation"
    assert result["error"]["path"] == path
    if message is not None:
        assert result["error"]["message"] == message


def test_null_takes_no_set_qualifier_or_if_exists() -> None:
    with_qualifier = policy(allow(Condition={"ForAnyValue:Null": {"aws:TagKeys": "true"}}))
    assert error(with_qualifier, PolicyType.IDENTITY) == {
        "code": MALFORMED,
        "path": "Statement[0].Condition.ForAnyValue:Null",
        "message": "Null cannot be combined with ForAnyValue:; it already tests whether the key "
        "is present.",
    }
    if_exists = policy(allow(Condition={"NullIfExists": {"aws:TagKeys": "true"}}))
    assert error(if_exists, PolicyType.IDENTITY)["path"] == "Statement[0].Condition.NullIfExists"


def test_unknown_policy_type_is_an_error_not_an_exception() -> None:
    assert validate_policy(policy(allow()), "bucket", "x") == {  # type: ignore[arg-type]
        "code": MALFORMED,
        "path": "x",
        "message": "Unknown policy type 'bucket'; use one of identity, resource, trust, "
        "permission_boundary, session, scp, rcp, endpoint.",
    }
