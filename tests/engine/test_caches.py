"""The engine's caches never change an answer: repeated policies, callers and step outcomes."""

from __future__ import annotations

import copy

from iamlab.engine import simulate
from tests.cast import ALICE, OBJECT, SESSION, allow, deny, policy, simulation


def test_changing_one_explanation_leaves_the_next_one_untouched() -> None:
    document = simulation(
        ALICE,
        "s3:GetObject",
        OBJECT,
        context={"aws:SecureTransport": True},
        identity_policies=[
            policy(allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}}))
        ],
    )
    first = simulate(copy.deepcopy(document))
    expected = copy.deepcopy(first)
    first["explanation"]["steps"][0]["note"] = "changed by a caller"
    first["explanation"]["steps"].clear()
    first["explanation"]["policies"][0]["statements"][0]["conditions"][0]["matched"] = False
    first["explanation"]["deciding_statements"].clear()

    assert simulate(copy.deepcopy(document)) == expected


def test_policy_values_equal_in_python_but_not_in_json_are_not_confused() -> None:
    # True == 1 in Python, but the policy value true is the text "true" and 1 is "1".
    def document(value: object) -> dict:
        return simulation(
            ALICE,
            "s3:GetObject",
            OBJECT,
            context={"aws:RequestTag/flag": "true"},
            identity_policies=[
                policy(
                    allow(
                        "s3:GetObject", Condition={"StringEquals": {"aws:RequestTag/flag": value}}
                    )
                )
            ],
        )

    assert simulate(document(True))["decision"] == "Allowed"
    assert simulate(document(1))["decision"] == "ImplicitlyDenied"
    assert simulate(document(True))["decision"] == "Allowed"


def test_same_caller_and_policies_with_different_step_outcomes_keep_their_own_steps() -> None:
    identity = [policy(allow("s3:GetObject"), deny("s3:DeleteObject"))]
    context = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ReportReader"}
    read = simulate(
        simulation(SESSION, "s3:GetObject", OBJECT, context, identity_policies=identity)
    )
    delete = simulate(
        simulation(SESSION, "s3:DeleteObject", OBJECT, context, identity_policies=identity)
    )
    read_again = simulate(
        simulation(SESSION, "s3:GetObject", OBJECT, context, identity_policies=identity)
    )

    assert read["decision"] == "Allowed"
    assert delete["decision"] == "ExplicitlyDenied"
    assert [(s["step"], s["result"]) for s in delete["explanation"]["steps"]][:1] == [
        ("deny_evaluation", "Deny")
    ]
    assert delete["explanation"]["steps"][0]["note"] == (
        "A Deny statement matches s3:DeleteObject, and an explicit deny overrides every allow."
    )
    assert read_again == read
    assert read["explanation"]["steps"][0] == {
        "step": "deny_evaluation",
        "policy_type": None,
        "present": True,
        "result": "NoMatch",
        "note": "No Deny statement in any policy matches this request.",
    }
