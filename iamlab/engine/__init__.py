"""The authorization engine: decide a request the way AWS does, and explain why.

Pure Python: no Django, no I/O, no clock. See docs/engine.md and docs/contracts.md section 1.
"""

from __future__ import annotations

from iamlab.engine.errors import INVALID_SIMULATION, EngineInputError
from iamlab.engine.evaluation import evaluate
from iamlab.engine.explanation import build_explanation
from iamlab.engine.parsing import compile_policy
from iamlab.engine.policy_types import PolicyType
from iamlab.engine.principals import PrincipalEntry, StatementPrincipals
from iamlab.engine.simulation import read_simulation

__all__ = [
    "PolicyType",
    "PrincipalEntry",
    "StatementPrincipals",
    "simulate",
    "statement_principals",
    "validate_policy",
]


def simulate(document: dict) -> dict:  # type: ignore[type-arg]
    """Decide the request in a simulation document; return the decision or an error, never raise."""
    try:
        evaluation = evaluate(read_simulation(document))
        return {"decision": evaluation.decision, "explanation": build_explanation(evaluation)}
    except EngineInputError as problem:
        return {"error": problem.as_dict()}
    except RecursionError:
        return {
            "error": {
                "code": INVALID_SIMULATION,
                "path": "",
                "message": "The document is nested too deeply to evaluate.",
            }
        }
    except Exception as failure:
        # Reaching this is an engine bug, not a student's mistake; say so rather than crash
        # the page that asked.
        return {
            "error": {
                "code": INVALID_SIMULATION,
                "path": "",
                "message": "The engine failed on this document (internal error "
                f"{type(failure).__name__}); this is a bug in IAM Lab, please report it.",
            }
        }


def validate_policy(document: object, policy_type: PolicyType, path: str = "") -> dict | None:  # type: ignore[type-arg]
    """Return None when the policy is valid for its type, else the MalformedPolicyDocument error."""
    try:
        kind = PolicyType(policy_type)
    except ValueError:
        return {
            "code": "MalformedPolicyDocument",
            "path": path,
            "message": f"Unknown policy type {policy_type!r}; use one of "
            + ", ".join(member.value for member in PolicyType)
            + ".",
        }
    try:
        compile_policy(document, kind, path)
    except EngineInputError as problem:
        return problem.as_dict()
    except RecursionError:
        return {
            "code": "MalformedPolicyDocument",
            "path": path,
            "message": "The document is nested too deeply.",
        }
    return None


def statement_principals(
    document: object, policy_type: PolicyType
) -> list[StatementPrincipals] | None:
    """List whom each statement of a policy names, classified; None when it is malformed.

    The one place outside evaluation that reads Principal elements: pages and the world
    translate these entries (their `kind`, `account`, `role_name`, `provider`) instead of
    testing the strings again.
    """
    try:
        policy = compile_policy(document, PolicyType(policy_type))
    except (EngineInputError, RecursionError, ValueError):
        return None
    return [
        StatementPrincipals(
            path=statement.path,
            effect=statement.effect,
            element=statement.principal_element,
            entries=statement.principals,
            actions=tuple(text for text, _pattern in statement.actions),
            action_element=statement.action_element,
            conditional=bool(statement.conditions),
        )
        for statement in policy.statements
    ]
