"""The evaluation flow: the engine's steps in order, the path lit, the deciding step marked."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from iamlab.diagrams.evaluation import evaluation_flow
from iamlab.diagrams.graph import to_dot
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind
from iamlab.world import World
from iamlab.world.examples import ACCOUNT_ID, iam_roles_spec
from tests.diagrams.worlds import edges, node_by_title

ALICE = f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
PUBLISHER = f"arn:aws:iam::{ACCOUNT_ID}:role/ReportPublisher"


def step(name: str, policy_type: str | None, result: str, note: str = "") -> dict[str, Any]:
    return {
        "step": name,
        "policy_type": policy_type,
        "present": result != "NotApplicable",
        "result": result,
        "note": note,
    }


def explicit_deny_result() -> dict[str, Any]:
    """An engine result (docs/contracts.md shape) where a bucket policy explicitly denies."""
    return {
        "decision": "ExplicitlyDenied",
        "explanation": {
            "request": {
                "principal": ALICE,
                "action": "s3:DeleteObject",
                "resource": "arn:aws:s3:::example-reports/q1.csv",
                "principal_account": ACCOUNT_ID,
                "resource_account": ACCOUNT_ID,
                "same_account": True,
            },
            "steps": [
                step("deny_evaluation", None, "Deny", "A Deny statement matches."),
                step("resource_policy", "resource-based policy", "Skipped"),
                step("identity_policy", "identity-based policy", "Skipped"),
            ],
            "policies": [
                {
                    "path": "resource_policy",
                    "policy_type": "resource-based policy",
                    "statements": [
                        {
                            "index": 0,
                            "sid": "NoDeletes",
                            "effect": "Deny",
                            "matched": True,
                            "action": {
                                "element": "Action",
                                "matched": True,
                                "matched_by": "s3:Delete*",
                            },
                            "resource": {
                                "element": "Resource",
                                "matched": True,
                                "matched_by": "arn:aws:s3:::example-reports/*",
                            },
                            "principal": {
                                "element": "Principal",
                                "matched": True,
                                "matched_by": "*",
                            },
                            "conditions": [],
                        }
                    ],
                }
            ],
            "deciding_statements": [
                {
                    "path": "resource_policy.Statement[0]",
                    "policy_type": "resource-based policy",
                    "sid": "NoDeletes",
                    "effect": "Deny",
                }
            ],
            "deciding_step": "deny_evaluation",
            "denied_by": {"policy_type": "resource-based policy", "explicit": True},
        },
    }


def test_explicit_deny_is_decided_at_the_deny_check_and_names_the_statement() -> None:
    diagram = evaluation_flow(explicit_deny_result())
    assert [node.title for node in diagram.nodes.values()] == [
        "Request",
        "1. Explicit deny check",
        "2. Resource-based policy",
        "3. Identity-based policies",
        "Explicitly denied",
        "Statement that decided",
    ]
    assert node_by_title(diagram, "1. Explicit deny check").marks == {Mark.STEP_DENY, Mark.DECIDING}
    assert node_by_title(diagram, "2. Resource-based policy").marks == {Mark.NOT_REACHED}
    decision = node_by_title(diagram, "Explicitly denied")
    assert decision.kind is NodeKind.DENIED
    assert decision.details == ["explicit deny in the resource-based policy"]
    assert node_by_title(diagram, "Statement that decided").details == [
        "resource_policy.Statement[0]",
        "Sid NoDeletes",
        "Effect Deny (resource-based policy)",
        "Principal matched by *",
        "Action matched by s3:Delete*",
        "Resource matched by arn:aws:s3:::example-reports/*",
    ]
    assert edges(diagram) == {
        ("Request", "1. Explicit deny check", EdgeKind.PATH_TAKEN, ""),
        ("1. Explicit deny check", "2. Resource-based policy", EdgeKind.NOT_REACHED, ""),
        ("2. Resource-based policy", "3. Identity-based policies", EdgeKind.NOT_REACHED, ""),
        ("1. Explicit deny check", "Explicitly denied", EdgeKind.PATH_TAKEN, ""),
        ("1. Explicit deny check", "Statement that decided", EdgeKind.BELONGS_TO, ""),
    }
    assert diagram.summary == (
        f"Request by {ALICE} to perform s3:DeleteObject on arn:aws:s3:::example-reports/q1.csv: "
        "Explicitly denied by the resource-based policy."
    )


def test_assume_role_shows_the_trust_policy_as_its_own_deciding_step() -> None:
    world = World.from_spec(iam_roles_spec())
    diagram = evaluation_flow(world.simulate(ALICE, "sts:AssumeRole", PUBLISHER))
    trust = next(n for n in diagram.nodes.values() if n.title.endswith(". Role trust policy"))
    assert trust.marks == {Mark.STEP_ALLOW, Mark.DECIDING}
    assert trust.details[0] == "result: found an Allow"
    decision = node_by_title(diagram, "Allowed")
    assert decision.kind is NodeKind.ALLOWED
    statement = node_by_title(diagram, "Statement that decided")
    assert f"Principal matched by {ALICE}" in statement.details
    assert ("Effect Allow (role trust policy)") in statement.details
    assert (trust.title, "Statement that decided", EdgeKind.BELONGS_TO, "") in edges(diagram)
    # The path runs from the request to the decision through every evaluated step.
    path = [e for e in diagram.edges if e.kind is EdgeKind.PATH_TAKEN]
    assert path[0].tail == "request"
    assert path[-1].head == "decision"
    assert all(a.head == b.tail for a, b in pairwise(path))


def test_implicit_deny_is_decided_by_the_identity_based_policies() -> None:
    world = World.from_spec(iam_roles_spec())
    result = world.simulate(ALICE, "s3:PutObject", "arn:aws:s3:::example-reports/q2.csv")
    diagram = evaluation_flow(result)
    identity = next(
        n for n in diagram.nodes.values() if n.title.endswith("Identity-based policies")
    )
    assert Mark.DECIDING in identity.marks
    assert node_by_title(diagram, "Implicitly denied").details == [
        "no Allow in the identity-based policy"
    ]
    after = list(diagram.nodes.values())
    index = after.index(identity)
    later_steps = [n for n in after[index + 1 :] if n.kind is NodeKind.STEP]
    assert all(Mark.NOT_REACHED in n.marks for n in later_steps)
    assert diagram.summary.endswith("Implicitly denied by the identity-based policy.")


def test_an_allowed_role_session_is_decided_by_its_identity_policy_not_the_session_step() -> None:
    # With no session policy the session-policy step is not applicable: the statement that
    # allowed the request is the role's identity-based policy, and the engine says so.
    world = World.from_spec(iam_roles_spec())
    result = world.simulate(PUBLISHER, "s3:PutObject", "arn:aws:s3:::example-reports/x.txt")
    assert result["decision"] == "Allowed"
    assert result["explanation"]["deciding_step"] == "identity_policy"
    diagram = evaluation_flow(result)
    steps = [n for n in diagram.nodes.values() if n.kind is NodeKind.STEP]
    deciding = [n.title for n in steps if Mark.DECIDING in n.marks]
    assert len(deciding) == 1 and deciding[0].endswith(". Identity-based policies")
    session = next(n for n in steps if n.title.endswith(". Session policy"))
    assert session.marks.isdisjoint({Mark.DECIDING, Mark.STEP_ALLOW})
    assert session.details[:2] == ["result: does not apply", "no policy of this type"]
    decided = [fact for fact in diagram.facts if "This step decided" in fact]
    assert len(decided) == 1
    assert re.match(r"Step \d+, Identity-based policies: found an Allow\.", decided[0])


def test_deciding_step_is_drawn_with_a_double_outline_and_the_path_thick() -> None:
    dot = to_dot(evaluation_flow(explicit_deny_result()))
    deciding = next(line for line in dot.splitlines() if "1. Explicit deny check" in line)
    assert "peripheries=2" in deciding
    assert "<BR/>DECIDED HERE>" in deciding
    assert re.search(r'n1 -> n2 \[[^\n]*color="#000000" penwidth=2\.5 style=bold\]', dot)
    assert re.search(r"n2 -> n3 \[[^\n]*style=dotted\]", dot)


def test_an_engine_error_becomes_a_one_node_diagram_that_says_why() -> None:
    diagram = evaluation_flow(
        {
            "error": {
                "code": "InvalidSimulation",
                "path": "request.action",
                "message": "must be service:Action",
            }
        }
    )
    assert [(n.kind, n.title) for n in diagram.nodes.values()] == [
        (NodeKind.DENIED, "InvalidSimulation")
    ]
    assert diagram.summary == (
        "The engine could not evaluate this request: InvalidSimulation at request.action: "
        "must be service:Action"
    )
