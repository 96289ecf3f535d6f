"""Evaluation: matching statements against a request and deciding as AWS documents it.

The order follows AWS's policy evaluation logic (IAM-FACTS 1): explicit deny anywhere, then
resource control policies, service control policies, the VPC endpoint policy, the resource-
based (or role trust) policy, identity-based policies, the permissions boundary and the
session policy, with the same-account rules of IAM-FACTS 1.2 and the cross-account rule of 1.3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from iamlab.engine.conditions import ClauseResult, evaluate_clause
from iamlab.engine.parsing import Statement
from iamlab.engine.policy_types import PolicyType
from iamlab.engine.principals import (
    NAMED_ACCOUNT,
    NAMED_ROLE,
    match_principal,
    not_principal_excludes,
)
from iamlab.engine.simulation import PlacedPolicy, Simulation
from iamlab.engine.variables import resolve
from iamlab.engine.wildcard import compile_segments

ALLOWED = "Allowed"
EXPLICITLY_DENIED = "ExplicitlyDenied"
IMPLICITLY_DENIED = "ImplicitlyDenied"

_PRINCIPAL_TYPES = {
    "user": "User",
    "assumed_role": "AssumedRole",
    "role": "AssumedRole",
    "federated_user": "FederatedUser",
    "root": "Account",
    "anonymous": "Anonymous",
}


def effective_context(simulation: Simulation) -> dict[str, list[str]]:
    """Add the global keys AWS sets for every request, unless the document supplies them."""
    caller = simulation.caller
    derived: dict[str, str] = {}
    if caller.is_iam_principal:
        if caller.kind == "assumed_role":
            assert caller.role_arn is not None
            derived["aws:principalarn"] = caller.role_arn
        else:
            derived["aws:principalarn"] = caller.name
        assert caller.account is not None
        derived["aws:principalaccount"] = caller.account
        derived["aws:principalisawsservice"] = "false"
    if caller.kind in _PRINCIPAL_TYPES:
        derived["aws:principaltype"] = _PRINCIPAL_TYPES[caller.kind]
    if caller.kind == "user" and caller.entity_name:
        derived["aws:username"] = caller.entity_name
    if caller.kind == "root" and caller.account:
        derived["aws:userid"] = caller.account
    if caller.kind == "federated_user" and caller.account:
        derived["aws:userid"] = f"{caller.account}:{caller.entity_name}"
    if caller.kind == "service":
        derived["aws:principalisawsservice"] = "true"
        derived["aws:principalservicename"] = caller.name
    if simulation.resource_account:
        derived["aws:resourceaccount"] = simulation.resource_account
    context = dict(simulation.context)
    for key, value in derived.items():
        context.setdefault(key, [value])
    return context


class StatementResult:
    """How one statement fared against the request.

    A plain slotted class built positionally: the engine makes one per statement per request,
    so its construction cost matters for throughput (bench/engine.py).
    """

    __slots__ = (
        "action_by",
        "action_matched",
        "conditions",
        "matched",
        "named_as",
        "placed",
        "principal_by",
        "principal_matched",
        "resource_by",
        "resource_matched",
        "statement",
    )

    def __init__(
        self,
        statement: Statement,
        placed: PlacedPolicy,
        action_matched: bool,
        action_by: str | None,
        resource_matched: bool | None,
        resource_by: str | None,
        principal_matched: bool | None,
        principal_by: str | None,
        named_as: str | None,
        conditions: list[ClauseResult],
        matched: bool,
    ) -> None:
        self.statement = statement
        self.placed = placed
        self.action_matched = action_matched
        self.action_by = action_by
        self.resource_matched = resource_matched  # None: the statement has no Resource element
        self.resource_by = resource_by
        self.principal_matched = principal_matched  # None: no Principal or NotPrincipal
        self.principal_by = principal_by
        self.named_as = named_as  # how a Principal element named the caller (principals.NAMED_*)
        self.conditions = conditions
        self.matched = matched

    @property
    def effect(self) -> str:
        """Return Allow or Deny."""
        return self.statement.effect

    @property
    def policy_type(self) -> PolicyType:
        """Return the type of the policy holding the statement."""
        return self.placed.policy.policy_type

    @property
    def path(self) -> str:
        """Return the statement's JSON path in the simulation document."""
        return f"{self.placed.path}.{self.statement.path}"


def _resource_hit(statement: Statement, resource: str, context: dict[str, list[str]]) -> str | None:
    """Return the Resource/NotResource value that matches the resource, or None."""
    for candidate in statement.resources:
        pattern = candidate.pattern
        if pattern is None:
            assert candidate.template is not None
            segments = resolve(candidate.template, context)
            if segments is None:
                continue  # an unresolved variable matches no resource (IAM-FACTS 2.3)
            pattern = compile_segments(segments)
        if pattern.match(resource):
            return candidate.text
    return None


def evaluate_statement(
    statement: Statement,
    placed: PlacedPolicy,
    simulation: Simulation,
    context: dict[str, list[str]],
    has_boundary: bool,
) -> StatementResult:
    """Match one statement against the request; every element is evaluated for the explanation."""
    action_by = None
    action = simulation.action_lower
    for text, pattern in statement.actions:
        if pattern.match(action):
            action_by = text
            break
    action_matched = (action_by is not None) == statement.positive_action

    resource_matched = resource_by = None
    if statement.resource_element is not None:
        resource_by = _resource_hit(statement, simulation.resource, context)
        resource_matched = (resource_by is not None) == statement.positive_resource

    principal_matched = principal_by = named_as = None
    if statement.principal_element == "Principal":
        found = match_principal(statement.principals, simulation.caller)
        principal_matched = found is not None
        if found is not None:
            named_as, principal_by = found
    elif statement.principal_element == "NotPrincipal":
        if has_boundary:
            # AWS documents that a Deny with NotPrincipal always denies an IAM principal that
            # has a permissions boundary attached, whatever NotPrincipal lists.
            principal_matched = True
        else:
            principal_by = not_principal_excludes(statement.principals, simulation.caller)
            principal_matched = principal_by is None

    conditions = [evaluate_clause(clause, context) for clause in statement.conditions]
    matched = action_matched and resource_matched is not False and principal_matched is not False
    if matched:
        for result in conditions:
            if not result.matched:
                matched = False
                break
    return StatementResult(
        statement,
        placed,
        action_matched,
        action_by,
        resource_matched,
        resource_by,
        principal_matched,
        principal_by,
        named_as,
        conditions,
        matched,
    )


@dataclass(slots=True)
class PolicyResult:
    """The statements of one policy, evaluated, with its matching Allow and Deny statements."""

    placed: PlacedPolicy
    applies: bool
    statements: list[StatementResult]
    allow_statements: list[StatementResult]
    deny_statements: list[StatementResult]

    def allows(self) -> list[StatementResult]:
        """Return the matching Allow statements."""
        return self.allow_statements

    def denies(self) -> list[StatementResult]:
        """Return the matching Deny statements."""
        return self.deny_statements


@dataclass(slots=True)
class Evaluation:
    """Everything the decision needs and the explanation shows."""

    simulation: Simulation
    context: dict[str, list[str]]
    decision: str = IMPLICITLY_DENIED
    denied_by: PolicyType | None = None
    deny_statements: list[StatementResult] = field(default_factory=list)
    deciding: list[StatementResult] = field(default_factory=list)
    policies: list[PolicyResult] = field(default_factory=list)
    # step name -> (present, raw result, consulted, note)
    steps: dict[str, dict[str, object]] = field(default_factory=dict)
    same_account: bool = False


def _evaluate_policies(
    placed_policies: Iterable[PlacedPolicy],
    applies: bool,
    evaluation: Evaluation,
    has_boundary: bool,
) -> list[PolicyResult]:
    results = []
    simulation, context = evaluation.simulation, evaluation.context
    for placed in placed_policies:
        statements, allows, denies = [], [], []
        for statement in placed.policy.statements:
            result = evaluate_statement(statement, placed, simulation, context, has_boundary)
            statements.append(result)
            if result.matched:
                (allows if statement.effect == "Allow" else denies).append(result)
        policy_result = PolicyResult(placed, applies, statements, allows, denies)
        evaluation.policies.append(policy_result)
        results.append(policy_result)
    return results


def _allows(results: list[PolicyResult]) -> list[StatementResult]:
    return [s for r in results for s in r.allows()]


def _denies(results: list[PolicyResult]) -> list[StatementResult]:
    return [s for r in results if r.applies for s in r.denies()]


# Grants from a resource-based policy, strongest first. Naming the caller itself (its session,
# its user, or "*") grants on its own; naming the role is limited by the role session's
# permissions boundary and session policy; naming the account only delegates to the account,
# whose identity-based policies must then allow (IAM-FACTS 1.2 and 1.3).
_GRANT_RANK = {NAMED_ACCOUNT: 0, NAMED_ROLE: 1}


def _best_grant(allows: list[StatementResult]) -> StatementResult | None:
    if not allows:
        return None
    return max(allows, key=lambda s: _GRANT_RANK.get(s.named_as or "", 2))


def evaluate(simulation: Simulation) -> Evaluation:
    """Decide the request and record every step for the explanation."""
    evaluation = Evaluation(simulation=simulation, context=effective_context(simulation))
    caller = simulation.caller
    account_principal = caller.is_iam_principal
    evaluation.same_account = (
        account_principal
        and simulation.resource_account is not None
        and caller.account == simulation.resource_account
    )
    boundary_applies = caller.kind in {"user", "role", "assumed_role", "federated_user"}
    has_boundary = boundary_applies and simulation.permission_boundary is not None
    identity_applies = account_principal and caller.kind != "root"
    session_applies = caller.is_session
    # SCPs limit the principals of member accounts, root user included, but not service-linked
    # roles; the document cannot tell the management account, so supplied SCPs always apply.
    scp_applies = account_principal and not caller.is_service_linked_role

    rcp_levels = [
        _evaluate_policies(level, True, evaluation, has_boundary) for level in simulation.rcps
    ]
    scp_levels = [
        _evaluate_policies(level, scp_applies, evaluation, has_boundary)
        for level in simulation.scps
    ]
    endpoint = _evaluate_policies(
        [simulation.endpoint_policy] if simulation.endpoint_policy else [],
        True,
        evaluation,
        has_boundary,
    )
    resource = _evaluate_policies(
        [simulation.resource_policy] if simulation.resource_policy else [],
        True,
        evaluation,
        has_boundary,
    )
    identity = _evaluate_policies(
        simulation.identity_policies, identity_applies, evaluation, has_boundary
    )
    boundary = _evaluate_policies(
        [simulation.permission_boundary] if simulation.permission_boundary else [],
        boundary_applies,
        evaluation,
        has_boundary,
    )
    session = _evaluate_policies(
        simulation.session_policies, session_applies, evaluation, has_boundary
    )

    resource_step = "trust_policy" if simulation.trust_mode else "resource_policy"
    resource_type = PolicyType.TRUST if simulation.trust_mode else PolicyType.RESOURCE

    # Step 1: explicit deny in any policy that applies. The type named in AccessDenied is the
    # first in AWS's evaluation order.
    ordered = [
        ("rcp", PolicyType.RCP, [r for level in rcp_levels for r in level]),
        ("scp", PolicyType.SCP, [r for level in scp_levels for r in level]),
        ("endpoint_policy", PolicyType.ENDPOINT, endpoint),
        (resource_step, resource_type, resource),
        ("identity_policy", PolicyType.IDENTITY, identity),
        ("permission_boundary", PolicyType.PERMISSION_BOUNDARY, boundary),
        ("session_policy", PolicyType.SESSION, session),
    ]
    deny_steps: set[str] = set()
    for step, policy_type, results in ordered:
        denies = _denies(results)
        if denies:
            deny_steps.add(step)
            evaluation.deny_statements.extend(denies)
            if evaluation.denied_by is None:
                evaluation.denied_by = policy_type

    identity_allows = _allows(identity) if identity_applies else []
    boundary_allows = _allows(boundary)
    session_allows = _allows(session)
    resource_allows = _allows(resource)
    endpoint_allows = _allows(endpoint)
    scp_allows = [_allows(level) for level in scp_levels]
    rcp_present = bool(simulation.rcps)
    scp_present = bool(simulation.scps)

    boundary_ok = not has_boundary or bool(boundary_allows)
    if not session_applies:
        session_ok = True
    elif simulation.session_policy_supplied:
        session_ok = bool(session_allows)
    else:
        # A role session without a session policy keeps the role's permissions; a federated
        # user session (GetFederationToken) without one has none (IAM-FACTS 1.1, step 7).
        session_ok = caller.kind == "assumed_role"
    grant = _best_grant(resource_allows)

    steps = evaluation.steps
    consulted: set[str] = {"deny_evaluation"}

    def finish(
        decision: str, denied_by: PolicyType | None, deciding: list[StatementResult]
    ) -> None:
        evaluation.decision = decision
        if decision != EXPLICITLY_DENIED:
            evaluation.denied_by = denied_by
        evaluation.deciding = deciding

    raw: dict[str, str] = {}
    raw["deny_evaluation"] = "Deny" if deny_steps else "NoMatch"
    raw["rcp"] = "Allow" if rcp_present else "NotApplicable"
    if not scp_present or not scp_applies:
        raw["scp"] = "NotApplicable"
    else:
        raw["scp"] = "Allow" if all(scp_allows) else "NoMatch"
    raw["endpoint_policy"] = (
        ("Allow" if endpoint_allows else "NoMatch")
        if simulation.endpoint_policy
        else "NotApplicable"
    )
    if simulation.resource_policy is None:
        raw[resource_step] = "NoMatch" if simulation.trust_mode else "NotApplicable"
    else:
        raw[resource_step] = "Allow" if resource_allows else "NoMatch"
    raw["root_user"] = "Allow" if caller.kind == "root" else "NotApplicable"
    if not identity_applies:
        raw["identity_policy"] = "NotApplicable"
    else:
        raw["identity_policy"] = "Allow" if identity_allows else "NoMatch"
    if not has_boundary:
        raw["permission_boundary"] = "NotApplicable"
    else:
        raw["permission_boundary"] = "Allow" if boundary_allows else "NoMatch"
    if not session_applies:
        raw["session_policy"] = "NotApplicable"
    elif simulation.session_policy_supplied:
        raw["session_policy"] = "Allow" if session_allows else "NoMatch"
    else:
        raw["session_policy"] = "Allow" if session_ok else "NoMatch"
    for step in deny_steps:
        raw[step] = "Deny"

    scp_deciding = [s for level in scp_allows for s in level[:1]] if raw["scp"] == "Allow" else []
    guardrails = scp_deciding + endpoint_allows[:1]

    def limits_deciding() -> list[StatementResult]:
        return boundary_allows[:1] + session_allows[:1]

    # RCPs never deny implicitly: RCPFullAWSAccess is attached at every level, so only their
    # Deny statements (step 1) matter.
    if deny_steps:
        consulted |= deny_steps
        finish(EXPLICITLY_DENIED, evaluation.denied_by, evaluation.deny_statements)
    elif raw["scp"] == "NoMatch":
        consulted |= {"rcp", "scp"}
        finish(IMPLICITLY_DENIED, PolicyType.SCP, [])
    elif raw["endpoint_policy"] == "NoMatch":
        consulted |= {"rcp", "scp", "endpoint_policy"}
        finish(IMPLICITLY_DENIED, PolicyType.ENDPOINT, [])
    else:
        consulted |= {"rcp", "scp", "endpoint_policy"}
        _decide_grants(
            evaluation,
            consulted,
            finish,
            resource_step=resource_step,
            resource_type=resource_type,
            grant=grant,
            resource_allows=resource_allows,
            identity_allows=identity_allows,
            boundary_ok=boundary_ok,
            session_ok=session_ok,
            guardrails=guardrails,
            limits=limits_deciding(),
            raw=raw,
        )
    for name, result in raw.items():
        steps[name] = {"result": result, "consulted": name in consulted}
    return evaluation


def _decide_grants(
    evaluation: Evaluation,
    consulted: set[str],
    finish,  # type: ignore[no-untyped-def]
    *,
    resource_step: str,
    resource_type: PolicyType,
    grant: StatementResult | None,
    resource_allows: list[StatementResult],
    identity_allows: list[StatementResult],
    boundary_ok: bool,
    session_ok: bool,
    guardrails: list[StatementResult],
    limits: list[StatementResult],
    raw: dict[str, str],
) -> None:
    """Combine resource-based, identity-based, boundary and session results (IAM-FACTS 1.1-1.3)."""
    simulation = evaluation.simulation
    caller = simulation.caller
    consulted.add(resource_step)

    if not caller.is_iam_principal:
        # Service principals, identity providers and anonymous callers have no identity-based
        # policies: only the resource-based (or trust) policy can let them in.
        if grant is not None:
            finish(ALLOWED, None, [*guardrails, grant])
        else:
            finish(IMPLICITLY_DENIED, resource_type, [])
        return

    if caller.kind == "root":
        consulted.add("root_user")
        # The root user has full access to its own account; elsewhere the resource's account
        # must grant it through a resource-based policy. A role trust policy must always allow
        # explicitly (STS itself also refuses root callers of AssumeRole, which is the world's
        # error to raise, not an authorization decision).
        if evaluation.same_account and not simulation.trust_mode:
            finish(ALLOWED, None, guardrails)
        elif grant is not None:
            finish(ALLOWED, None, [*guardrails, grant])
        else:
            finish(IMPLICITLY_DENIED, resource_type, [])
        return

    identity_ok = bool(identity_allows)
    principal_side = identity_ok and boundary_ok and session_ok

    def principal_side_blocker() -> PolicyType:
        if not identity_ok:
            return PolicyType.IDENTITY
        if not boundary_ok:
            return PolicyType.PERMISSION_BOUNDARY
        return PolicyType.SESSION

    principal_steps = {"identity_policy", "permission_boundary", "session_policy"}

    if not evaluation.same_account:
        # Cross-account: the requester's account and the resource's account must both allow.
        consulted |= principal_steps
        if not principal_side:
            finish(IMPLICITLY_DENIED, principal_side_blocker(), [])
        elif grant is None:
            finish(IMPLICITLY_DENIED, resource_type, [])
        else:
            finish(ALLOWED, None, [*guardrails, grant, *identity_allows[:1], *limits])
        return

    if grant is not None and grant.named_as not in (NAMED_ACCOUNT, NAMED_ROLE):
        # The policy names the caller itself: granted directly, no other allow needed.
        finish(ALLOWED, None, [*guardrails, grant])
        return
    if grant is not None and grant.named_as == NAMED_ROLE:
        consulted |= {"permission_boundary", "session_policy"}
        if boundary_ok and session_ok:
            finish(ALLOWED, None, [*guardrails, grant, *limits])
            return
    if simulation.trust_mode and grant is None:
        # A role trust policy must allow explicitly; identity-based policies cannot stand in.
        finish(IMPLICITLY_DENIED, PolicyType.TRUST, [])
        return
    consulted |= principal_steps
    if principal_side:
        deciding = guardrails + identity_allows[:1] + limits
        if simulation.trust_mode and grant is not None:
            deciding = [*guardrails, grant, *identity_allows[:1], *limits]
        finish(ALLOWED, None, deciding)
        return
    if grant is not None and grant.named_as == NAMED_ROLE:
        finish(
            IMPLICITLY_DENIED,
            PolicyType.PERMISSION_BOUNDARY if not boundary_ok else PolicyType.SESSION,
            [],
        )
        return
    finish(IMPLICITLY_DENIED, principal_side_blocker(), [])
