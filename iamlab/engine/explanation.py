"""The explanation: the evaluation turned into plain JSON data for lessons and diagrams."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from iamlab.engine.evaluation import ALLOWED, EXPLICITLY_DENIED, Evaluation
from iamlab.engine.policy_types import AWS_WORDING, PolicyType
from iamlab.engine.simulation import SuppliedPolicies

# The steps in AWS's order, with the policy type AWS names for each (None: no policy type).
STEP_ORDER = tuple(
    (step, AWS_WORDING[policy_type] if policy_type is not None else None)
    for step, policy_type in (
        ("deny_evaluation", None),
        ("rcp", PolicyType.RCP),
        ("scp", PolicyType.SCP),
        ("endpoint_policy", PolicyType.ENDPOINT),
        ("resource_policy", PolicyType.RESOURCE),
        ("trust_policy", PolicyType.TRUST),
        ("root_user", None),
        ("identity_policy", PolicyType.IDENTITY),
        ("permission_boundary", PolicyType.PERMISSION_BOUNDARY),
        ("session_policy", PolicyType.SESSION),
    )
)


# The step that evaluates each policy type (by AWS's wording, as statements carry it).
_STEP_OF_WORDING = {wording: step for step, wording in STEP_ORDER if wording is not None}
_STEP_OF_TYPE = {
    policy_type: _STEP_OF_WORDING[AWS_WORDING[policy_type]] for policy_type in PolicyType
}
# The steps that can grant a permission, in AWS's order; the others only limit or guard it.
_GRANTING_STEPS = ("resource_policy", "trust_policy", "root_user", "identity_policy")


def deciding_step(evaluation: Evaluation) -> str | None:
    """Name the step whose result decided the request.

    An explicit deny is decided by the deny evaluation (a matching Deny anywhere wins); an
    implicit deny by the step of the policy type AWS names in the message; an Allow by the
    last granting step whose Allow the decision needed (the resource-based or trust policy,
    the root user's own access, or the identity-based policy). Boundaries and session policies
    only limit what was granted, so they never decide an Allow. None when no permission is
    needed at all.
    """
    if not evaluation.permission_required:
        return None
    if evaluation.decision == EXPLICITLY_DENIED:
        return "deny_evaluation"
    if evaluation.decision != ALLOWED:
        if evaluation.denied_by is None:
            return "deny_evaluation"
        return _STEP_OF_TYPE[evaluation.denied_by]
    granted = {_STEP_OF_WORDING.get(placed.wording) for _, placed, _ in evaluation.deciding}
    for step in reversed(_GRANTING_STEPS):
        if step in granted:
            return step
    # The root user in its own account needs no policy to allow it.
    return "root_user" if evaluation.simulation.caller.kind == "root" else None


class StepFacts(NamedTuple):
    """Everything the step records depend on besides what each step found."""

    action: str
    permission_required: bool
    caller_kind: str
    service_linked_role: bool
    trust_mode: bool
    has_rcps: bool
    has_scps: bool
    has_endpoint_policy: bool
    has_resource_policy: bool
    has_identity_policies: bool
    has_permission_boundary: bool
    session_policy_supplied: bool


def _presence(facts: StepFacts) -> dict[str, bool]:
    """Say, per step, whether any policy of its type was supplied."""
    return {
        "deny_evaluation": True,
        "rcp": facts.has_rcps,
        "scp": facts.has_scps,
        "endpoint_policy": facts.has_endpoint_policy,
        "resource_policy": facts.has_resource_policy,
        "trust_policy": facts.has_resource_policy,
        "root_user": facts.caller_kind == "root",
        "identity_policy": facts.has_identity_policies,
        "permission_boundary": facts.has_permission_boundary,
        "session_policy": facts.session_policy_supplied,
    }


def _note(facts: StepFacts, step: str, result: str) -> str:
    """Say in one sentence what the step found, for a student."""
    action = facts.action
    if result == "Skipped":
        if not facts.permission_required:
            return f"Not checked: AWS performs {action} without checking any permission."
        return "Not needed: the decision was already made by an earlier step."
    if step == "deny_evaluation":
        if result == "Deny":
            return f"A Deny statement matches {action}, and an explicit deny overrides every allow."
        return "No Deny statement in any policy matches this request."
    if step == "rcp":
        if result == "NotApplicable":
            return (
                "No resource control policies: the resource's account is not in an "
                "organization that uses them."
            )
        if result == "Deny":
            return "A resource control policy denies this request on the resource."
        return (
            "RCPFullAWSAccess, attached at every level, lets the request through and no RCP "
            "denies it."
        )
    if step == "scp":
        if result == "NotApplicable":
            if facts.has_scps and facts.service_linked_role:
                return "Service control policies do not restrict service-linked roles."
            if facts.has_scps:
                return (
                    "Service control policies restrict only principals in the organization's "
                    "accounts."
                )
            return "No service control policies: the principal's account is not in an organization."
        if result == "Deny":
            return "A service control policy denies this request."
        if result == "NoMatch":
            return (
                "At some organization level no service control policy allows this action; "
                "every level must allow it."
            )
        return "Every organization level has a service control policy that allows this action."
    if step == "endpoint_policy":
        if result == "NotApplicable":
            return "The request does not go through a VPC endpoint with a policy."
        if result == "Deny":
            return "The VPC endpoint policy denies this request."
        if result == "NoMatch":
            return "The VPC endpoint policy does not allow this request."
        return "The VPC endpoint policy allows this request."
    if step in {"resource_policy", "trust_policy"}:
        kind = "role trust policy" if step == "trust_policy" else "resource-based policy"
        if result == "NotApplicable":
            return "The resource has no resource-based policy."
        if result == "Deny":
            return f"The {kind} denies this request."
        if result == "NoMatch":
            if step == "trust_policy" and not facts.has_resource_policy:
                return (
                    "No role trust policy was supplied; a role can be assumed only if its "
                    "trust policy allows it."
                )
            if not facts.has_resource_policy:
                return (
                    "No key policy was supplied; a KMS key is usable only if its key policy "
                    "allows it."
                )
            return f"No statement in the {kind} allows this principal to perform {action}."
        return f"The {kind} allows this principal to perform {action}."
    if step == "root_user":
        if result == "NotApplicable":
            return "The caller is not the account root user."
        return (
            "The root user has full access to its own account unless a policy explicitly denies it."
        )
    if step == "identity_policy":
        if result == "NotApplicable":
            if facts.caller_kind == "root":
                return "The root user has no identity-based policies."
            return "This caller has no identity-based policies (it is not an IAM user or role)."
        if result == "Deny":
            return "An identity-based policy denies this request."
        if result == "NoMatch":
            return f"No identity-based policy allows {action} on this resource."
        return f"An identity-based policy allows {action} on this resource."
    if step == "permission_boundary":
        if result == "NotApplicable":
            return "No permissions boundary is set for this principal."
        if result == "Deny":
            return "The permissions boundary denies this request."
        if result == "NoMatch":
            return (
                f"The permissions boundary does not allow {action}, so it caps the permissions "
                "below it."
            )
        return f"The permissions boundary allows {action}."
    if step == "session_policy":
        if result == "NotApplicable":
            if facts.caller_kind == "assumed_role":
                return (
                    "The role session has no session policy, so the role's permissions apply "
                    "unchanged."
                )
            return "The caller is not using a session, so no session policy applies."
        if result == "Deny":
            return "A session policy denies this request."
        if not facts.session_policy_supplied:
            return "A federated user session without a session policy has no permissions."
        if result == "NoMatch":
            return f"The session policy does not allow {action}, so the session cannot do it."
        return f"The session policy allows {action}."
    return ""


_SHOWN_AS_FOUND = frozenset({"NotApplicable", "Deny"})


@lru_cache(maxsize=1024)
def _step_records(
    action: str,
    permission_required: bool,
    caller_kind: str,
    service_linked_role: bool,
    supplied: SuppliedPolicies,
    trust_mode: bool,
    found: tuple[tuple[str, str], ...],
    consulted: frozenset[str],
) -> tuple[dict[str, object], ...]:
    """Build the step records for one combination of facts and step results.

    `found` holds what each step found on its own, `consulted` the steps the decision depended
    on. The records depend on nothing else, and the same combinations recur request after
    request, so they are built once; build_explanation hands out copies, never these dicts.
    """
    facts = StepFacts(
        action,
        permission_required,
        caller_kind,
        service_linked_role,
        trust_mode,
        has_rcps=supplied.rcps,
        has_scps=supplied.scps,
        has_endpoint_policy=supplied.endpoint_policy,
        has_resource_policy=supplied.resource_policy,
        has_identity_policies=supplied.identity_policies,
        has_permission_boundary=supplied.permission_boundary,
        session_policy_supplied=supplied.session_policy,
    )
    results = dict(found)
    resource_step = "trust_policy" if trust_mode else "resource_policy"
    presence = _presence(facts)
    records = []
    for step, wording in STEP_ORDER:
        if step in {"resource_policy", "trust_policy"} and step != resource_step:
            continue
        result = results[step]
        unused = step not in consulted and result not in _SHOWN_AS_FOUND
        if unused or not permission_required:
            result = "Skipped"
        records.append(
            {
                "step": step,
                "policy_type": wording,
                "present": presence[step],
                "result": result,
                "note": _note(facts, step, result),
            }
        )
    return tuple(records)


def build_explanation(evaluation: Evaluation) -> dict[str, object]:
    """Return the explanation in the shape docs/contracts.md fixes."""
    simulation = evaluation.simulation
    caller = simulation.caller
    records = _step_records(
        simulation.action,
        evaluation.permission_required,
        caller.kind,
        caller.is_service_linked_role,
        simulation.policies.supplied,
        simulation.trust_mode,
        tuple(evaluation.step_results.items()),
        frozenset(evaluation.consulted),
    )
    steps = [record.copy() for record in records]
    denied_by = None
    if evaluation.decision != ALLOWED and evaluation.denied_by is not None:
        explicit = evaluation.decision == EXPLICITLY_DENIED
        denied_by = {
            "policy_type": AWS_WORDING[evaluation.denied_by],
            "explicit": explicit,
            # Whether AWS's message says "explicit deny". The current IAM User Guide page
            # "Troubleshoot access denied error messages" gives an SCP that merely fails to
            # allow its own implicit form ("because no service control policy allows the
            # ACTION action"), so only a matching Deny statement is worded as explicit.
            "message_says_explicit": explicit,
        }
    return {
        "request": {
            "principal": simulation.principal,
            "action": simulation.action,
            "resource": simulation.resource,
            "principal_account": simulation.principal_account,
            "resource_account": simulation.resource_account,
            "same_account": evaluation.same_account,
            "principal_kind": simulation.caller.kind,
        },
        "permission_required": evaluation.permission_required,
        "steps": steps,
        "policies": evaluation.policies,
        "deciding_step": deciding_step(evaluation),
        "deciding_statements": [
            {
                "path": f"{placed.path}.{statement.path}",
                "policy_type": placed.wording,
                "sid": statement.sid,
                "effect": statement.effect,
            }
            for statement, placed, _ in evaluation.deciding
        ],
        "denied_by": denied_by,
    }
