"""Evaluation: matching statements against a request and deciding as AWS documents it.

The order follows AWS's policy evaluation logic (IAM-FACTS 1): explicit deny anywhere, then
resource control policies, service control policies, the VPC endpoint policy, the resource-
based (or role trust) policy, identity-based policies, the permissions boundary and the
session policy, with the same-account rules of IAM-FACTS 1.2 and the cross-account rule of 1.3.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from iamlab.engine.conditions import ClauseRecord, evaluate_clause
from iamlab.engine.parsing import Statement
from iamlab.engine.policy_types import PolicyType
from iamlab.engine.principals import (
    NAMED_ACCOUNT,
    NAMED_ROLE,
    Caller,
    match_principal,
    not_principal_excludes,
)
from iamlab.engine.simulation import PlacedPolicy, Simulation
from iamlab.engine.variables import resolve
from iamlab.engine.wildcard import compile_segments

# Enum member lookups cost about a microsecond each on Python 3.11, and the decision code
# uses them on every request: it refers to these module-level names instead.
_RCP = PolicyType.RCP
_SCP = PolicyType.SCP
_ENDPOINT = PolicyType.ENDPOINT
_RESOURCE = PolicyType.RESOURCE
_TRUST = PolicyType.TRUST
_IDENTITY = PolicyType.IDENTITY
_BOUNDARY = PolicyType.PERMISSION_BOUNDARY
_SESSION = PolicyType.SESSION

# Actions AWS performs without checking any permission.
NO_PERMISSION_ACTIONS = frozenset({"sts:getcalleridentity"})

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
    derived = _derived_keys(simulation.caller, simulation.resource_account)
    # Values the document supplies win over the derived ones.
    return {**derived, **simulation.context} if simulation.context else dict(derived)


@lru_cache(maxsize=1024)
def _derived_keys(caller: Caller, resource_account: str | None) -> dict[str, list[str]]:
    """Return the derived global keys for a caller (cached: callers repeat; never mutated)."""
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
    if resource_account:
        derived["aws:resourceaccount"] = resource_account
    return {key: [value] for key, value in derived.items()}


# A statement that matched the request, with what the decision needs to know about it: the
# statement, the policy holding it, and how its Principal element named the caller
# (principals.NAMED_*, None without one). A plain tuple, always unpacked: matching statements
# are found on every request, and a tuple is made several times faster than an object.
StatementMatch = tuple[Statement, PlacedPolicy, str | None]


# How one statement fared against the request, as the explanation shows it (docs/contracts.md
# 1): whether its action, resource, principal and each condition matched, and by which value.
# Evaluation makes the record directly, so that each statement of each request is recorded
# once, in the shape it is handed out; an intermediate object copied into JSON afterwards cost
# about a tenth of the engine's time (bench/engine.py).
StatementRecord = dict[str, object]


def evaluate_statement(
    statement: Statement,
    simulation: Simulation,
    context: dict[str, list[str]],
    has_boundary: bool,
) -> tuple[StatementRecord, str | None]:
    """Match one statement against the request; return its record and how it named the caller.

    Every element is evaluated, even after one fails to match: the explanation shows them all.
    """
    action_by = None
    action = simulation.action_lower
    for text, pattern in statement.actions:
        if pattern.match(action):
            action_by = text
            break
    action_matched = (action_by is not None) == statement.positive_action

    resource_record = None
    resource_matched = True
    if statement.resource_element is not None:
        resource_by = None
        resource = simulation.resource
        for candidate in statement.resources:
            pattern = candidate.pattern
            if pattern is None:
                assert candidate.template is not None
                segments = resolve(candidate.template, context)
                if segments is None:
                    continue  # an unresolved variable matches no resource (IAM-FACTS 2.3)
                pattern = compile_segments(segments)
            if pattern.match(resource):
                resource_by = candidate.text
                break
        resource_matched = (resource_by is not None) == statement.positive_resource
        resource_record = {
            "element": statement.resource_element,
            "matched": resource_matched,
            "matched_by": resource_by,
        }

    principal_record = named_as = None
    principal_matched = True
    if statement.principal_element is not None:
        principal_by = None
        if statement.principal_element == "Principal":
            found = match_principal(statement.principals, simulation.caller)
            principal_matched = found is not None
            if found is not None:
                named_as, principal_by = found
        elif has_boundary:
            # AWS documents that a Deny with NotPrincipal always denies an IAM principal that
            # has a permissions boundary attached, whatever NotPrincipal lists.
            principal_matched = True
        else:
            principal_by = not_principal_excludes(statement.principals, simulation.caller)
            principal_matched = principal_by is None
        principal_record = {
            "element": statement.principal_element,
            "matched": principal_matched,
            "matched_by": principal_by,
        }

    matched = action_matched and resource_matched and principal_matched
    conditions: list[ClauseRecord] = []
    for clause in statement.conditions:
        clause_record = evaluate_clause(clause, context)
        conditions.append(clause_record)
        if not clause_record["matched"]:
            matched = False
    record = {
        "index": statement.index,
        "sid": statement.sid,
        "effect": statement.effect,
        "matched": matched,
        "action": {
            "element": statement.action_element,
            "matched": action_matched,
            "matched_by": action_by,
        },
        "resource": resource_record,
        "principal": principal_record,
        "conditions": conditions,
    }
    return record, named_as


class Evaluation:
    """Everything the decision needs and the explanation shows.

    A plain slotted class: one is made per request, and a dataclass with default factories
    costs several times more to build.
    """

    __slots__ = (
        "consulted",
        "context",
        "deciding",
        "decision",
        "denied_by",
        "deny_statements",
        "permission_required",
        "policies",
        "same_account",
        "simulation",
        "step_results",
    )

    def __init__(
        self, simulation: Simulation, context: dict[str, list[str]], same_account: bool
    ) -> None:
        self.simulation = simulation
        self.context = context
        self.same_account = same_account
        self.decision = IMPLICITLY_DENIED
        self.denied_by: PolicyType | None = None
        self.deny_statements: list[StatementMatch] = []
        self.deciding: list[StatementMatch] = []
        # Every policy evaluated, as the explanation shows it, in AWS's evaluation order.
        self.policies: list[dict[str, object]] = []
        # What each step found on its own (Allow, Deny, NoMatch, NotApplicable), and which
        # steps the decision actually depended on; the explanation shows the others as Skipped.
        self.step_results: dict[str, str] = {}
        self.consulted: set[str] = set()
        self.permission_required = True  # False for actions such as sts:GetCallerIdentity


def _evaluate_group(
    placed_policies: Iterable[PlacedPolicy],
    applies: bool,
    evaluation: Evaluation,
    has_boundary: bool,
    step: str,
    policy_type: PolicyType,
) -> list[StatementMatch]:
    """Evaluate the policies of one step; return their matching Allow statements.

    Their matching Deny statements are recorded at once for step 1 (explicit deny): the groups
    are evaluated in AWS's order, so the first type recorded is the one AccessDenied names.
    """
    simulation, context = evaluation.simulation, evaluation.context
    allows: list[StatementMatch] = []
    for placed in placed_policies:
        statements: list[StatementRecord] = []
        denies: list[StatementMatch] = []
        for statement in placed.policy.statements:
            record, named_as = evaluate_statement(statement, simulation, context, has_boundary)
            statements.append(record)
            if record["matched"]:
                match = (statement, placed, named_as)
                (allows if statement.effect == "Allow" else denies).append(match)
        policy_record: dict[str, object] = {
            "path": placed.path,
            "policy_type": placed.wording,
            "applies": applies,
            "statements": statements,
        }
        if placed.level is not None:
            policy_record["level"] = placed.level
        evaluation.policies.append(policy_record)
        if denies and applies:
            evaluation.step_results[step] = "Deny"
            evaluation.deny_statements.extend(denies)
            if evaluation.denied_by is None:
                evaluation.denied_by = policy_type
    return allows


# Grants from a resource-based policy, strongest first. Naming the caller itself (its session,
# its user, or "*") grants on its own; naming the role is limited by the role session's
# permissions boundary and session policy; naming the account only delegates to the account,
# whose identity-based policies must then allow (IAM-FACTS 1.2 and 1.3).
_GRANT_RANK = {NAMED_ACCOUNT: 0, NAMED_ROLE: 1}


def _best_grant(allows: list[StatementMatch]) -> StatementMatch | None:
    """Return the strongest grant, the first of equally strong ones (None when none allows)."""
    best, best_rank = None, -1
    for match in allows:
        rank = _GRANT_RANK.get(match[2] or "", 2)
        if rank > best_rank:
            best, best_rank = match, rank
    return best


def _first_each(groups: Iterable[list[StatementMatch]]) -> list[StatementMatch]:
    """Take the first statement of each group (one deciding statement per level or policy)."""
    return [group[0] for group in groups if group]


def evaluate(simulation: Simulation) -> Evaluation:
    """Decide the request and record every step for the explanation."""
    caller = simulation.caller
    kind = caller.kind
    account_principal = caller.is_iam_principal
    same_account = (
        account_principal
        and simulation.resource_account is not None
        and caller.account == simulation.resource_account
    )
    evaluation = Evaluation(simulation, effective_context(simulation), same_account)
    policies = simulation.policies
    boundary_applies = kind in {"user", "role", "assumed_role", "federated_user"}
    has_boundary = boundary_applies and policies.permission_boundary is not None
    identity_applies = account_principal and kind != "root"
    session_applies = caller.is_session
    # SCPs limit the principals of member accounts, root user included, but not service-linked
    # roles; the document cannot tell the management account, so supplied SCPs always apply.
    scp_applies = account_principal and not caller.is_service_linked_role
    trust_mode = simulation.trust_mode
    required = simulation.resource_policy_required
    resource_step = "trust_policy" if trust_mode else "resource_policy"
    resource_type = _TRUST if trust_mode else _RESOURCE

    def run(
        placed: Iterable[PlacedPolicy], applies: bool, step: str, policy_type: PolicyType
    ) -> list[StatementMatch]:
        return _evaluate_group(placed, applies, evaluation, has_boundary, step, policy_type)

    # Evaluated in AWS's order, which is also the order of `policies` in the explanation and the
    # order in which step 1 looks for a matching Deny in every policy that applies.
    no_allows: list[StatementMatch] = []
    if policies.rcps:
        run([placed for level in policies.rcps for placed in level], True, "rcp", _RCP)
    scp_allows = [run(level, scp_applies, "scp", _SCP) for level in policies.scps]
    endpoint_allows = (
        run((policies.endpoint_policy,), True, "endpoint_policy", _ENDPOINT)
        if policies.endpoint_policy is not None
        else no_allows
    )
    resource_allows = (
        run((policies.resource_policy,), True, resource_step, resource_type)
        if policies.resource_policy is not None
        else no_allows
    )
    identity_allows = run(
        policies.identity_policies, identity_applies, "identity_policy", _IDENTITY
    )
    boundary_allows = (
        run((policies.permission_boundary,), boundary_applies, "permission_boundary", _BOUNDARY)
        if policies.permission_boundary is not None
        else no_allows
    )
    session_allows = run(policies.session_policies, session_applies, "session_policy", _SESSION)
    # Allow statements count only in the policies that apply to this caller.
    if not identity_applies:
        identity_allows = no_allows
    if not has_boundary:
        boundary_allows = no_allows
    if not session_applies:
        session_allows = no_allows
    results = evaluation.step_results
    boundary_ok = not has_boundary or bool(boundary_allows)
    if not session_applies:
        session_ok = True
    elif policies.session_policy_supplied:
        session_ok = bool(session_allows)
    else:
        # A role session without a session policy keeps the role's permissions; a federated
        # user session (GetFederationToken) without one has none (IAM-FACTS 1.1, step 7).
        session_ok = kind == "assumed_role"

    scp_ok = all(scp_allows)
    found = {
        "rcp": "Allow" if policies.rcps else "NotApplicable",
        "scp": (
            ("Allow" if scp_ok else "NoMatch") if policies.scps and scp_applies else "NotApplicable"
        ),
        "endpoint_policy": (
            ("Allow" if endpoint_allows else "NoMatch")
            if policies.endpoint_policy is not None
            else "NotApplicable"
        ),
        resource_step: (
            ("Allow" if resource_allows else "NoMatch")
            if policies.resource_policy is not None or required
            else "NotApplicable"
        ),
        "root_user": "Allow" if kind == "root" else "NotApplicable",
        "identity_policy": (
            ("Allow" if identity_allows else "NoMatch") if identity_applies else "NotApplicable"
        ),
        "permission_boundary": (
            ("Allow" if boundary_allows else "NoMatch") if has_boundary else "NotApplicable"
        ),
        # A step with no policy of its type is not applicable, never an Allow: a role session
        # without a session policy passes that step because there is nothing to check.
        "session_policy": (
            ("Allow" if session_ok else "NoMatch")
            if session_applies and (policies.session_policy_supplied or not session_ok)
            else "NotApplicable"
        ),
    }
    # What step 1 found (Deny) wins over what the step found on its own.
    evaluation.step_results = results = {**found, **results}
    results["deny_evaluation"] = "Deny" if evaluation.deny_statements else "NoMatch"

    consulted = evaluation.consulted
    if simulation.action_lower in NO_PERMISSION_ACTIONS:
        # STS answers GetCallerIdentity for any signed request: it needs no permission and an
        # explicit deny does not block it (IAM-FACTS 4.2). The policies are still shown.
        evaluation.permission_required = False
        evaluation.decision, evaluation.denied_by = ALLOWED, None
        evaluation.deny_statements = []
        return evaluation
    consulted.add("deny_evaluation")
    if evaluation.deny_statements:
        consulted.update(step for step, result in results.items() if result == "Deny")
        evaluation.decision = EXPLICITLY_DENIED
        evaluation.deciding = evaluation.deny_statements
        return evaluation
    # RCPs never deny implicitly: RCPFullAWSAccess is attached at every level, so only their
    # Deny statements (step 1) matter.
    consulted.update(("rcp", "scp"))
    if results["scp"] == "NoMatch":
        evaluation.decision, evaluation.denied_by = IMPLICITLY_DENIED, _SCP
        return evaluation
    consulted.add("endpoint_policy")
    if results["endpoint_policy"] == "NoMatch":
        evaluation.decision, evaluation.denied_by = IMPLICITLY_DENIED, _ENDPOINT
        return evaluation
    guardrails = _first_each(scp_allows) + endpoint_allows[:1]
    limits = boundary_allows[:1] + session_allows[:1]
    consulted.add(resource_step)
    decision, denied_by, deciding, needed = _decide_grants(
        caller,
        same_account=same_account,
        required=required,
        resource_type=resource_type,
        grant=_best_grant(resource_allows),
        identity_allows=identity_allows,
        boundary_ok=boundary_ok,
        session_ok=session_ok,
    )
    evaluation.decision, evaluation.denied_by = decision, denied_by
    consulted.update(needed)
    if decision == ALLOWED:
        used_limits = limits if needed & {"permission_boundary", "session_policy"} else []
        evaluation.deciding = guardrails + deciding + used_limits
    return evaluation


_PRINCIPAL_STEPS = frozenset({"identity_policy", "permission_boundary", "session_policy"})
_LIMIT_STEPS = frozenset({"permission_boundary", "session_policy"})


def _decide_grants(
    caller: Caller,
    *,
    same_account: bool,
    required: bool,
    resource_type: PolicyType,
    grant: StatementMatch | None,
    identity_allows: list[StatementMatch],
    boundary_ok: bool,
    session_ok: bool,
) -> tuple[str, PolicyType | None, list[StatementMatch], frozenset[str]]:
    """Combine resource-based, identity-based, boundary and session results (IAM-FACTS 1.1-1.3).

    Returns the decision, the policy type that blocked (or None), the deciding Allow
    statements other than guardrails and limits, and the steps the decision depended on.
    """
    nothing: frozenset[str] = frozenset()
    granted = [grant] if grant is not None else []
    if not caller.is_iam_principal:
        # Service principals, identity providers and anonymous callers have no identity-based
        # policies: only the resource-based (or trust) policy can let them in.
        if grant is not None:
            return ALLOWED, None, granted, nothing
        return IMPLICITLY_DENIED, resource_type, [], nothing

    if caller.kind == "root":
        # The root user has full access to its own account; elsewhere the resource's account
        # must grant it through a resource-based policy. A role trust policy must always allow
        # explicitly (STS itself also refuses root callers of AssumeRole, which is the world's
        # error to raise, not an authorization decision).
        root = frozenset({"root_user"})
        if (same_account and not required) or grant is not None:
            return ALLOWED, None, granted, root
        return IMPLICITLY_DENIED, resource_type, [], root

    identity_ok = bool(identity_allows)
    principal_side = identity_ok and boundary_ok and session_ok
    if not identity_ok:
        principal_blocker = _IDENTITY
    elif not boundary_ok:
        principal_blocker = _BOUNDARY
    else:
        principal_blocker = _SESSION

    if not same_account:
        # Cross-account: the requester's account and the resource's account must both allow.
        if not principal_side:
            return IMPLICITLY_DENIED, principal_blocker, [], _PRINCIPAL_STEPS
        if grant is None:
            return IMPLICITLY_DENIED, resource_type, [], _PRINCIPAL_STEPS
        return ALLOWED, None, [grant, *identity_allows[:1]], _PRINCIPAL_STEPS

    named_as = grant[2] if grant is not None else None
    if grant is not None and named_as not in (NAMED_ACCOUNT, NAMED_ROLE):
        # The policy names the caller itself: granted directly, no other allow needed.
        return ALLOWED, None, granted, nothing
    if grant is not None and named_as == NAMED_ROLE:
        # Naming the role grants its sessions, within their boundary and session policy.
        if boundary_ok and session_ok:
            return ALLOWED, None, granted, _LIMIT_STEPS
        if not identity_ok:
            blocker = _BOUNDARY if not boundary_ok else _SESSION
            return IMPLICITLY_DENIED, blocker, [], _PRINCIPAL_STEPS
    if required and grant is None:
        # A role trust policy (or KMS key policy) must allow explicitly; identity-based
        # policies cannot stand in for it.
        return IMPLICITLY_DENIED, resource_type, [], nothing
    if principal_side:
        deciding = [*granted, *identity_allows[:1]] if required else identity_allows[:1]
        return ALLOWED, None, deciding, _PRINCIPAL_STEPS
    return IMPLICITLY_DENIED, principal_blocker, [], _PRINCIPAL_STEPS
