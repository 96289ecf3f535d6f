"""The explanation follows docs/contracts.md section 1 and says which statements decided."""

from __future__ import annotations

import json

from iamlab.engine import simulate
from tests.cast import (
    ACCOUNT,
    ALICE,
    BOB_ELSEWHERE,
    BUCKET,
    OBJECT,
    OTHER_ROOT,
    ROLE,
    ROOT,
    SESSION,
    allow,
    deny,
    policy,
    simulation,
    trust,
)

STEP_KEYS = {"step", "policy_type", "present", "result", "note"}
RESULTS = {"Allow", "Deny", "NoMatch", "NotApplicable", "Skipped"}


def explain(document: dict) -> dict:
    result = simulate(document)
    assert "error" not in result, result
    # The explanation must survive a JSON round trip unchanged.
    assert json.loads(json.dumps(result)) == result
    return result["explanation"]


def test_request_summary() -> None:
    explanation = explain(
        simulation(SESSION, "s3:GetObject", OBJECT, resource_account="444455556666")
    )
    assert explanation["request"] == {
        "principal": SESSION,
        "action": "s3:GetObject",
        "resource": OBJECT,
        "principal_account": ACCOUNT,
        "resource_account": "444455556666",
        "same_account": False,
        "principal_kind": "assumed_role",
    }


def test_steps_in_aws_order_with_contract_keys() -> None:
    explanation = explain(
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:*"))],
            session_policy=policy(allow("ec2:*")),
            scps=[[policy(allow())]],
        )
    )
    steps = explanation["steps"]
    assert [step["step"] for step in steps] == [
        "deny_evaluation",
        "rcp",
        "scp",
        "endpoint_policy",
        "resource_policy",
        "root_user",
        "identity_policy",
        "permission_boundary",
        "session_policy",
    ]
    for step in steps:
        assert set(step) == STEP_KEYS
        assert step["result"] in RESULTS
        assert isinstance(step["note"], str) and step["note"].endswith(".")
    by_name = {step["step"]: step for step in steps}
    assert by_name["scp"]["result"] == "Allow"
    assert by_name["scp"]["policy_type"] == "service control policy"
    assert by_name["identity_policy"]["result"] == "Allow"
    assert by_name["session_policy"]["result"] == "NoMatch"
    assert by_name["session_policy"]["present"] is True
    assert by_name["permission_boundary"] == {
        "step": "permission_boundary",
        "policy_type": "permissions boundary",
        "present": False,
        "result": "NotApplicable",
        "note": "No permissions boundary is set for this principal.",
    }
    assert explanation["denied_by"] == {
        "policy_type": "session policy",
        "explicit": False,
        "message_says_explicit": False,
    }
    assert explanation["deciding_statements"] == []


def test_trust_policy_step_replaces_resource_policy_step() -> None:
    explanation = explain(
        simulation(ALICE, "sts:AssumeRole", ROLE, resource_policy=trust({"AWS": ALICE}))
    )
    names = [step["step"] for step in explanation["steps"]]
    assert "trust_policy" in names and "resource_policy" not in names
    trust_step = next(step for step in explanation["steps"] if step["step"] == "trust_policy")
    assert trust_step["policy_type"] == "role trust policy"
    assert trust_step["result"] == "Allow"
    assert explanation["deciding_statements"] == [
        {
            "path": "resource_policy.Statement[0]",
            "policy_type": "role trust policy",
            "sid": None,
            "effect": "Allow",
        }
    ]
    identity = next(step for step in explanation["steps"] if step["step"] == "identity_policy")
    assert identity["result"] == "Skipped"


def test_explicit_deny_lists_every_matching_deny_and_skips_later_steps() -> None:
    explanation = explain(
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:*"), deny("s3:GetObject", Sid="NoReads"))],
            resource_policy=policy(deny("s3:*", f"{BUCKET}/*", Principal="*")),
        )
    )
    assert explanation["deciding_statements"] == [
        {
            "path": "resource_policy.Statement[0]",
            "policy_type": "resource-based policy",
            "sid": None,
            "effect": "Deny",
        },
        {
            "path": "identity_policies[0].Statement[1]",
            "policy_type": "identity-based policy",
            "sid": "NoReads",
            "effect": "Deny",
        },
    ]
    assert explanation["denied_by"] == {
        "policy_type": "resource-based policy",
        "explicit": True,
        "message_says_explicit": True,
    }
    results = {step["step"]: step["result"] for step in explanation["steps"]}
    assert results["deny_evaluation"] == "Deny"
    assert results["resource_policy"] == "Deny"
    assert results["identity_policy"] == "Deny"
    assert results["permission_boundary"] == "NotApplicable"


def test_scp_implicit_deny_is_worded_as_implicit() -> None:
    # IAM User Guide, "Troubleshoot access denied error messages" (current page), "Access
    # denied due to a service control policy - implicit denial":
    #   User: arn:aws:iam::777788889999:user/John is not authorized to perform:
    #   codecommit:ListRepositories because no service control policy allows the
    #   codecommit:ListRespositories action
    # The 2023 page said an SCP denial always read "explicit deny"; the current one does not.
    explanation = explain(
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow())],
            scps=[[policy(allow("ec2:*"))]],
        )
    )
    assert explanation["denied_by"] == {
        "policy_type": "service control policy",
        "explicit": False,
        "message_says_explicit": False,
    }
    assert explanation["deciding_step"] == "scp"


def test_statement_records_for_every_policy() -> None:
    explanation = explain(
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:PutObject", OBJECT, Sid="Write"))],
            scps=[[policy(allow())], [policy(allow("s3:*"))]],
        )
    )
    assert [p["path"] for p in explanation["policies"]] == [
        "scps[0][0]",
        "scps[1][0]",
        "identity_policies[0]",
    ]
    assert explanation["policies"][1]["level"] == 1
    identity = explanation["policies"][2]
    assert identity["policy_type"] == "identity-based policy"
    assert identity["statements"] == [
        {
            "index": 0,
            "sid": "Write",
            "effect": "Allow",
            "matched": False,
            "action": {"element": "Action", "matched": False, "matched_by": None},
            "resource": {"element": "Resource", "matched": True, "matched_by": OBJECT},
            "principal": None,
            "conditions": [],
        }
    ]


def test_allowed_lists_deciding_allows_from_every_gate() -> None:
    explanation = explain(
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:GetObject"))],
            permission_boundary=policy(allow("s3:*")),
            session_policy=policy(allow("s3:Get*")),
            scps=[[policy(allow())]],
        )
    )
    assert [s["path"] for s in explanation["deciding_statements"]] == [
        "scps[0][0].Statement[0]",
        "identity_policies[0].Statement[0]",
        "permission_boundary.Statement[0]",
        "session_policy.Statement[0]",
    ]
    assert explanation["denied_by"] is None


def test_policies_that_do_not_apply_never_decide() -> None:
    explanation = explain(
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:GetObject"))],
            session_policy=policy(allow("s3:*"), deny("s3:PutObject")),
        )
    )
    assert [s["path"] for s in explanation["deciding_statements"]] == [
        "identity_policies[0].Statement[0]"
    ]
    session = next(p for p in explanation["policies"] if p["path"] == "session_policy")
    assert session["applies"] is False


def _steps(explanation: dict) -> dict[str, dict]:
    return {step["step"]: step for step in explanation["steps"]}


def test_role_session_without_session_policy_is_not_applicable_and_identity_decides() -> None:
    # A step with no policy of its type is not applicable, never an Allow: the identity-based
    # policy's statement is what allowed the request, so its step decided.
    explanation = explain(
        simulation(
            SESSION,
            "s3:PutObject",
            OBJECT,
            identity_policies=[policy(allow("s3:PutObject", Sid="ReadAndWriteReports"))],
        )
    )
    steps = _steps(explanation)
    assert steps["session_policy"] == {
        "step": "session_policy",
        "policy_type": "session policy",
        "present": False,
        "result": "NotApplicable",
        "note": "The role session has no session policy, so the role's permissions apply "
        "unchanged.",
    }
    assert steps["identity_policy"]["result"] == "Allow"
    assert explanation["deciding_step"] == "identity_policy"
    assert [s["path"] for s in explanation["deciding_statements"]] == [
        "identity_policies[0].Statement[0]"
    ]
    for step in explanation["steps"]:
        if step["policy_type"] is not None and not step["present"]:
            assert step["result"] in {"NotApplicable", "Skipped", "NoMatch"}, step


def test_allowed_with_boundary_and_session_policy_is_decided_by_the_identity_policy() -> None:
    explanation = explain(
        simulation(
            SESSION,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow("s3:GetObject"))],
            permission_boundary=policy(allow("s3:*")),
            session_policy=policy(allow("s3:Get*")),
        )
    )
    assert _steps(explanation)["session_policy"]["result"] == "Allow"
    assert explanation["deciding_step"] == "identity_policy"


def test_deciding_step_of_resource_grants_denials_and_root() -> None:
    bucket_policy = policy(allow("s3:GetObject", OBJECT, Principal={"AWS": ALICE}))
    same_account = explain(simulation(ALICE, "s3:GetObject", OBJECT, resource_policy=bucket_policy))
    assert same_account["deciding_step"] == "resource_policy"

    cross_account = explain(
        simulation(
            BOB_ELSEWHERE,
            "s3:GetObject",
            OBJECT,
            resource_account=ACCOUNT,
            identity_policies=[policy(allow("s3:GetObject"))],
            resource_policy=policy(allow("s3:GetObject", OBJECT, Principal={"AWS": OTHER_ROOT})),
        )
    )
    assert cross_account["deciding_step"] == "identity_policy"

    untrusted = explain(
        simulation(
            ALICE,
            "sts:AssumeRole",
            ROLE,
            identity_policies=[policy(allow("sts:AssumeRole"))],
            resource_policy=trust({"AWS": BOB_ELSEWHERE}),
        )
    )
    assert untrusted["denied_by"]["policy_type"] == "role trust policy"
    assert untrusted["deciding_step"] == "trust_policy"

    denied = explain(
        simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            identity_policies=[policy(allow()), policy(deny("s3:GetObject"))],
        )
    )
    assert denied["deciding_step"] == "deny_evaluation"

    root = explain(simulation(ROOT, "s3:GetObject", OBJECT))
    assert root["deciding_step"] == "root_user"

    who_am_i = explain(simulation(ALICE, "sts:GetCallerIdentity", "*"))
    assert who_am_i["deciding_step"] is None
