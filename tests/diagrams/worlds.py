"""Small worlds for the diagrams tests, each built to show one thing a diagram must draw.

Their people and policies come from the shared cast (tests/cast.py)."""

from __future__ import annotations

from typing import Any

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.legend import EdgeKind
from tests.cast import ACCOUNT, ADMINISTRATOR_ACCESS, OTHER_ACCOUNT, arn, policy, trust


def may_assume(*role_names: str) -> dict[str, Any]:
    return {
        "name": "AssumeRoles",
        "document": policy(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": [arn("role", name) for name in role_names],
            }
        ),
    }


def escalation_spec() -> dict[str, Any]:
    """A world with paths to administrator: direct, through a chain, and through PassRole.

    - eve may assume Operator, which may assume Breakglass (AdministratorAccess).
    - mallory may pass LambdaAdmin (AdministratorAccess, trusted by Lambda) to Lambda.
    - bob may assume Auditor only with MFA; Auditor may do nothing dangerous.
    - trent has AdministratorAccess himself.
    - PartnerAccess trusts account 444455556666 with an ExternalId.
    - nobody's policies allow assuming Unused, which trusts the whole account.
    """
    return {
        "start_time": "2026-01-05T09:00:00Z",
        "accounts": [
            {
                "id": ACCOUNT,
                "alias": "example-corp",
                "users": [
                    {"name": "eve", "inline_policies": [may_assume("Operator")]},
                    {
                        "name": "mallory",
                        "inline_policies": [
                            {
                                "name": "PassLambdaAdmin",
                                "document": policy(
                                    {
                                        "Effect": "Allow",
                                        "Action": "iam:PassRole",
                                        "Resource": arn("role", "LambdaAdmin"),
                                        "Condition": {
                                            "StringEquals": {
                                                "iam:PassedToService": "lambda.amazonaws.com"
                                            }
                                        },
                                    }
                                ),
                            }
                        ],
                    },
                    {"name": "bob", "inline_policies": [may_assume("Auditor")]},
                    {"name": "trent", "managed_policies": [ADMINISTRATOR_ACCESS]},
                ],
                "roles": [
                    {
                        "name": "Operator",
                        "trust_policy": trust({"AWS": arn("user", "eve")}),
                        "inline_policies": [may_assume("Breakglass")],
                    },
                    {
                        "name": "Breakglass",
                        "trust_policy": trust({"AWS": arn("role", "Operator")}),
                        "managed_policies": [ADMINISTRATOR_ACCESS],
                    },
                    {
                        "name": "LambdaAdmin",
                        "trust_policy": trust({"Service": "lambda.amazonaws.com"}),
                        "managed_policies": [ADMINISTRATOR_ACCESS],
                    },
                    {
                        "name": "Auditor",
                        "trust_policy": trust(
                            {"AWS": ACCOUNT},
                            Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                        ),
                        "managed_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    },
                    {
                        "name": "PartnerAccess",
                        "trust_policy": trust(
                            {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                            Condition={"StringEquals": {"sts:ExternalId": "Unicorn42"}},
                        ),
                    },
                    {"name": "Unused", "trust_policy": trust({"AWS": ACCOUNT})},
                ],
            }
        ],
    }


def edges(diagram: Diagram) -> set[tuple[str, str, EdgeKind, str]]:
    """Return the diagram's edges as (tail title, head title, kind, label)."""
    nodes = diagram.nodes
    return {
        (nodes[edge.tail].title, nodes[edge.head].title, edge.kind, edge.label)
        for edge in diagram.edges
    }


def node_by_title(diagram: Diagram, title: str) -> Any:
    """Return the one node with this title."""
    found = [node for node in diagram.nodes.values() if node.title == title]
    assert len(found) == 1, f"{len(found)} nodes titled {title!r}"
    return found[0]
