"""Bad input of any shape gets a clear error, never an exception or a hang."""

from __future__ import annotations

import json
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.engine import PolicyType, simulate, validate_policy
from tests.cast import ALICE, OBJECT, allow, policy, simulation

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["*", "Allow", "Deny", "s3:GetObject", "arn:aws:s3:::b/*", "2012-10-17"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "Condition",
                    "Statement",
                    "Version",
                    "x",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
PLACES = st.sampled_from(
    [
        ("request",),
        ("request", "principal"),
        ("request", "action"),
        ("request", "resource"),
        ("request", "context"),
        ("identity_policies",),
        ("identity_policies", 0),
        ("identity_policies", 0, "Statement"),
        ("identity_policies", 0, "Statement", 0, "Condition"),
        ("identity_policies", 0, "Statement", 0, "Action"),
        ("resource_policy",),
        ("scps",),
        ("session_policy",),
    ]
)


def well_formed(result: dict) -> bool:
    if set(result) == {"error"}:
        error = result["error"]
        return (
            set(error) == {"code", "path", "message"}
            and error["code"] in {"MalformedPolicyDocument", "InvalidSimulation"}
            and isinstance(error["path"], str)
            and bool(error["message"])
        )
    return set(result) == {"decision", "explanation"} and bool(json.dumps(result))


@settings(max_examples=60, deadline=None)
@given(place=PLACES, value=JSON_VALUES)
def test_any_value_anywhere_gives_a_decision_or_an_error(place: tuple, value: object) -> None:
    document = simulation(
        ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(allow("s3:GetObject", "*"))]
    )
    target: object = document
    for step in place[:-1]:
        target = target[step]  # type: ignore[index]
    target[place[-1]] = value  # type: ignore[index]
    assert well_formed(simulate(document))


@settings(max_examples=60, deadline=None)
@given(value=JSON_VALUES, policy_type=st.sampled_from(list(PolicyType)))
def test_validate_policy_never_raises(value: object, policy_type: PolicyType) -> None:
    problem = validate_policy(value, policy_type, "p")
    assert problem is None or (problem["code"] == "MalformedPolicyDocument" and problem["message"])


def test_non_json_python_values_are_errors() -> None:
    document = simulation(
        ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(allow(Sid=object()))]
    )
    assert simulate(document)["error"]["path"] == "identity_policies[0].Statement[0].Sid"
    assert simulate("not a document")["error"]["code"] == "InvalidSimulation"  # type: ignore[arg-type]


def test_huge_policy_is_rejected_quickly() -> None:
    huge = policy(*[allow(f"s3:GetObject{i}", "*") for i in range(2_000)])
    result = simulate(simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[huge]))
    assert result["error"]["path"] == "identity_policies[0]"
    assert result["error"]["message"].endswith("the limit is 10240.")


def test_empty_strings_are_errors() -> None:
    assert simulate(simulation("", "s3:GetObject", OBJECT))["error"]["path"] == "request.principal"
    empty_action = simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(allow(""))])
    assert simulate(empty_action)["error"] == {
        "code": "MalformedPolicyDocument",
        "path": "identity_policies[0].Statement[0].Action",
        "message": "Action must not be an empty string.",
    }


def test_circular_structures_are_errors() -> None:
    statement = allow("s3:GetObject", "*")
    statement["Condition"] = {"StringEquals": {"aws:x": []}}
    statement["Condition"]["StringEquals"]["aws:x"].append(statement)
    result = simulate(
        simulation(ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(statement)])
    )
    assert result["error"]["code"] == "MalformedPolicyDocument"
    assert result["error"]["path"].startswith("identity_policies[0].Statement[0].Condition")
    assert result["error"]["message"] == "The document is nested more than 16 levels deep."


def test_an_engine_bug_is_reported_as_an_error_not_raised() -> None:
    document = simulation(ALICE, "s3:GetObject", OBJECT)
    with mock.patch("iamlab.engine.evaluate", side_effect=KeyError("boom")):
        result = simulate(document)
    assert result == {
        "error": {
            "code": "InvalidSimulation",
            "path": "",
            "message": "The engine failed on this document (internal error KeyError); this is "
            "a bug in IAM Lab, please report it.",
        }
    }
